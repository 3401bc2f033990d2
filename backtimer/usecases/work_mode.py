"""Work mode's policy: what happens at each look at the clock and at each choice, without
any screen. The Scheduler (pure) says when a break is due; this decides what counts as a
break taken, records break events in the history, saves the schedule (on every change and
at least every HEARTBEAT, which `backtimer status` relies on) and words the messages.

    mode = WorkMode(settings, tz, open_break_store(), loader=load_routine)
    tick = mode.tick(reading())      # then: tick.alert -> ring; mode.take_messages() -> show
    mode.start_break(now, ref) ... mode.finish_break(now, summary, routine)
    mode.snooze(now) / mode.skip(now, "meeting") / mode.leave(now)
    # after each choice the caller looks at the clock again (tick) to show the new state
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Literal

from backtimer.breaks.scheduler import (
    BreakSettings,
    BreakState,
    Reading,
    Scheduler,
    Tick,
    next_window_start,
)
from backtimer.breaks.state import HEARTBEAT, BreakStore
from backtimer.events import Summary
from backtimer.history.store import Store, StoreError
from backtimer.routine.durations import compact, duration_text, human
from backtimer.routine.model import Routine
from backtimer.timeline import compile

TAKEN_AFTER = 30.0  # seconds of a routine that count as a break taken
SKIP_REASONS = ("meeting", "in a call", "not now", "already moved", "other")

Severity = Literal["information", "warning", "error"]


@dataclass(frozen=True)
class Message:
    """One line for the person (a toast in the app)."""

    text: str
    severity: Severity = "information"
    timeout: float | None = None
    title: str | None = None


def open_break_store() -> BreakStore:
    """The schedule file, with break events recorded in the history database when it opens."""
    try:
        return BreakStore(Store())
    except StoreError as exc:
        return BreakStore(
            notice=f"breaks: history unavailable, break events are not recorded: {exc}"
        )


def plan_text(settings: BreakSettings) -> str:
    """ "every 2h · 09:00-18:00" """
    hours = "all day"
    if settings.hours is not None:
        a, b = settings.hours
        hours = f"{a // 60:02d}:{a % 60:02d}-{b // 60:02d}:{b % 60:02d}"
    return f"every {duration_text(settings.every)} · {hours}"


class WorkMode:
    """The break policy over one Scheduler and one BreakStore. Never sleeps and never reads
    the clock: every method takes the Reading to act on."""

    def __init__(
        self,
        settings: BreakSettings,
        tz: tzinfo,
        store: BreakStore,
        *,
        loader: Callable[[str], Routine],
    ) -> None:
        self.store = store
        self.loader = loader
        state, _ = store.load_with_settings()
        self.scheduler = Scheduler(settings, tz, state)
        self.last: Tick | None = None  # what the last tick said
        self.chosen: str | None = None  # a routine picked instead of the offered one
        self.messages: list[Message] = []
        self._names: dict[str, str] = {}  # routine ref -> "Name · 3 min"
        self._saved_at: datetime | None = None
        if store.notice:
            self._say(store.notice, "warning", 8)

    # ---- what the screen reads -----------------------------------------------------------

    @property
    def settings(self) -> BreakSettings:
        return self.scheduler.settings

    @property
    def state(self) -> BreakState:
        state = self.scheduler.state
        assert state is not None, "tick() first"
        return state

    @property
    def due(self) -> bool:
        return self.last is not None and self.last.mode == "due"

    @property
    def can_snooze(self) -> bool:
        return self.due and self.last is not None and self.last.can_snooze

    @property
    def can_start(self) -> bool:
        return self.last is None or self.last.mode != "break"

    @property
    def offered(self) -> str:
        """The routine the next break offers (one picked instead, or the rotation's)."""
        return self.chosen or self.scheduler.offered

    def offered_name(self) -> str:
        """ "Office chair break · 3 min" for the routine the next break offers (cached:
        the screen asks every second)."""
        ref = self.offered
        if ref not in self._names:
            try:
                routine = self.loader(ref)
            except Exception:  # unknown or broken: said here, and when starting it
                self._names[ref] = f"{ref} (cannot be loaded)"
            else:
                minutes = human(round(compile(routine).total / 60) * 60 or 60)
                self._names[ref] = f"{routine.name} · {minutes}"
        return self._names[ref]

    def off_caption(self, now: Reading) -> str:
        sched = self.scheduler
        start = next_window_start(sched.settings, now.wall, sched.tz)
        if start is None:
            return "Off hours — no working days set"
        return f"Off hours — the timer rests until {start.astimezone(sched.tz):%a %H:%M}"

    def take_messages(self) -> list[Message]:
        out, self.messages = self.messages, []
        return out

    # ---- the clock -----------------------------------------------------------------------

    def tick(self, now: Reading) -> Tick:
        """One look at the clocks: act on what fired (the caller rings on `tick.alert`)."""
        tick = self.scheduler.check(now)
        self.last = tick
        changed = tick.new_window
        if tick.natural_break:
            changed = True
            away = human(round(tick.natural_break / 60) * 60 or tick.natural_break)
            self._record("natural", now)
            self._say(f"Welcome back — {away} away counts as a break. The timer starts afresh.")
        if tick.warn:
            self._say(f"A break in {compact(tick.remaining)}: {self.offered_name()}", timeout=8)
        if tick.alert:
            changed = True
            self._record("due", now)
            self._say(f"Time for a break: {self.offered_name()}", timeout=15, title="backtimer")
        heartbeat = self._saved_at is None or (
            now.wall - self._saved_at >= timedelta(seconds=HEARTBEAT)
        )
        if changed or heartbeat:
            self._save(now)
        return tick

    # ---- choices -------------------------------------------------------------------------

    def start_break(self, now: Reading, ref: str) -> None:
        """A break routine starts now (the caller has loaded it)."""
        self.scheduler.start_break(now)
        self._record("started", now, routine_id=ref)
        self._save(now)

    def finish_break(self, now: Reading, summary: Summary | None, routine: Routine) -> bool:
        """The break routine ended: whether it counts as a break taken."""
        taken = summary is not None and (
            summary.status == "completed" or summary.worked_seconds >= TAKEN_AFTER
        )
        self.scheduler.finish_break(now, taken=taken)
        self.chosen = None
        self._save(now)
        if taken:
            at = self.state.due.astimezone(self.scheduler.tz).strftime("%H:%M")
            self._say(f"Break done: {routine.name}. Next break at {at}.", timeout=8)
        else:
            self._say("That was short: it does not count as a break.", "warning")
        return taken

    def snooze(self, now: Reading) -> bool:
        if not self.due:
            return False
        snoozed = self.scheduler.snooze(now)
        if snoozed:
            self._record("snoozed", now, routine_id=self.scheduler.offered)
            self._save(now)
            self._say(f"Snoozed for {compact(self.settings.snooze)}.")
        else:
            self._say("No snoozes left: start or skip this break.", "warning")
        return snoozed

    def skip(self, now: Reading, reason: str) -> None:
        offered = self.scheduler.offered
        self.scheduler.skip(now, reason)
        self._record("skipped", now, reason=reason, routine_id=offered)
        self._save(now)
        self._say(f"Skipped ({reason}). The next break is in {compact(self.settings.every)}.")

    def leave(self, now: Reading) -> None:
        self._save(now)

    def close(self) -> None:
        self.store.close()

    # ---- internals -----------------------------------------------------------------------

    def _say(
        self,
        text: str,
        severity: Severity = "information",
        timeout: float | None = None,
        title: str | None = None,
    ) -> None:
        self.messages.append(Message(text, severity, timeout, title))

    def _record(
        self, kind: str, now: Reading, *, reason: str | None = None, routine_id: str | None = None
    ) -> None:
        self.store.record(kind, now.wall, reason=reason, routine_id=routine_id)

    def _save(self, now: Reading) -> None:
        if self.scheduler.state is None:
            return
        self.store.save(self.scheduler.state, self.scheduler.settings)
        self._saved_at = now.wall
        if self.store.notice:
            self._say(self.store.notice, "warning", 8)
            self.store.notice = None
