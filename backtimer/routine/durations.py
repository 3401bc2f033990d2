"""Durations as routine files write them ("90s", "2m", "1m30s", "1h", 3, 1.5) and as people
read them."""

from __future__ import annotations

import math
import re

_UNIT = {"h": 3600.0, "m": 60.0, "s": 1.0}
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([hms])")
_WHOLE = re.compile(r"^\s*(?:\d+(?:\.\d+)?\s*[hms]\s*)+$")


def parse_duration(value: object) -> float:
    """Seconds from a number or a string such as "3s", "2m", "1m30s", "1h".

    Raises ValueError for anything else (booleans, negative numbers, other strings).
    Range checks (> 0, <= 4 h) are the loader's job, so it can name the field.
    """
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        try:
            seconds = float(value)
        except OverflowError:  # an int of hundreds of digits
            raise ValueError(value) from None
    elif isinstance(value, str):
        text = value.strip().lower()
        if re.fullmatch(r"\d+(?:\.\d+)?", text):
            seconds = float(text)
        elif _WHOLE.match(text):
            units = [u for _, u in _PART.findall(text)]
            if len(set(units)) != len(units) or units != sorted(units, key="hms".index):
                raise ValueError(value)
            seconds = sum(float(n) * _UNIT[u] for n, u in _PART.findall(text))
        else:
            raise ValueError(value)
    else:
        raise ValueError(value)
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(value)
    return seconds


def duration_text(seconds: float) -> str:
    """The canonical string form, as the loader reads it back: "3s", "1m30s", "1h", "1.5s"."""
    if seconds != int(seconds) or seconds < 60:
        return f"{seconds:g}s"
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [
        f"{hours}h" if hours else "",
        f"{minutes}m" if minutes else "",
        f"{secs}s" if secs else "",
    ]
    return "".join(parts)


def human(seconds: float) -> str:
    """For people: "3 s", "1 min", "1 min 30 s", "2 h 5 min", "1.5 s"."""
    if seconds < 60:
        return f"{seconds:g} s"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min {secs} s" if secs else f"{minutes} min"


def clock(seconds: float) -> str:
    """A countdown clock: "0:05", "1:30", "1:02:03". Rounds up so a timer never shows 0:00 early."""
    whole = max(0, math.ceil(seconds - 1e-9))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
