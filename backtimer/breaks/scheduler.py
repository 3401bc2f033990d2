"""The desk-break schedule. Pure: every reading of the clocks and of the person is passed in.

A `Reading` is one look at the clocks: the wall clock (an aware datetime), the monotonic
clock and, on Linux, CLOCK_BOOTTIME (which keeps counting while the machine sleeps).
A `Presence` is what the idle and meeting sources last said. The `Scheduler` turns them
into what the work screen and `backtimer status` show:

- A break is due `every` after the clock last started. The time until then is elapsed
  time: a step of the wall clock (set by hand, or a bad NTP server) is measured against
  the boot/monotonic clock and the schedule moves with it, so it neither fires early nor
  late. The wall clock only decides working hours and days (and DST never matters).
- Outside working hours/days the timer rests. Each working window (e.g. 09:00-18:00
  on a weekday; "22:00-06:00" belongs to the day it starts on) starts the clock afresh.
- Natural breaks: if the machine slept, backtimer was not running, or the person was away
  from the keyboard (input idle, or a locked screen) for at least `break_length`, that
  counts as a break and the clock starts afresh. Sleep is the growth of BOOTTIME -
  MONOTONIC between two readings (Linux), or else of WALL - MONOTONIC, ignoring
  corrections under 5 s (NTP).
- A reminder never fires at an empty chair or in a meeting: one that falls due while the
  person is away (idle for AWAY_AFTER) or in a meeting waits quietly, and comes
  WAKE_GRACE after they are back or the meeting ends. The same grace follows a short
  sleep or a short time closed.
- Snooze moves the due time by `snooze`, at most `max_snoozes` times per break; then
  the reminder stays until the break is taken or skipped. Skip restarts the clock but is
  not a break. A pause holds everything until it ends; then the clock starts afresh.
- A routine run anywhere (found in the history) counts as a break taken when it meets
  `counts_as_break`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from backtimer.breaks.model import (
    DAY_NAMES,
    BreakSettings,
    BreakState,
    Mode,
    Presence,
    Reading,
    Tick,
)
from backtimer.routine.durations import compact

__all__ = [
    "AWAY_AFTER",
    "CLOCK_JITTER",
    "DAY_NAMES",
    "TAKEN_AFTER",
    "WAKE_GRACE",
    "BreakSettings",
    "BreakState",
    "Mode",
    "Presence",
    "Reading",
    "Scheduler",
    "Tick",
    "counts_as_break",
    "next_window_start",
    "sleep_between",
    "status_text",
    "working_window",
]

WAKE_GRACE = 120.0  # seconds between coming back and the earliest reminder
CLOCK_JITTER = 5.0  # wall-clock corrections smaller than this are not sleep nor a step
AWAY_AFTER = 60.0  # idle this long: nobody at the keyboard now (a due reminder waits)
TAKEN_AFTER = 30.0  # seconds of a routine that make it a break taken
FINISHED = ("completed", "partial", "stopped", "pain", "interrupted")


def counts_as_break(status: str, worked_seconds: float) -> bool:
    """The rule (docs/breaks.md): a routine counts as a break when it ran to its end with
    every exercise done, or when at least TAKEN_AFTER seconds of it were worked. Left at
    once, or every exercise skipped, it is not a break."""
    if status == "completed":
        return True
    return status in FINISHED and worked_seconds >= TAKEN_AFTER


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
    """Owns a BreakState and updates it from readings and the person's choices.

    first: the first break of this run comes this many seconds after the first working
    check (`backtimer work --first 30s`); then the normal interval.
    notice: one line when the saved state had to be discarded (out of range).
    """

    def __init__(
        self,
        settings: BreakSettings,
        tz: tzinfo,
        state: BreakState | None = None,
        *,
        first: float | None = None,
    ) -> None:
        self.settings = settings
        self.tz = tz
        self.state = state
        self.notice: str | None = None
        self._first = first
        self._last: Reading | None = None  # previous reading in this process
        self._peeking = False

    # -- the clock ------------------------------------------------------------------
    def check(self, reading: Reading, presence: Presence | None = None) -> Tick:
        """Look at the clocks (and the person); update the state; say what to show and
        what fired. presence None: nothing known (idle detection off or no source)."""
        now = _utc(reading.wall)
        natural, kind = 0.0, ""
        first_here = self._last is None
        if self.state is not None and first_here:
            problem = self._implausible(self.state, now)
            if problem:
                self.notice = f"breaks: the saved schedule is out of range ({problem}); "
                self.notice += "starting afresh"
                self.state = None
        if self.state is None:
            self.state = self._fresh(now)
        else:
            if first_here and self.state.in_break and not self._peeking:
                self.state.in_break = False  # no routine survives a restart of the app
            self._follow_clock_step(reading, now)
            gap = self._gap(reading, now)
            if self.state.paused_until is not None:
                pass  # paused: the pause decides, not the time away
            elif gap >= self.settings.break_length:
                natural, kind = gap, ("closed" if first_here else "sleep")
            elif (gap >= 1.0 or first_here) and not self._peeking:
                self._grace(now)
        self._last = reading
        state = self.state
        state.boot_id, state.last_boot = reading.boot_id, reading.boot
        self._roll_day(now)
        if natural and not state.in_break:
            state.away += 1
            self._restart(now, rest=True)
        resumed = False
        if state.paused_until is not None:
            if now < state.paused_until:
                state.last_seen = now
                left = (state.paused_until - now).total_seconds()
                return Tick(
                    "paused",
                    left,
                    0.0,
                    natural_break=natural,
                    natural_kind=kind,
                    paused_until=state.paused_until,
                )
            state.paused_until, state.pause_wall = None, False
            self._restart(now, rest=True)
            resumed = True
        window = working_window(self.settings, now, self.tz)
        new_window = False
        if window is None:
            state.last_seen = now
            state.window_start = state.window_end = None
            state.away_since, state.held, state.in_meeting = None, "", False
            return Tick("off", 0.0, 0.0, natural_break=natural, natural_kind=kind)
        if state.window_start != window[0]:
            # A new working window, unless it directly continues the previous one.
            if state.window_end is None or state.window_end != window[0]:
                new_window = True
                self._restart(now, rest=True)
            state.window_start, state.window_end = window
        if self._first is not None and not self._peeking:
            state.due = now + timedelta(seconds=self._first)
            state.warned = state.alerted = False
            self._first = None
        state.last_seen = now
        if state.in_break:
            worked = self._worked(now)
            return Tick("break", 0.0, worked, natural_break=natural, natural_kind=kind)
        away = self._presence(presence, now)
        if away:
            natural, kind = away, "away"
        worked = self._worked(now)
        away_for = 0.0
        if state.away_since is not None:
            away_for = max(0.0, (now - max(state.away_since, state.rested_at)).total_seconds())
        remaining = (state.due - now).total_seconds()
        base = Tick(
            "working",
            max(0.0, remaining),
            worked,
            natural_break=natural,
            natural_kind=kind,
            new_window=new_window,
            can_snooze=state.snoozes < self.settings.max_snoozes,
            away_for=away_for,
            resumed=resumed,
        )
        if remaining <= 0 and not state.alerted:
            hold = "away" if state.away_since is not None else ""
            hold = hold or ("meeting" if state.in_meeting else "")
            if hold:  # quietly: no alert, no warning; offered after they are back
                just = state.held != hold
                state.held, state.warned = hold, True
                mode: Mode = "away" if hold == "away" else "meeting"
                return replace(base, mode=mode, held=hold, hold=just)
        if remaining <= 0:
            alert = not state.alerted
            state.alerted = state.warned = True
            state.held = ""
            return replace(base, mode="due", alert=alert)
        if state.away_since is not None and away_for >= self.settings.break_length:
            return replace(base, mode="away")
        if state.in_meeting:
            return replace(base, mode="meeting")
        quiet = state.away_since is not None  # nobody there to read a warning
        if (
            self.settings.warn > 0
            and remaining <= self.settings.warn
            and not state.warned
            and not quiet
        ):
            state.warned = True
            return replace(base, warn=True)
        return base

    def peek(self, reading: Reading) -> Tick:
        """What check() would say, without changing anything (for `backtimer status`).
        What the running app last knew of the person (away, in a meeting) stands."""
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
        state.held = ""
        state.last_seen = now
        return True

    def skip(self, reading: Reading, reason: str = "") -> None:
        """No break this time: count it, remember why, start the next work period. Not a
        break: the time worked since the last real one goes on counting."""
        state = self._require()
        now = _utc(reading.wall)
        self._roll_day(now)
        state.skipped += 1
        if reason:
            state.skip_reasons.append(reason[:200])
            del state.skip_reasons[:-1000]
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
            self._restart(now, rest=True)
        elif state.due <= now:  # it was due: the reminder comes back, silently
            state.alerted = state.warned = True

    def count_session(
        self,
        reading: Reading,
        *,
        session_id: int,
        status: str,
        worked_seconds: float,
        routine_id: str = "",
    ) -> bool:
        """A routine ran somewhere else (another terminal, `--plain`, the library) and is
        now in the history. True when it counts as a break: counted, and the clock starts
        afresh. Either way it is remembered as seen."""
        state = self._require()
        state.seen_session = max(state.seen_session, session_id)
        if state.in_break or not counts_as_break(status, worked_seconds):
            return False
        now = _utc(reading.wall)
        self._roll_day(now)
        state.taken += 1
        if routine_id and routine_id == self.offered:
            state.rotation += 1
        self._restart(now, rest=True)
        return True

    def pause(self, reading: Reading, until: datetime, *, wall: bool) -> None:
        """No reminders until `until`. wall: a time of day ("until 14:30", "tomorrow")
        that follows the wall clock; else a length ("30m") that is elapsed time."""
        state = self._require()
        now = _utc(reading.wall)
        state.paused_until = max(_utc(until), now)
        state.pause_wall = wall
        state.held = ""
        state.warned = state.alerted = False
        state.last_seen = now

    def resume(self, reading: Reading) -> bool:
        """End a pause now; the clock starts afresh. False when there was none."""
        state = self._require()
        if state.paused_until is None:
            return False
        now = _utc(reading.wall)
        state.paused_until, state.pause_wall = None, False
        self._restart(now, rest=True)
        state.last_seen = now
        return True

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
            last_break=now,
        )

    def _implausible(self, state: BreakState, now: datetime) -> str:
        """Why a saved state cannot be right at `now` ("" when it can)."""
        ahead = timedelta(days=1)
        if state.last_seen > now + ahead:
            return "last saved in the future"
        if state.work_start > now + ahead or (state.last_break or now) > now + ahead:
            return "a break in the future"
        if state.due > now + timedelta(seconds=self.settings.every) + ahead:
            return "the next break too far ahead"
        if state.paused_until is not None and state.paused_until > now + timedelta(days=8):
            return "paused too far ahead"
        return ""

    def _worked(self, now: datetime) -> float:
        return max(0.0, (now - self._require().rested_at).total_seconds())

    def _restart(self, now: datetime, *, rest: bool = False) -> None:
        """The clock starts afresh. rest: after a real break (taken, natural, a pause,
        a new working day), so "worked since your last break" starts again too."""
        state = self._require()
        state.work_start = now
        state.due = now + timedelta(seconds=self.settings.every)
        state.snoozes = 0
        state.warned = state.alerted = False
        state.held = ""
        if rest:
            state.last_break = now
            state.away_since = None

    def _offer_later(self, now: datetime) -> None:
        """A held reminder: the person is back (or the meeting ended): offer it after
        the grace, with the soft warning first."""
        state = self._require()
        if state.held and not state.alerted:
            state.due = now + timedelta(seconds=WAKE_GRACE)
            state.warned = False
        state.held = ""

    def _presence(self, presence: Presence | None, now: datetime) -> float:
        """Follow the person: away stretches, meetings. Returns the length of an away
        stretch that just ended and counts as a break (0.0 otherwise)."""
        state = self._require()
        if presence is None and self._peeking:
            return 0.0  # `status`: what the running app last knew stands
        meeting = presence is not None and presence.meeting and self.settings.meetings == "hold"
        if state.held == "meeting" and not meeting:
            self._offer_later(now)
        state.in_meeting = meeting
        watching = (
            presence is not None
            and self.settings.idle != "off"
            and (presence.idle is not None or presence.locked)
        )
        if presence is None or not watching:
            state.away_since = None
            if state.held == "away":
                self._offer_later(now)
            return 0.0
        idle = max(0.0, presence.idle or 0.0)
        last_input = now - timedelta(seconds=idle)
        if presence.locked or idle >= AWAY_AFTER:
            if state.away_since is None or last_input < state.away_since:
                state.away_since = last_input
            return 0.0
        if state.away_since is None:
            return 0.0
        stretch = (last_input - max(state.away_since, state.rested_at)).total_seconds()
        state.away_since = None
        if stretch >= self.settings.break_length:
            state.away += 1
            self._restart(now, rest=True)
            return stretch
        if state.held == "away":
            self._offer_later(now)
        return 0.0

    def _follow_clock_step(self, reading: Reading, now: datetime) -> None:
        """A wall-clock step (not sleep, not NTP's small corrections) moves every saved
        time with it, so the time until the next break stays elapsed time."""
        state = self._require()
        before = self._last
        if before is not None:
            if before.boot is not None and reading.boot is not None:
                elapsed = reading.boot - before.boot
            else:
                elapsed = reading.mono - before.mono + sleep_between(before, reading)
            wall = (now - _utc(before.wall)).total_seconds()
        elif (
            reading.boot_id is not None
            and reading.boot_id == state.boot_id
            and reading.boot is not None
            and state.last_boot is not None
            and reading.boot >= state.last_boot
        ):  # the same boot as the last save: the boot clock measures the time closed
            elapsed = reading.boot - state.last_boot
            wall = (now - state.last_seen).total_seconds()
        else:
            return
        step = wall - elapsed
        if abs(step) < CLOCK_JITTER:
            return
        shift = timedelta(seconds=step)
        state.due += shift
        state.work_start += shift
        state.last_seen += shift
        if state.last_break is not None:
            state.last_break += shift
        if state.away_since is not None:
            state.away_since += shift
        if state.paused_until is not None and not state.pause_wall:
            state.paused_until += shift

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


def until_text(moment: datetime, now: datetime, tz: tzinfo) -> str:
    """ "14:30" today, "Tue 09:00" on another day."""
    local = moment.astimezone(tz)
    if local.date() == now.astimezone(tz).date():
        return f"{local:%H:%M}"
    return f"{DAY_NAMES[local.weekday()].capitalize()} {local:%H:%M}"


def status_text(
    tick: Tick, state: BreakState | None, now: datetime | None = None, tz: tzinfo = UTC
) -> str:
    """One line for shell prompts and tmux: "break in 1h12m", "break due (snoozed 1x)",
    "paused until 14:30", "away 12m", "break held (meeting)"."""
    if tick.mode == "paused" and tick.paused_until is not None:
        return f"paused until {until_text(tick.paused_until, now or tick.paused_until, tz)}"
    if tick.mode == "off":
        return "off hours"
    if tick.mode == "break":
        return "on a break"
    if tick.held:
        return f"break held ({tick.held})"
    if tick.mode == "due":
        snoozes = state.snoozes if state else 0
        return f"break due (snoozed {snoozes}x)" if snoozes else "break due"
    if tick.mode == "away":
        return f"away {compact(tick.away_for)}"
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
