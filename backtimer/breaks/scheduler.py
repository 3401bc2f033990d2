"""The desk-break schedule. Pure: every reading of the clocks is passed in.

A `Reading` is one look at the clocks: the wall clock (an aware datetime), the monotonic
clock and, on Linux, CLOCK_BOOTTIME (which keeps counting while the machine sleeps).
The `Scheduler` turns readings into what the work screen and `backtimer status` show:

- A break is due `every` after the current work period started (real elapsed time,
  so DST changes never make it early or late). A soft warning comes `warn` before.
- Outside working hours/days the timer rests. Each working window (e.g. 09:00-18:00
  on a weekday; "22:00-06:00" belongs to the day it starts on) starts the clock afresh.
- Natural breaks: if the machine slept, or the app was not running, for at least
  `break_length`, that counts as a break away from the desk and the timer starts
  afresh. Sleep is the growth of BOOTTIME - MONOTONIC between two readings (Linux), or
  else of WALL - MONOTONIC, ignoring corrections under 5 s (NTP). A shorter gap leaves
  the timer alone, but a break that fell due during the gap is pushed to WAKE_GRACE
  after waking, so a reminder never fires the instant the laptop opens.
- Snooze moves the due time by `snooze`, at most `max_snoozes` times per break; then
  the reminder stays until the break is taken or skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Literal

from backtimer.routine.durations import compact

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WAKE_GRACE = 120.0  # seconds between waking up and the earliest reminder
CLOCK_JITTER = 5.0  # wall-clock corrections smaller than this are not sleep


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


@dataclass(frozen=True)
class Reading:
    wall: datetime  # aware
    mono: float
    boot: float | None = None

    def __post_init__(self) -> None:
        if self.wall.tzinfo is None or self.wall.utcoffset() is None:
            raise ValueError("Reading.wall must be an aware datetime")


@dataclass
class BreakState:
    """What is persisted between runs (see state.py and saved.py). Datetimes are aware, in UTC."""

    day: date  # the local date today's counts belong to
    work_start: datetime
    due: datetime
    last_seen: datetime
    window_start: datetime | None = None
    window_end: datetime | None = None
    snoozes: int = 0  # snoozes of the current break
    taken: int = 0
    snoozed: int = 0
    skipped: int = 0
    away: int = 0  # natural breaks today
    skip_reasons: list[str] = field(default_factory=list)
    rotation: int = 0
    warned: bool = False
    alerted: bool = False
    in_break: bool = False


Mode = Literal["off", "working", "due", "break"]


@dataclass(frozen=True)
class Tick:
    """The outcome of one check: what to show and what just happened."""

    mode: Mode
    remaining: float  # seconds until due (0 when due, 0 when off)
    worked: float  # seconds since the current work period started
    warn: bool = False  # the soft warning fires now (once)
    alert: bool = False  # the break just fell due: sound, bell, notification (once)
    natural_break: float = 0.0  # a natural break was detected: its length in seconds
    new_window: bool = False  # working hours began; the timer started afresh
    can_snooze: bool = True


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def working_window(
    settings: BreakSettings, moment: datetime, tz: tzinfo
) -> tuple[datetime, datetime] | None:
    """The working window (start, end) in UTC that contains `moment`, or None (off hours)."""
    local = moment.astimezone(tz)
    if settings.hours is None:
        if local.weekday() not in settings.days:
            return None
        start = datetime.combine(local.date(), time(0), tzinfo=tz)
        end = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=tz)
        return _utc(start), _utc(end)
    begin, finish = settings.hours
    # A window that crosses midnight may have started yesterday.
    for offset in (0, -1):
        day = local.date() + timedelta(days=offset)
        if day.weekday() not in settings.days:
            continue
        start = _at(day, begin, tz)
        end_day = day if finish > begin else day + timedelta(days=1)
        end = _at(end_day, finish, tz)
        if _utc(start) <= _utc(moment) < _utc(end):
            return _utc(start), _utc(end)
    return None


def _at(day: date, minutes: int, tz: tzinfo) -> datetime:
    if minutes >= 24 * 60:
        return datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=tz)


def sleep_between(before: Reading, after: Reading) -> float:
    """Seconds the machine spent asleep between two readings of the same process."""
    if before.boot is not None and after.boot is not None:
        grown = (after.boot - after.mono) - (before.boot - before.mono)
        return max(0.0, grown)
    offset_before = before.wall.timestamp() - before.mono
    offset_after = after.wall.timestamp() - after.mono
    grown = offset_after - offset_before
    return grown if grown >= CLOCK_JITTER else 0.0


class Scheduler:
    """Owns a BreakState and updates it from readings and the person's choices."""

    def __init__(
        self,
        settings: BreakSettings,
        tz: tzinfo,
        state: BreakState | None = None,
    ) -> None:
        self.settings = settings
        self.tz = tz
        self.state = state
        self._last: Reading | None = None  # previous reading in this process
        self._peeking = False

    # -- the clock ------------------------------------------------------------------
    def check(self, reading: Reading) -> Tick:
        """Look at the clocks; update the state; say what to show and what fired."""
        now = _utc(reading.wall)
        natural = 0.0
        if self.state is None:
            self.state = self._fresh(now)
        else:
            if self._last is None and self.state.in_break and not self._peeking:
                self.state.in_break = False  # no routine survives a restart of the app
            gap = self._gap(reading, now)
            if gap >= self.settings.break_length:
                natural = gap
            elif (gap >= 1.0 or self._last is None) and not self._peeking:
                self._grace(now)
        self._last = reading
        state = self.state
        self._roll_day(now)
        if natural and not state.in_break:
            state.away += 1
            self._restart(now)
        window = working_window(self.settings, now, self.tz)
        new_window = False
        if window is None:
            state.last_seen = now
            state.window_start = state.window_end = None
            return Tick("off", 0.0, 0.0, natural_break=natural)
        if state.window_start != window[0]:
            # A new working window, unless it directly continues the previous one.
            if state.window_end is None or state.window_end != window[0]:
                new_window = True
                self._restart(now)
            state.window_start, state.window_end = window
        state.last_seen = now
        worked = max(0.0, (now - state.work_start).total_seconds())
        if state.in_break:
            return Tick("break", 0.0, worked, natural_break=natural, new_window=new_window)
        remaining = (state.due - now).total_seconds()
        can_snooze = state.snoozes < self.settings.max_snoozes
        if remaining <= 0:
            alert = not state.alerted
            state.alerted = True
            state.warned = True
            return Tick(
                "due",
                0.0,
                worked,
                alert=alert,
                natural_break=natural,
                new_window=new_window,
                can_snooze=can_snooze,
            )
        warn = False
        if self.settings.warn > 0 and remaining <= self.settings.warn and not state.warned:
            state.warned = warn = True
        return Tick(
            "working",
            remaining,
            worked,
            warn=warn,
            natural_break=natural,
            new_window=new_window,
            can_snooze=can_snooze,
        )

    def peek(self, reading: Reading) -> Tick:
        """What check() would say, without changing anything (for `backtimer status`)."""
        copy = Scheduler(self.settings, self.tz, replace(self.state) if self.state else None)
        if copy.state is not None:
            copy.state.skip_reasons = list(copy.state.skip_reasons)
        copy._last = self._last
        copy._peeking = True
        return copy.check(reading)

    # -- choices ----------------------------------------------------------------------
    def snooze(self, reading: Reading) -> bool:
        """Put the reminder off by `snooze`. False when the snoozes are used up."""
        state = self._require()
        if state.snoozes >= self.settings.max_snoozes or state.in_break:
            return False
        now = _utc(reading.wall)
        state.snoozes += 1
        state.snoozed += 1
        state.due = now + timedelta(seconds=self.settings.snooze)
        state.warned = state.alerted = False
        state.last_seen = now
        return True

    def skip(self, reading: Reading, reason: str = "") -> None:
        """No break this time: count it, remember why, start the next work period."""
        state = self._require()
        now = _utc(reading.wall)
        self._roll_day(now)
        state.skipped += 1
        if reason:
            state.skip_reasons.append(reason)
        state.rotation += 1
        self._restart(now)

    def start_break(self, reading: Reading) -> None:
        state = self._require()
        state.in_break = True
        state.last_seen = _utc(reading.wall)

    def finish_break(self, reading: Reading, *, taken: bool) -> None:
        """The routine ended. taken: the person did it (or enough of it) -> count, reset.
        Otherwise the schedule stays as it was: a due break is still due (shown again
        without sounding), one started early keeps its due time."""
        state = self._require()
        now = _utc(reading.wall)
        self._roll_day(now)
        state.in_break = False
        state.last_seen = now
        if taken:
            state.taken += 1
            state.rotation += 1
            self._restart(now)
        elif state.due <= now:  # it was due: the reminder comes back, silently
            state.alerted = state.warned = True

    # -- what to offer --------------------------------------------------------------
    @property
    def offered(self) -> str:
        routines = self.settings.routines
        if not routines:
            return ""
        index = self.state.rotation if self.state else 0
        return routines[index % len(routines)]

    # -- internals --------------------------------------------------------------------
    def _require(self) -> BreakState:
        if self.state is None:
            raise RuntimeError("call check() first")
        return self.state

    def _fresh(self, now: datetime) -> BreakState:
        return BreakState(
            day=now.astimezone(self.tz).date(),
            work_start=now,
            due=now + timedelta(seconds=self.settings.every),
            last_seen=now,
        )

    def _restart(self, now: datetime) -> None:
        state = self._require()
        state.work_start = now
        state.due = now + timedelta(seconds=self.settings.every)
        state.snoozes = 0
        state.warned = state.alerted = False

    def _gap(self, reading: Reading, now: datetime) -> float:
        """Seconds away: asleep since the last reading, or not running since the last save."""
        if self._last is not None:
            return sleep_between(self._last, reading)
        state = self._require()
        return max(0.0, (now - state.last_seen).total_seconds())

    def _grace(self, now: datetime) -> None:
        """After a short gap (asleep, or not running): a break that fell due during it
        waits WAKE_GRACE, so nothing fires the instant the laptop wakes."""
        state = self._require()
        if state.in_break or state.alerted:
            return
        if state.last_seen < state.due <= now:
            state.due = now + timedelta(seconds=WAKE_GRACE)
            state.warned = False

    def _roll_day(self, now: datetime) -> None:
        state = self._require()
        today = now.astimezone(self.tz).date()
        if today != state.day:
            state.day = today
            state.taken = state.snoozed = state.skipped = state.away = 0
            state.skip_reasons = []


def status_text(tick: Tick, state: BreakState | None) -> str:
    """One line for shell prompts and tmux: "break in 1h12m", "break due (snoozed 1x)"."""
    if tick.mode == "off":
        return "off hours"
    if tick.mode == "break":
        return "on a break"
    if tick.mode == "due":
        snoozes = state.snoozes if state else 0
        return f"break due (snoozed {snoozes}x)" if snoozes else "break due"
    return f"break in {compact(tick.remaining)}"


def next_window_start(settings: BreakSettings, moment: datetime, tz: tzinfo) -> datetime | None:
    """When working hours next begin after `moment` (UTC), or None when there are none."""
    if not settings.days:
        return None
    local = moment.astimezone(tz)
    begin = 0 if settings.hours is None else settings.hours[0]
    for offset in range(8):
        day = local.date() + timedelta(days=offset)
        if day.weekday() not in settings.days:
            continue
        start = _utc(_at(day, begin, tz))
        if start > _utc(moment):
            return start
    return None
