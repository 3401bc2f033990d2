"""The values the break scheduler works with: settings, clock readings, what is known of the
person (idle, locked, in a meeting), the saved schedule and the outcome of one check.

Everything here is plain data. `BreakState.from_dict` and `settings_from_dict` read saved
data, which is untrusted: anything that does not parse or is out of range raises
ValueError (or TypeError/KeyError), and the caller starts afresh.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Literal

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
NOTIFY_CHOICES = ("auto", "notify-send", "osc9", "osc777", "bell", "off")
IDLE_CHOICES = ("auto", "off")
MEETING_CHOICES = ("hold", "ignore")

# The ranges of the settings, shared by config.toml, the command line and the saved copy.
MIN_EVERY = 10 * 60.0
MAX_EVERY = 4 * 3600.0
MIN_SNOOZE = 60.0
MAX_SNOOZES = 20
MAX_WARN = 30 * 60.0
MIN_BREAK_LENGTH = 2 * 60.0
MAX_BREAK_LENGTH = 3600.0
MIN_FIRST = 10.0  # `--first`: the first break after this long, at the earliest

# Saved data is read back only within these bounds (no date arithmetic can overflow).
_YEARS = (1971, 9000)
_MAX_COUNT = 100_000
_MAX_REASONS = 1_000
_MAX_TEXT = 200


@dataclass(frozen=True)
class BreakSettings:
    every: float = 2 * 3600.0
    routines: tuple[str, ...] = ("office-chair", "neck")
    snooze: float = 600.0
    max_snoozes: int = 3
    warn: float = 60.0  # 0 = no warning
    # Working hours as minutes after midnight; end <= start means the window crosses
    # midnight. None: all day.
    hours: tuple[int, int] | None = (9 * 60, 18 * 60)
    days: frozenset[int] = frozenset(range(5))  # 0 = Monday
    break_length: float = 300.0  # away at least this long = a natural break
    notify: str = "auto"
    sound: bool = True
    idle: str = "auto"  # "off": input idle is not looked at
    meetings: str = "hold"  # "ignore": reminders come during meetings too


@dataclass(frozen=True)
class Reading:
    """One look at the clocks: the wall clock (aware), the monotonic clock and, where the
    OS has it, CLOCK_BOOTTIME with the id of this boot (so a later process can measure
    elapsed time across its own start)."""

    wall: datetime  # aware
    mono: float
    boot: float | None = None
    boot_id: str | None = None

    def __post_init__(self) -> None:
        if self.wall.tzinfo is None or self.wall.utcoffset() is None:
            raise ValueError("Reading.wall must be an aware datetime")


@dataclass(frozen=True)
class Presence:
    """What the idle and meeting sources said at the last poll. idle None: no source
    answered (then the scheduler does not guess)."""

    idle: float | None = None  # seconds since the last keyboard or mouse input
    locked: bool = False  # a locked screen is away
    meeting: bool = False  # a microphone is in use, or Do Not Disturb is on


@dataclass
class BreakState:
    """What is persisted between runs (see state.py). Datetimes are aware, in UTC."""

    day: date  # the local date today's counts belong to
    work_start: datetime  # when the clock last started (a break, a skip, a new window)
    due: datetime
    last_seen: datetime
    window_start: datetime | None = None
    window_end: datetime | None = None
    snoozes: int = 0  # snoozes of the current break
    taken: int = 0
    snoozed: int = 0
    skipped: int = 0
    away: int = 0  # natural breaks today (asleep, closed, or away from the keyboard)
    skip_reasons: list[str] = field(default_factory=list)
    rotation: int = 0
    warned: bool = False
    alerted: bool = False
    in_break: bool = False
    last_break: datetime | None = None  # the end of the last real break (None: work_start)
    paused_until: datetime | None = None
    pause_wall: bool = False  # "until 14:30"/"tomorrow" (wall clock) vs "30m" (elapsed)
    held: str = ""  # a due reminder waits: "away" or "meeting"
    away_since: datetime | None = None  # the start of the current idle stretch
    in_meeting: bool = False
    seen_session: int = 0  # the newest history session already looked at
    boot_id: str | None = None  # the boot and boot clock of the last check
    last_boot: float | None = None

    @property
    def rested_at(self) -> datetime:
        return self.last_break or self.work_start

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in self.__dict__.items():
            if isinstance(value, datetime | date):
                out[key] = value.isoformat()
            elif isinstance(value, list):
                out[key] = list(value)
            else:
                out[key] = value
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BreakState:
        """Raises ValueError/KeyError/TypeError for anything malformed or out of range."""
        if not isinstance(data, dict):
            raise TypeError("expected a table")

        def when(key: str) -> datetime | None:
            raw = data.get(key)
            if raw is None:
                return None
            if not isinstance(raw, str) or len(raw) > 40:
                raise TypeError(f"{key}: expected a time")
            value = datetime.fromisoformat(raw)
            if value.tzinfo is None or value.utcoffset() is None:
                raise ValueError(f"{key}: not an aware time")
            if not _YEARS[0] <= value.year <= _YEARS[1]:
                raise ValueError(f"{key}: {raw} is out of range")
            return value.astimezone(UTC)

        def need(key: str) -> datetime:
            value = when(key)
            if value is None:
                raise KeyError(key)
            return value

        def count(key: str, most: int = _MAX_COUNT) -> int:
            value = data.get(key, 0)
            if not isinstance(value, int) or isinstance(value, bool):
                raise TypeError(f"{key}: expected a count, got {_shown(value)}")
            if not 0 <= value <= most:
                raise ValueError(f"{key}: {value} is out of range")
            return value

        def flag(key: str) -> bool:
            value = data.get(key, False)
            if not isinstance(value, bool):
                raise TypeError(f"{key}: expected true or false, got {_shown(value)}")
            return value

        def text(key: str, choices: tuple[str, ...] | None = None) -> str:
            value = data.get(key, "")
            if not isinstance(value, str) or len(value) > _MAX_TEXT:
                raise TypeError(f"{key}: expected text")
            if choices is not None and value not in choices:
                raise ValueError(f"{key}: {_shown(value)} is not one of {choices}")
            return value

        reasons = data.get("skip_reasons", [])
        if (
            not isinstance(reasons, list)
            or len(reasons) > _MAX_REASONS
            or not all(isinstance(r, str) and len(r) <= _MAX_TEXT for r in reasons)
        ):
            raise TypeError("skip_reasons: expected a list of short texts")
        day_raw = data["day"]
        if not isinstance(day_raw, str) or len(day_raw) > 10:
            raise TypeError("day: expected a date")
        day = date.fromisoformat(day_raw)
        if not _YEARS[0] <= day.year <= _YEARS[1]:
            raise ValueError(f"day: {day_raw} is out of range")
        boot_id = data.get("boot_id")
        if boot_id is not None and (not isinstance(boot_id, str) or len(boot_id) > 64):
            raise TypeError("boot_id: expected a short text")
        last_boot = data.get("last_boot")
        if last_boot is not None and (
            isinstance(last_boot, bool)
            or not isinstance(last_boot, int | float)
            or not math.isfinite(last_boot)
            or not 0 <= last_boot < 1e10
        ):
            raise ValueError(f"last_boot: expected seconds since boot, got {_shown(last_boot)}")
        return cls(
            day=day,
            work_start=need("work_start"),
            due=need("due"),
            last_seen=need("last_seen"),
            window_start=when("window_start"),
            window_end=when("window_end"),
            snoozes=count("snoozes", MAX_SNOOZES),
            taken=count("taken"),
            snoozed=count("snoozed"),
            skipped=count("skipped"),
            away=count("away"),
            skip_reasons=list(reasons),
            rotation=count("rotation"),
            warned=flag("warned"),
            alerted=flag("alerted"),
            in_break=flag("in_break"),
            last_break=when("last_break"),
            paused_until=when("paused_until"),
            pause_wall=flag("pause_wall"),
            held=text("held", ("", "away", "meeting")),
            away_since=when("away_since"),
            in_meeting=flag("in_meeting"),
            seen_session=count("seen_session", 2**62),
            boot_id=boot_id,
            last_boot=None if last_boot is None else float(last_boot),
        )


Mode = Literal["off", "working", "due", "break", "away", "paused", "meeting"]


@dataclass(frozen=True)
class Tick:
    """The outcome of one check: what to show and what just happened."""

    mode: Mode
    remaining: float  # seconds until due (0 when due or off; until the end when paused)
    worked: float  # seconds since the last real break (or since work began)
    warn: bool = False  # the soft warning fires now (once)
    alert: bool = False  # the break just fell due: sound, bell, notification (once)
    natural_break: float = 0.0  # a natural break was detected: its length in seconds
    natural_kind: str = ""  # "sleep", "closed" (backtimer was not running) or "away"
    new_window: bool = False  # working hours began; the timer started afresh
    can_snooze: bool = True
    held: str = ""  # a due reminder waits quietly: "away" or "meeting"
    hold: bool = False  # ... and it just began to wait (record it once)
    away_for: float = 0.0  # the current idle stretch, while away
    paused_until: datetime | None = None
    resumed: bool = False  # a pause just ended; the clock started afresh


def settings_to_dict(settings: BreakSettings) -> dict[str, Any]:
    """JSON-able; saved with the state so `backtimer status` sees what the app uses."""
    return {
        "every": settings.every,
        "routines": list(settings.routines),
        "snooze": settings.snooze,
        "max_snoozes": settings.max_snoozes,
        "warn": settings.warn,
        "hours": list(settings.hours) if settings.hours else None,
        "days": sorted(settings.days),
        "break_length": settings.break_length,
        "notify": settings.notify,
        "idle": settings.idle,
        "meetings": settings.meetings,
    }


def settings_from_dict(data: dict[str, Any]) -> BreakSettings:
    """Raises ValueError/TypeError/KeyError for malformed or out-of-range data."""

    def seconds(key: str, lo: float, hi: float) -> float:
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(f"{key}: expected seconds")
        if not (math.isfinite(value) and lo <= value <= hi):
            raise ValueError(f"{key}: {value} is out of range")
        return float(value)

    every = seconds("every", MIN_EVERY, MAX_EVERY)
    max_snoozes = data["max_snoozes"]
    if isinstance(max_snoozes, bool) or not isinstance(max_snoozes, int):
        raise TypeError("max_snoozes: expected a whole number")
    if not 0 <= max_snoozes <= MAX_SNOOZES:
        raise ValueError("max_snoozes: out of range")
    routines = data["routines"]
    if (
        not isinstance(routines, list)
        or not 0 < len(routines) <= 100
        or not all(isinstance(r, str) and 0 < len(r) <= 1000 for r in routines)
    ):
        raise TypeError("routines: expected a list of routine ids")
    hours = data["hours"]
    pair: tuple[int, int] | None = None
    if hours is not None:
        if (
            not isinstance(hours, list)
            or len(hours) != 2
            or not all(isinstance(h, int) and not isinstance(h, bool) for h in hours)
        ):
            raise TypeError("hours: expected two minute counts")
        if not (0 <= hours[0] < 24 * 60 and 0 <= hours[1] <= 24 * 60 and hours[0] != hours[1]):
            raise ValueError("hours: out of range")
        pair = (hours[0], hours[1])
    days = data["days"]
    if not isinstance(days, list) or not all(
        isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= 6 for d in days
    ):
        raise ValueError("days: expected day numbers 0..6")
    choices = {"notify": NOTIFY_CHOICES, "idle": IDLE_CHOICES, "meetings": MEETING_CHOICES}
    picked = {}
    for key, allowed in choices.items():
        value = data.get(key, allowed[0])
        if value not in allowed:
            raise ValueError(f"{key}: {_shown(value)} is not one of {allowed}")
        picked[key] = str(value)
    return BreakSettings(
        every=every,
        routines=tuple(routines),
        snooze=seconds("snooze", MIN_SNOOZE, every),
        max_snoozes=max_snoozes,
        warn=seconds("warn", 0.0, min(MAX_WARN, every / 2)),
        hours=pair,
        days=frozenset(days),
        break_length=seconds("break_length", MIN_BREAK_LENGTH, MAX_BREAK_LENGTH),
        notify=picked["notify"],
        idle=picked["idle"],
        meetings=picked["meetings"],
    )


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
