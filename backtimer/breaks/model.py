"""The values the break scheduler works with: settings, clock readings, what is known of the
person (idle, locked, in a meeting), the saved schedule and the outcome of one check.

Everything here is plain data. Saved data is untrusted: breaks/saved.py reads it back
with its types checked, and `check_state` / `check_settings` check the ranges (a
ValueError: the caller starts afresh).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

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


def check_state(state: BreakState) -> None:
    """A saved BreakState (read by saved.load, which checks the types) is within range:
    no date arithmetic on it can overflow, no list or text is unbounded. Raises ValueError."""
    for name in ("work_start", "due", "last_seen", "window_start", "window_end",
                 "last_break", "paused_until", "away_since"):  # fmt: skip
        moment = getattr(state, name)
        if moment is not None and not _YEARS[0] <= moment.year <= _YEARS[1]:
            raise ValueError(f"{name}: {moment.isoformat()} is out of range")
    if not _YEARS[0] <= state.day.year <= _YEARS[1]:
        raise ValueError(f"day: {state.day.isoformat()} is out of range")
    for name in ("taken", "snoozed", "skipped", "away", "rotation"):
        if getattr(state, name) > _MAX_COUNT:
            raise ValueError(f"{name}: {getattr(state, name)} is out of range")
    if state.snoozes > MAX_SNOOZES:
        raise ValueError(f"snoozes: {state.snoozes} is out of range")
    if state.seen_session > 2**62:
        raise ValueError("seen_session: out of range")
    if len(state.skip_reasons) > _MAX_REASONS or any(
        len(r) > _MAX_TEXT for r in state.skip_reasons
    ):
        raise ValueError("skip_reasons: too many or too long")
    if state.held not in ("", "away", "meeting"):
        raise ValueError(f"held: {_shown(state.held)} is not away or meeting")
    if state.boot_id is not None and len(state.boot_id) > 64:
        raise ValueError("boot_id: too long")
    boot = state.last_boot
    if boot is not None and not (math.isfinite(boot) and 0 <= boot < 1e10):
        raise ValueError(f"last_boot: {boot!r} is out of range")


def check_settings(settings: BreakSettings) -> None:
    """Saved settings are within the ranges config.toml allows. Raises ValueError."""

    def within(name: str, value: float, lo: float, hi: float) -> None:
        if not (math.isfinite(value) and lo <= value <= hi):
            raise ValueError(f"{name}: {value!r} is out of range")

    within("every", settings.every, MIN_EVERY, MAX_EVERY)
    within("snooze", settings.snooze, MIN_SNOOZE, settings.every)
    within("warn", settings.warn, 0.0, min(MAX_WARN, settings.every / 2))
    within("break_length", settings.break_length, MIN_BREAK_LENGTH, MAX_BREAK_LENGTH)
    if settings.max_snoozes > MAX_SNOOZES:
        raise ValueError("max_snoozes: out of range")
    if not 0 < len(settings.routines) <= 100 or any(
        not 0 < len(r) <= 1000 for r in settings.routines
    ):
        raise ValueError("routines: expected 1 to 100 routine ids")
    if settings.hours is not None:
        start, end = settings.hours
        if not (0 <= start < 24 * 60 and 0 <= end <= 24 * 60 and start != end):
            raise ValueError(f"hours: {settings.hours!r} is out of range")
    if any(not 0 <= d <= 6 for d in settings.days):
        raise ValueError("days: expected day numbers 0..6")
    for name, value, allowed in (
        ("notify", settings.notify, NOTIFY_CHOICES),
        ("idle", settings.idle, IDLE_CHOICES),
        ("meetings", settings.meetings, MEETING_CHOICES),
    ):
        if value not in allowed:
            raise ValueError(f"{name}: {_shown(value)} is not one of {allowed}")


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
