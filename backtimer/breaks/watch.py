"""What work mode looks at besides the clocks: the person (idle time, a locked screen, a
meeting) and routines run elsewhere (the history database).

The idle and meeting sources are injected: anything with the small interface below. They
are polled at most every `POLL` seconds (a D-Bus call or a file read each time, never
a subprocess every second), and a source that raises is treated as silent, with one
notice. `SessionWatch` asks the history for sessions newer than the last one seen (one
indexed query), so a routine run in another terminal counts within HISTORY_POLL seconds.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from backtimer.breaks.model import Presence, Reading

POLL = 5.0  # seconds between looks at the idle and meeting sources
HISTORY_POLL = 30.0  # seconds between looks at the history for routines run elsewhere
RECENT = timedelta(hours=1)  # older sessions found late (an import, a clock) do not count


class IdleReading(Protocol):
    @property
    def seconds_idle(self) -> float | None: ...  # None: no source answered

    @property
    def locked(self) -> bool: ...


class IdleSource(Protocol):
    """The away monitor (breaks/idle.py: IdleMonitor)."""

    def poll(self, now: Reading) -> IdleReading | None: ...

    def close(self) -> None: ...


class MeetingReading(Protocol):
    @property
    def in_meeting(self) -> bool: ...


class MeetingSource(Protocol):
    """The meeting monitor (breaks/meetings.py: MeetingMonitor)."""

    def poll(self, now: Reading) -> MeetingReading | None: ...

    def close(self) -> None: ...


class PresenceWatch:
    """Turns the sources into the scheduler's Presence; between polls the idle time grows
    with the monotonic clock.

    With `background`, the sources are asked on a thread of their own: `presence()` never
    waits for the desktop (a slow D-Bus service, a tmux that hangs up to its time limit)
    and uses the last answer until the next one is in. The screen's thread only reads it.
    """

    def __init__(
        self,
        idle: IdleSource | None = None,
        meetings: MeetingSource | None = None,
        *,
        poll: float = POLL,
        background: bool = False,
    ) -> None:
        self.idle = idle
        self.meetings = meetings
        self.poll = poll
        self._lock = threading.Lock()
        self._notice: str | None = None  # one line, once per failing source
        # (when asked, idle seconds, locked, in a meeting): replaced whole, never edited
        self._seen: tuple[float, float | None, bool, bool] | None = None
        self._failed: set[str] = set()
        self._asker = _Asker(self._read, self._close_sources) if background else None

    @property
    def notice(self) -> str | None:
        with self._lock:
            return self._notice

    def take_notice(self) -> str | None:
        """The notice to show, once."""
        with self._lock:
            notice, self._notice = self._notice, None
            return notice

    def close(self) -> None:
        """Let the sources go (their D-Bus connections): at once, or on the asking thread
        after the question under way."""
        if self._asker is not None:
            self._asker.close()
        else:
            self._close_sources()

    def _close_sources(self) -> None:
        for source in (self.idle, self.meetings):
            if source is not None:
                try:
                    source.close()
                except Exception as exc:  # closing a dead connection: nothing to keep
                    self._fail("closing", exc)

    @property
    def active(self) -> bool:
        return self.idle is not None or self.meetings is not None

    def presence(self, reading: Reading) -> Presence | None:
        if not self.active:
            return None
        now = reading.mono
        seen = self._seen
        if seen is None or now - seen[0] >= self.poll or now < seen[0]:
            if self._asker is None:
                self._read(reading)
                seen = self._seen
            else:
                self._asker.ask(reading)  # nothing while a question is under way
        if seen is None:  # the first answer is not in yet: nothing is known
            return Presence(idle=None, locked=False, meeting=False)
        polled_at, idle, locked, meeting = seen
        if idle is not None:
            idle += max(0.0, now - polled_at)
        return Presence(idle=idle, locked=locked, meeting=meeting)

    def _read(self, now: Reading) -> None:
        idle: float | None = None
        locked = meeting = False
        if self.idle is not None:
            try:
                reading = self.idle.poll(now)
            except Exception as exc:  # a source's bug or a dead bus: silent, said once
                self._fail("idle", exc)
            else:
                if reading is not None:
                    seconds = reading.seconds_idle
                    if seconds is not None and math.isfinite(seconds) and seconds >= 0:
                        idle = float(seconds)
                    locked = bool(reading.locked)
        if self.meetings is not None:
            try:
                signal = self.meetings.poll(now)
                meeting = signal is not None and bool(signal.in_meeting)
            except Exception as exc:
                self._fail("meetings", exc)
        self._seen = (now.mono, idle, locked, meeting)

    def _fail(self, which: str, exc: Exception) -> None:
        with self._lock:
            if which not in self._failed:
                self._failed.add(which)
                self._notice = f"breaks: the {which} source failed ({type(exc).__name__}: {exc})"


class _Asker:
    """One thread that asks the sources when `ask` says so, and closes them at the end.

    A daemon thread: leaving never waits for a question under way (its time limit is the
    source's, about a second at most); the sources are closed after it, on this thread,
    since they are not shared between threads."""

    def __init__(self, read: Callable[[Reading], None], close: Callable[[], None]) -> None:
        self._read = read
        self._close = close
        self._wake = threading.Condition()
        self._wanted: Reading | None = None
        self._busy = False
        self._closing = False
        self._thread: threading.Thread | None = None

    def ask(self, reading: Reading) -> None:
        with self._wake:
            if self._busy or self._wanted is not None or self._closing:
                return
            self._wanted = reading
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="backtimer-presence", daemon=True
                )
                self._thread.start()
            self._wake.notify()

    def close(self) -> None:
        with self._wake:
            self._closing = True
            if self._thread is None:  # never asked: nothing runs, close here
                self._close()
                return
            self._wake.notify()

    def idle(self, timeout: float) -> bool:
        """Wait until no question is waiting or under way (tests); False on timeout."""
        with self._wake:
            return self._wake.wait_for(lambda: not self._busy and self._wanted is None, timeout)

    def _run(self) -> None:
        try:
            while True:
                with self._wake:
                    self._wake.wait_for(lambda: self._wanted is not None or self._closing)
                    if self._closing:
                        return
                    reading, self._wanted, self._busy = self._wanted, None, True
                try:
                    if reading is not None:
                        self._read(reading)
                finally:
                    with self._wake:
                        self._busy = False
                        self._wake.notify_all()
        finally:
            self._close()


@dataclass(frozen=True)
class Finished:
    """A session that ended since the last look."""

    id: int
    routine_id: str
    status: str
    worked_seconds: float


class SessionStore(Protocol):
    def sessions_after(self, after_id: int, limit: int = 50) -> Sequence[SessionRow]: ...

    def last_session_id(self) -> int: ...


class SessionRow(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def routine_id(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def worked_seconds(self) -> float: ...
    @property
    def ended_at(self) -> datetime | None: ...


class SessionWatch:
    """Sessions that ended since `seen` (the newest id already looked at, saved with the
    schedule). A session still running is looked at again until it ends; one found
    ended more than RECENT ago is passed over."""

    def __init__(
        self,
        store: Callable[[], SessionStore | None],
        *,
        close: Callable[[], None] | None = None,
    ) -> None:
        """store: the history (None while there is none); close: lets it go."""
        self._store = store
        self._close = close
        self._running: set[int] = set()
        self.notice: str | None = None

    def close(self) -> None:
        if self._close is not None:
            try:
                self._close()
            except Exception as exc:  # closing a broken database: nothing left to keep
                self.notice = f"breaks: closing the history: {exc}"

    def prime(self) -> int:
        """The newest id now: what a fresh schedule starts from (nothing before counts)."""
        store = self._store()
        if store is None:
            return 0
        try:
            return store.last_session_id()
        except Exception as exc:  # StoreError: locked, damaged
            self.notice = f"breaks: cannot read the history: {exc}"
            return 0

    def ended(self, seen: int, now: datetime) -> tuple[list[Finished], int]:
        """(sessions that ended since the last look, the new `seen`)."""
        store = self._store()
        if store is None:
            return [], seen
        try:
            rows = list(store.sessions_after(min([seen, *(i - 1 for i in self._running)])))
        except Exception as exc:
            self.notice = f"breaks: cannot read the history: {exc}"
            return [], seen
        out: list[Finished] = []
        newest = seen
        for row in rows:
            newest = max(newest, row.id)
            if row.status == "running":
                if row.id > seen:
                    self._running.add(row.id)
                continue
            if row.id <= seen and row.id not in self._running:
                continue
            self._running.discard(row.id)
            ended = row.ended_at
            if ended is not None and now - ended > RECENT:
                continue
            out.append(Finished(row.id, row.routine_id, row.status, row.worked_seconds))
        return out, newest
