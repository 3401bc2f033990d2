"""How long to pause the break reminders: "30m", "2h", "until 14:30", "tomorrow". Pure."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta, tzinfo

from backtimer.breaks.model import BreakSettings
from backtimer.breaks.scheduler import next_window_start
from backtimer.routine.durations import parse_duration

MIN_PAUSE = 60.0
MAX_PAUSE = 24 * 3600.0
EXAMPLES = '"30m", "2h", "until 14:30" or "tomorrow"'
_TIME = re.compile(r"^(?:until\s+)?(\d{1,2}):(\d{2})$")


class PauseError(ValueError):
    """str() is the one-line message for the person."""


def pause_end(
    text: str, now: datetime, tz: tzinfo, settings: BreakSettings
) -> tuple[datetime, bool]:
    """(when the pause ends, whether that is a wall-clock time). A length ("30m", "1h30m",
    1 minute to 24 hours) is elapsed time; "until 14:30" is the next 14:30 on the local
    clock; "tomorrow" is when working hours begin after today. Raises PauseError."""
    words = " ".join(text.strip().lower().split())
    if words in ("tomorrow", "until tomorrow"):
        tomorrow = datetime.combine(
            now.astimezone(tz).date() + timedelta(days=1), time(0), tzinfo=tz
        )
        start = next_window_start(settings, tomorrow - timedelta(microseconds=1), tz)
        return (start or tomorrow), True
    match = _TIME.match(words)
    if match:
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour > 23 or minute > 59:
            raise PauseError(f"pause: {text!r} is not a time of day; expected {EXAMPLES}")
        local = now.astimezone(tz)
        end = datetime.combine(local.date(), time(hour, minute), tzinfo=tz)
        if end <= local:
            end = datetime.combine(local.date() + timedelta(days=1), time(hour, minute), tzinfo=tz)
        return end, True
    if words.startswith("until "):
        raise PauseError(f'pause: expected a time such as "until 14:30", got {text!r}')
    if re.fullmatch(r"[\d.]+", words):  # a bare number: seconds? minutes? say which
        raise PauseError(f'pause: give a unit, for example "{words}m"; expected {EXAMPLES}')
    try:
        seconds = parse_duration(words)
    except ValueError:
        raise PauseError(f"pause: expected {EXAMPLES}, got {text!r}") from None
    if not MIN_PAUSE <= seconds <= MAX_PAUSE:
        raise PauseError(f"pause: expected a length between 1m and 24h, got {text!r}")
    return now + timedelta(seconds=seconds), False
