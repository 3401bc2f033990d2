"""HistoryRecorder: the Session listener that writes each session to the history store.

- the first events of a session insert the session row (status "running");
- each ExerciseFinished / ExerciseSkipped commits that exercise's result at once;
- SessionFinished / SessionStopped finalise the row (completed / stopped / pain).

It never raises into the session: when the database cannot be used (locked, unwritable,
disk full, written by a newer backtimer) it sets `notice` once, e.g.
"history: could not save this session: database is locked (/path/history.sqlite3)",
and ignores the rest of the session. What was already stored stays as it was.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from backtimer.events import (
    Event,
    ExerciseFinished,
    ExerciseSkipped,
    SessionFinished,
    SessionStopped,
    Summary,
)
from backtimer.history.store import Store, StoreError, now_utc
from backtimer.routine.model import Routine
from backtimer.routine.writer import to_toml
from backtimer.timeline import Timeline


def routine_hash(routine: Routine) -> str:
    """sha256 of the routine as TOML, so an edited routine gets a new hash."""
    return hashlib.sha256(to_toml(routine).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Saved:
    """What a HistoryRecorder saved of its session."""

    saved: bool
    session_id: int | None
    exercises: int
    status: str | None
    path: str | None
    notice: str | None


class HistoryRecorder:
    def __init__(
        self,
        routine: Routine,
        timeline: Timeline,
        *,
        path: Path | None = None,
        source_hash: str | None = None,
        busy_timeout: float = 3.0,
        clock: Callable[[], datetime] = now_utc,
    ) -> None:
        self.routine = routine
        self.timeline = timeline
        self.path = path
        self.source_hash = source_hash
        self.busy_timeout = busy_timeout
        self.clock = clock
        self.notice: str | None = None
        self.session_id: int | None = None
        self.saved_exercises = 0
        self.status: str | None = None  # final status once stored
        self._store: Store | None = None
        self.db_path: Path | None = path
        self._disabled = False

    # ------------------------------------------------------------------ listener
    def handle(self, events: Sequence[Event]) -> None:
        if self._disabled or not events:
            return
        try:
            for event in events:
                self._handle_one(event)
        except StoreError as exc:
            self._fail(str(exc))
        except Exception as exc:  # never raise into the session
            self._fail(f"{type(exc).__name__}: {exc}")

    def close(self) -> None:
        """Close the store; a session that never finished or stopped is marked interrupted."""
        store, self._store = self._store, None
        healthy = self.notice is None  # after a failure, do not wait on the database again
        if store is not None and healthy and self.session_id is not None and self.status is None:
            with contextlib.suppress(Exception):
                store.interrupt_session(self.session_id, self.clock())
                self.status = "interrupted"
        if store is not None:
            with contextlib.suppress(Exception):  # closing must not raise either
                store.close()

    # ------------------------------------------------------------------ internals
    def _fail(self, why: str) -> None:
        self._disabled = True
        if self.notice is None:
            self.notice = f"history: could not save this session: {why}"
        self.close()

    def _ensure_session(self, at: float) -> tuple[Store, int]:
        if self._store is not None and self.session_id is not None:
            return self._store, self.session_id
        started = self.clock() - timedelta(seconds=max(0.0, at))
        source_hash = self.source_hash or routine_hash(self.routine)
        store = Store(self.path, busy_timeout=self.busy_timeout)
        self._store = store
        self.db_path = store.path
        self.session_id = store.start_session(
            routine_id=self.routine.id,
            name=self.routine.name,
            source_hash=source_hash,
            started_at=started,
            planned_seconds=self.timeline.total,
            exercises_planned=len(self.routine.exercises),
        )
        return store, self.session_id

    def _kind(self, index: int) -> str:
        if 0 <= index < len(self.routine.exercises):
            return str(self.routine.exercises[index].kind)
        return ""

    def _handle_one(self, event: Event) -> None:
        store, sid = self._ensure_session(event.at)
        if isinstance(event, ExerciseFinished | ExerciseSkipped):
            store.add_result(
                sid,
                event.result,
                kind=self._kind(event.result.index),
                ended_at=self.clock(),
                session_seconds=event.at,
            )
            self.saved_exercises += 1
        elif isinstance(event, SessionFinished | SessionStopped):
            self._finish(store, sid, event.summary)

    def _finish(self, store: Store, sid: int, summary: Summary) -> None:
        # Results the engine reports only in the summary (e.g. skipped by stop) are stored too.
        stored = {r["idx"] for r in store.results(sid)}
        now = self.clock()
        for result in summary.exercises:
            if result.index not in stored:
                store.add_result(
                    sid,
                    result,
                    kind=self._kind(result.index),
                    ended_at=now,
                    session_seconds=summary.total_seconds,
                )
        store.finish_session(
            sid,
            status=summary.status,
            ended_at=now,
            worked_seconds=summary.worked_seconds,
            duration_seconds=summary.total_seconds,
            paused_seconds=summary.paused_seconds,
        )
        self.status = summary.status
        self._disabled = True  # the session is over; later events are not ours
        self.close()

    def describe(self) -> Saved:
        """What was saved, for a summary screen: session id, exercises, status, file."""
        return Saved(
            saved=self.notice is None and self.session_id is not None,
            session_id=self.session_id,
            exercises=self.saved_exercises,
            status=self.status,
            path=str(self.db_path) if self.db_path else None,
            notice=self.notice,
        )
