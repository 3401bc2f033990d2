"""Work mode's policy: what happens at each look at the clock and at each choice, without
any screen. The Scheduler (pure) says when a break is due; this decides what counts as a
break taken, records break events in the history, saves the schedule (on every change and
at least every HEARTBEAT, which `backtimer status` relies on) and words the messages.

    mode = WorkMode(settings, tz, open_break_store(), loader=load_routine,
                    presence=PresenceWatch(idle, meetings), sessions=history_watch())
    tick = mode.tick(reading())      # then: tick.alert -> ring; mode.take_messages() -> show
    mode.start_break(now, ref) ... mode.finish_break(now, summary, routine)
    mode.snooze(now) / mode.skip(now, "meeting") / mode.pause(now, "30m") / mode.resume(now)
    mode.leave(now)
    # after each choice the caller looks at the clock again (tick) to show the new state

At each tick it also asks the person's presence (idle, locked, meeting: PresenceWatch,
every 5 s), takes a pause or resume given in another terminal (RequestBox), and every
30 s looks in the history for routines run elsewhere (SessionWatch), which count as
breaks by the rule in docs/breaks.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Literal

from backtimer.breaks.pause import PauseError, pause_end
from backtimer.breaks.requests import RequestBox
from backtimer.breaks.scheduler import (
    BreakSettings,
    BreakState,
    Reading,
    Scheduler,
    Tick,
    counts_as_break,
    next_window_start,
    until_text,
)
from backtimer.breaks.state import HEARTBEAT, BreakStore
from backtimer.breaks.watch import HISTORY_POLL, PresenceWatch, SessionWatch
from backtimer.events import Summary
from backtimer.history.store import Store, StoreError
from backtimer.routine.durations import compact, duration_text, human
from backtimer.routine.model import Routine
from backtimer.timeline import compile

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


def history_watch() -> SessionWatch:
    """Routines run elsewhere, from the history database (opened at the first look that
    finds it; a missing or locked database only skips that look)."""
    opened: list[Store] = []

    def store() -> Store | None:
        if not opened:
            try:
                opened.append(Store(create=False))
            except StoreError:
                return None
        return opened[0]

    def close() -> None:
        while opened:
            opened.pop().close()

    return SessionWatch(store, close=close)


def worked_text(seconds: float) -> str:
    """ "1h05m", "12m", "under a minute": whole minutes, so the line changes once a minute."""
    minutes = int(max(0.0, seconds) // 60)
    if minutes < 1:
        return "under a minute"
    hours, mins = divmod(minutes, 60)
    return f"{hours}h{mins:02d}m" if hours else f"{minutes}m"


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
        first: float | None = None,
        presence: PresenceWatch | None = None,
        sessions: SessionWatch | None = None,
        requests: RequestBox | None = None,
    ) -> None:
        """first: the first break after this many seconds (`--first`). presence: the idle
        and meeting sources; sessions: the history; requests: pause/resume given in
        another terminal (None each: not looked at)."""
        self.store = store
        self.loader = loader
        self.presence = presence
        self.sessions = sessions
        self.requests = requests
        state, _ = store.load_with_settings()
        self.scheduler = Scheduler(settings, tz, state, first=first)
        self.last: Tick | None = None  # what the last tick said
        self.chosen: str | None = None  # a routine picked instead of the offered one
        self.messages: list[Message] = []
        self._names: dict[str, str] = {}  # routine ref -> "Name · 3 min"
        self._plain_names: dict[str, str] = {}  # routine ref -> "Name"
        self._saved_at: datetime | None = None
        self._history_at: float | None = None  # monotonic time of the last look
        self._primed = False
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
                self._plain_names[ref] = routine.name
        return self._names[ref]

    def offered_pair(self) -> tuple[str, str]:
        """(id, name) of the routine the next break offers, for `status --json`."""
        self.offered_name()
        ref = self.offered
        return ref, self._plain_names.get(ref, ref)

    def paused_caption(self, tick: Tick, now: Reading) -> str:
        if tick.paused_until is None:
            return "Paused"
        when = until_text(tick.paused_until, now.wall, self.scheduler.tz)
        return f"Paused until {when} — no reminders (r resumes)"

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
        # First what happened elsewhere (a pause given in another terminal, a routine run
        # elsewhere), then one look at the clocks that sees it.
        changed = self._take_request(now)
        changed = self._look_in_history(now) or changed
        presence = self.presence.presence(now) if self.presence is not None else None
        notice = self.presence.take_notice() if self.presence is not None else None
        if notice:
            self._say(notice, "warning", 8)
        tick = self.scheduler.check(now, presence)
        if self.scheduler.notice:
            self._say(self.scheduler.notice, "warning", 10)
            self.scheduler.notice = None
            changed = True
        before, self.last = self.last, tick
        # a new mode (away, meeting, paused...) is saved at once: `backtimer status` shows it
        moved = before is None or before.mode != tick.mode or before.held != tick.held
        changed = changed or moved or tick.new_window or tick.resumed
        if tick.resumed:
            self._say(f"The pause is over. Next break in {compact(self.settings.every)}.")
        if tick.hold:
            changed = True
            self._record("due", now, reason=f"held ({tick.held})", routine_id=self.offered)
        if tick.natural_break:
            changed = True
            away = human(round(tick.natural_break / 60) * 60 or tick.natural_break)
            minutes = max(1, round(tick.natural_break / 60))
            reason = f"away {minutes}m" if tick.natural_kind == "away" else None
            self._record("natural", now, reason=reason)
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
        """The break routine ended: whether it counts as a break taken (the rule:
        scheduler.counts_as_break)."""
        taken = summary is not None and counts_as_break(summary.status, summary.worked_seconds)
        self.scheduler.finish_break(now, taken=taken)
        if self.sessions is not None:  # this break's own session is not one run elsewhere
            self.state.seen_session = max(self.state.seen_session, self.sessions.prime())
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

    def pause(self, now: Reading, text: str) -> bool:
        """Pause the reminders: "30m", "2h", "until 14:30", "tomorrow". False (and a
        message saying why) when the text is not one of these."""
        try:
            until, wall = pause_end(text, now.wall, self.scheduler.tz, self.settings)
        except PauseError as exc:
            self._say(str(exc), "warning", 8)
            return False
        self.scheduler.pause(now, until, wall=wall)
        self._save(now)
        self._say(f"Paused until {until_text(until, now.wall, self.scheduler.tz)}.")
        return True

    def resume(self, now: Reading) -> bool:
        """End a pause now: the clock starts afresh."""
        if not self.scheduler.resume(now):
            return False
        self._save(now)
        self._say(f"Reminders are back. Next break in {compact(self.settings.every)}.")
        return True

    @property
    def paused(self) -> bool:
        return self.scheduler.state is not None and self.scheduler.state.paused_until is not None

    def leave(self, now: Reading) -> None:
        self._save(now)

    def close(self) -> None:
        self.store.close()
        if self.sessions is not None:
            self.sessions.close()

    # ---- what else is watched ----------------------------------------------------------

    def _take_request(self, now: Reading) -> bool:
        """A pause or resume given in another terminal (`backtimer pause 30m`)."""
        box = self.requests
        if box is None or self.scheduler.state is None:
            return False
        request = box.take()
        if box.notice:
            self._say(box.notice, "warning", 8)
            box.notice = None
        if request is None:
            return False
        if request.action == "resume":
            return self.resume(now)
        if request.until is None or request.until <= now.wall:
            return False
        self.scheduler.pause(now, request.until, wall=request.wall)
        self._save(now)
        self._say(f"Paused until {until_text(request.until, now.wall, self.scheduler.tz)}.")
        return True

    def _look_in_history(self, now: Reading) -> bool:
        """Every HISTORY_POLL seconds: routines run elsewhere that count as breaks."""
        watch, state = self.sessions, self.scheduler.state
        if watch is None or state is None or state.in_break:
            return False
        if not self._primed:
            self._primed = True
            self._history_at = now.mono
            if state.seen_session == 0:
                state.seen_session = watch.prime()
            return False
        if self._history_at is not None and 0 <= now.mono - self._history_at < HISTORY_POLL:
            return False
        self._history_at = now.mono
        found, seen = watch.ended(state.seen_session, now.wall)
        if watch.notice:
            self._say(watch.notice, "warning", 8)
            watch.notice = None
        counted = False
        for session in found:
            if self.scheduler.count_session(
                now,
                session_id=session.id,
                status=session.status,
                worked_seconds=session.worked_seconds,
                routine_id=session.routine_id,
            ):
                counted = True
                self._record("started", now, reason="run elsewhere", routine_id=session.routine_id)
                at = self.state.due.astimezone(self.scheduler.tz).strftime("%H:%M")
                self._say(f"Break counted: {session.routine_id}. Next break at {at}.", timeout=8)
        state.seen_session = max(state.seen_session, seen)
        return counted

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
        self.store.save(self.scheduler.state, self.scheduler.settings, self.offered_pair())
        self._saved_at = now.wall
        if self.store.notice:
            self._say(self.store.notice, "warning", 8)
            self.store.notice = None
