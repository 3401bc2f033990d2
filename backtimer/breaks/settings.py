"""The [breaks] table of config.toml, validated into BreakSettings.

[breaks]
every = "2h"                       # 10m .. 4h
routines = ["office-chair", "neck"]  # offered in rotation
snooze = "10m"
max_snoozes = 3                    # then the reminder stays until taken or skipped
warn = "1m"                        # soft warning before; false or 0 = none
hours = "09:00-18:00"              # "22:00-06:00" crosses midnight; "any" = all day
days = ["mon", "tue", "wed", "thu", "fri"]   # or ["mon-fri"], ["every day"]
break_length = "5m"                # away at least this long counts as a break
notify = "auto"                    # auto | notify-send | osc9 | osc777 | bell | off
idle = "auto"                      # auto | off: look at keyboard/mouse idle time
meetings = "hold"                  # hold | ignore: reminders wait during meetings

The same checks apply to `backtimer work`'s options (`--every 5m` is refused exactly like
`every = "5m"`), with the option named in the message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from backtimer.breaks.model import (
    DAY_NAMES,
    IDLE_CHOICES,
    MAX_BREAK_LENGTH,
    MAX_EVERY,
    MAX_SNOOZES,
    MAX_WARN,
    MEETING_CHOICES,
    MIN_BREAK_LENGTH,
    MIN_EVERY,
    MIN_FIRST,
    MIN_SNOOZE,
    NOTIFY_CHOICES,
    BreakSettings,
)
from backtimer.config import ConfigError, Table
from backtimer.routine.durations import duration_text, parse_duration

__all__ = ["KEYS", "MAX_EVERY", "MIN_EVERY", "NOTIFY_CHOICES", "break_settings", "first_delay"]

KEYS = (
    "every",
    "routines",
    "snooze",
    "max_snoozes",
    "warn",
    "hours",
    "days",
    "break_length",
    "notify",
    "idle",
    "meetings",
)
_HOURS = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_ALL_DAY = ("any", "all day", "always", "")


def parse_hours(text: str) -> tuple[int, int] | None:
    """ "09:00-18:00" -> (540, 1080) minutes; "any" -> None. Raises ValueError."""
    if text.strip().lower() in _ALL_DAY:
        return None
    match = _HOURS.match(text)
    if not match:
        raise ValueError(text)
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if h1 > 23 or m1 > 59 or m2 > 59 or end > 24 * 60 or start == end:
        raise ValueError(text)
    return start, end


def parse_days(values: list[str]) -> frozenset[int]:
    """["mon", "wed-fri"] -> {0, 2, 3, 4}. Raises ValueError naming the bad entry."""
    days: set[int] = set()
    for raw in values:
        word = raw.strip().lower()
        if word in ("every day", "all", "daily"):
            days.update(range(7))
            continue
        if "-" in word:
            first, _, last = (w.strip() for w in word.partition("-"))
            a, b = _day(first, raw), _day(last, raw)
            span = range(a, b + 1) if a <= b else [*range(a, 7), *range(b + 1)]
            days.update(span)
        else:
            days.add(_day(word, raw))
    return frozenset(days)


def _day(word: str, raw: str) -> int:
    prefix = word[:3]
    if len(word) >= 3 and prefix in DAY_NAMES and _full(prefix).startswith(word):
        return DAY_NAMES.index(prefix)
    raise ValueError(raw)


def _full(prefix: str) -> str:
    return {
        "mon": "monday",
        "tue": "tuesday",
        "wed": "wednesday",
        "thu": "thursday",
        "fri": "friday",
        "sat": "saturday",
        "sun": "sunday",
    }[prefix]


class _WithOptions(Table):
    """The [breaks] table with command-line options laid over it: an option is checked
    exactly like its key, and a mistake names the option ("--snooze: ...")."""

    def __init__(self, base: Table, options: Mapping[str, Any]) -> None:
        super().__init__({**base.data, **options}, base.name, base.path)
        self.options = options

    def error(self, key: str, message: str) -> ConfigError:
        if key in self.options:
            return ConfigError(message, field="--" + key.replace("_", "-"))
        return super().error(key, message)


def break_settings(
    config: Mapping[str, Any],
    path: Path | None = None,
    options: Mapping[str, Any] | None = None,
) -> BreakSettings:
    """BreakSettings from a loaded config (load_config()) and command-line options (raw
    text as typed, None = not given). Raises ConfigError."""
    table = Table.of(config, "breaks", path)
    table.check_keys(KEYS)
    given = {k: v for k, v in (options or {}).items() if v is not None}
    if given:
        table = _WithOptions(table, given)
    default = BreakSettings()
    every = table.duration("every", default.every, lo=MIN_EVERY, hi=MAX_EVERY)
    snooze = table.duration("snooze", min(default.snooze, every), lo=MIN_SNOOZE, hi=every)
    max_snoozes = table.integer("max_snoozes", default.max_snoozes, lo=0, hi=MAX_SNOOZES)
    warn_raw = table.get("warn", None)
    if isinstance(warn_raw, bool):
        warn = 60.0 if warn_raw else 0.0
    else:
        warn = table.duration("warn", default.warn, lo=0.0, hi=min(MAX_WARN, every / 2))
    break_length = table.duration(
        "break_length", default.break_length, lo=MIN_BREAK_LENGTH, hi=MAX_BREAK_LENGTH
    )
    notify = table.string("notify", default.notify, choices=NOTIFY_CHOICES)
    return BreakSettings(
        every=every,
        routines=_routines(table, default.routines),
        snooze=snooze,
        max_snoozes=max_snoozes,
        warn=warn,
        hours=_hours(table, default.hours),
        days=_days(table, default.days),
        break_length=break_length,
        notify=notify,
        idle=table.string("idle", default.idle, choices=IDLE_CHOICES),
        meetings=table.string("meetings", default.meetings, choices=MEETING_CHOICES),
    )


def first_delay(raw: str, settings: BreakSettings) -> float:
    """`--first 30s`: seconds until the first break, from 10s up to `every`."""
    try:
        seconds = parse_duration(raw)
    except ValueError:
        seconds = -1.0
    if not MIN_FIRST <= seconds <= settings.every:
        raise ConfigError(
            f"expected a duration between {duration_text(MIN_FIRST)} and "
            f"{duration_text(settings.every)}, got {raw!r}",
            field="--first",
        )
    return seconds


def _routines(table: Table, default: tuple[str, ...]) -> tuple[str, ...]:
    value = table.get("routines", None)
    if value is None:
        return default
    if isinstance(value, str):
        value = [value]
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(v, str) and v.strip() for v in value)
    ):
        raise table.error(
            "routines",
            f'expected a list of routine ids such as ["office-chair", "neck"], got {value!r}',
        )
    return tuple(v.strip() for v in value)


def _hours(table: Table, default: tuple[int, int] | None) -> tuple[int, int] | None:
    value = table.get("hours", None)
    if value is None:
        return default
    if value is False:
        return None
    if not isinstance(value, str):
        raise table.error("hours", f'expected text such as "09:00-18:00", got {value!r}')
    try:
        return parse_hours(value)
    except ValueError:
        raise table.error(
            "hours",
            f'expected a time range such as "09:00-18:00" (or "22:00-06:00", or "any"), '
            f'got "{value}"',
        ) from None


def _days(table: Table, default: frozenset[int]) -> frozenset[int]:
    value = table.get("days", None)
    if value is None:
        return default
    if isinstance(value, str):
        value = [v for v in value.split(",") if v.strip()] or [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise table.error("days", f'expected a list of days such as ["mon", "tue"], got {value!r}')
    try:
        return parse_days(value)
    except ValueError as exc:
        raise table.error(
            "days", f'expected day names mon..sun or ranges such as "mon-fri", got "{exc}"'
        ) from None
