"""HistoryRecorder: the Session listener that writes each session to the history store.

- the first events of a session insert the session row (status "running");
- each ExerciseFinished / ExerciseSkipped commits that exercise's result at once;
- SessionFinished / SessionStopped finalise the row (completed / stopped / pain).

No session is lost to a busy or failing database. The recorder keeps the whole session in
memory (record.SessionRecord) and writes it with Store.save_session, which can be repeated:
- a write that fails (database locked by another process, disk full, ...) is tried again
  with the next events, after a back-off (0.5 s, 1 s, 2 s ... up to 30 s on the injected
  monotonic clock), and meanwhile the session is kept in the pending journal (pending.py);
- at the end of the session a busy database is tried `close_attempts` times, `sleep`ing
  0.25 s, 0.5 s ... between tries; what still cannot be written stays in the journal and
  is added at the next start (pending.replay), with one notice, e.g.
  "history: this session is kept in /data/history-pending/....json until the history can
  be written (database is locked (/data/history.sqlite3)); it is added at the next start".
It never raises into the session; what was already stored stays as it was.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import os
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from backtimer import paths
from backtimer.events import (
    Event,
    ExerciseFinished,
    ExerciseResult,
    ExerciseSkipped,
    SessionFinished,
    SessionStopped,
    Summary,
)
from backtimer.history import pending
from backtimer.history.record import FinalRecord, ResultRecord, SessionRecord
from backtimer.history.store import (
    Store,
    StoreError,
    local_day,
    move_aside,
    now_utc,
    open_writable,
    utc_text,
)
from backtimer.routine.model import Routine
from backtimer.timeline import Timeline

RETRY_FIRST = 0.5  # seconds before the first retry during a session, doubled each time
RETRY_MAX = 30.0
CLOSE_BACKOFF = 0.25  # sleep before the second try at the end, doubled each time


def routine_hash(routine: Routine) -> str:
    """sha256 of the routine as TOML (backtimer.routine.writer), so an edited routine gets a
    new hash; falls back to the model's repr when the writer is not available."""
    try:
        writer = importlib.import_module("backtimer.routine.writer")  # optional module
        text = str(writer.to_toml(routine))
    except Exception:  # writer missing or unable to write this routine
        text = repr(routine)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class HistoryRecorder:
    def __init__(
        self,
        routine: Routine,
        timeline: Timeline,
        *,
        path: Path | None = None,
        source_hash: str | None = None,
        busy_timeout: float = 1.0,
        clock: Callable[[], datetime] = now_utc,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        close_attempts: int = 3,
    ) -> None:
        self.routine = routine
        self.timeline = timeline
        self.path = path
        self.source_hash = source_hash
        self.busy_timeout = busy_timeout
        self.clock = clock
        self.monotonic = monotonic
        self.sleep = sleep
        self.close_attempts = max(1, close_attempts)
        self.notice: str | None = None  # why this session is not (all) in the history
        self.notices: list[str] = []  # other news, e.g. a damaged file moved aside
        self.session_id: int | None = None
        self.saved_exercises = 0
        self.status: str | None = None  # final status once the session is over
        self.record: SessionRecord | None = None
        self.pending_file: Path | None = None  # the journal file while the store is behind
        self.db_path: Path = Path(path) if path is not None else paths.history_db()
        self._store: Store | None = None
        self._disabled = False
        self._closed = False
        self._dirty = False  # the record has something the store does not have yet
        self._failures = 0  # failed writes in a row
        self.failed_writes = 0  # in all
        self._retry_at = 0.0
        self._error: StoreError | None = None
        self._journal_error: str | None = None
        self._moved = False
        self._reached: set[int] = set()  # exercises that ended during the session

    # ------------------------------------------------------------------ listener
    def handle(self, events: Sequence[Event]) -> None:
        if self._disabled or not events:
            return
        try:
            final = False
            for event in events:
                final = self._take(event) or final
            if final:
                self._disabled = True  # the session is over; later events are not ours
                self.close()
            else:
                self._flush()
        except Exception as exc:  # never raise into the session
            self._fail(f"{type(exc).__name__}: {exc}")

    def close(self) -> None:
        """Write what is left (a session that never finished or stopped is interrupted),
        trying a busy database again a few times; what cannot be written stays in the
        pending journal with one notice. Safe to call more than once."""
        if self._closed:
            return
        self._closed = True
        try:
            record = self.record
            if record is not None and record.final is None:
                record.final = self._interrupted(record)
                self.status = "interrupted"
                self._dirty = True
            for attempt in range(self.close_attempts):
                if attempt:
                    self.sleep(CLOSE_BACKOFF * 2 ** (attempt - 1))
                self._flush(force=True)
                if not self._dirty or self._error is None or not self._error.busy:
                    break
            if self._dirty and record is not None:
                self._journal()
                self._set_notice(self._pending_notice())
        except Exception as exc:  # closing must not raise either
            self._set_notice(f"history: could not save this session: {type(exc).__name__}: {exc}")
        finally:
            self._close_store()

    # ------------------------------------------------------------------ events
    def _take(self, event: Event) -> bool:
        """Add what `event` tells to the record; True when the session is over."""
        record = self.record
        if record is None:
            record = self.record = self._new_record(event.at)
            self._dirty = True
        if isinstance(event, ExerciseFinished | ExerciseSkipped):
            self._add(record, event.result, self.clock(), event.at)
            self._reached.add(event.result.index)
        elif isinstance(event, SessionFinished | SessionStopped):
            self._end(record, event.summary)
            return True
        return False

    def _new_record(self, at: float) -> SessionRecord:
        started = self.clock() - timedelta(seconds=max(0.0, at))
        return SessionRecord(
            uid=f"{utc_text(started).replace(':', '').replace('-', '')[:15]}-{uuid.uuid4().hex}",
            routine_id=self.routine.id,
            name=self.routine.name,
            source_hash=self.source_hash or routine_hash(self.routine),
            started_at=utc_text(started),
            local_day=local_day(started),
            planned_seconds=float(self.timeline.total),
            exercises_planned=len(self.routine.exercises),
            pid=os.getpid(),
        )

    def _kind(self, index: int) -> str:
        if 0 <= index < len(self.routine.exercises):
            return str(self.routine.exercises[index].kind)
        return ""

    def _add(
        self, record: SessionRecord, result: ExerciseResult, when: datetime, at: float
    ) -> None:
        record.results[result.index] = ResultRecord(
            index=result.index,
            name=result.name,
            kind=self._kind(result.index),
            planned_reps=result.planned_reps,
            planned_sets=result.planned_sets,
            planned_sides=result.planned_sides,
            planned_seconds=float(result.planned_seconds),
            done_reps=result.done_reps,
            done_sets=result.done_sets,
            done_sides=result.done_sides,
            worked_seconds=float(result.worked_seconds),
            held_seconds=[float(h) for h in result.held_seconds],
            skipped=bool(result.skipped),
            ended_at=utc_text(when),
            session_seconds=float(at),
        )
        self._dirty = True

    def _end(self, record: SessionRecord, summary: Summary) -> None:
        # Results the engine reports only in the summary (e.g. skipped by stop) are kept too.
        now = self.clock()
        for result in summary.exercises:
            if result.index not in record.results:
                self._add(record, result, now, summary.total_seconds)
        if summary.status not in ("completed", "stopped", "pain"):
            raise ValueError(f"unknown session status {summary.status!r}")
        record.final = FinalRecord(
            status=summary.status,
            ended_at=utc_text(now),
            worked_seconds=float(summary.worked_seconds),
            duration_seconds=float(summary.total_seconds),
            paused_seconds=float(summary.paused_seconds),
        )
        self.status = summary.status
        self._dirty = True

    def _interrupted(self, record: SessionRecord) -> FinalRecord:
        results = record.results.values()
        return FinalRecord(
            status="interrupted",
            ended_at=utc_text(self.clock()),
            worked_seconds=sum(r.worked_seconds for r in results),
            duration_seconds=max((r.session_seconds for r in results), default=0.0),
            paused_seconds=0.0,
        )

    # ------------------------------------------------------------------ writing
    def _flush(self, *, force: bool = False) -> None:
        """Write the record when it has news, unless a retry is not due yet."""
        record = self.record
        if record is None or not self._dirty:
            return
        if not force and self._failures and self.monotonic() < self._retry_at:
            self._journal()
            return
        try:
            if self._store is None:
                self._store, notice = open_writable(
                    self.db_path, busy_timeout=self.busy_timeout, clock=self.clock
                )
                if notice:
                    self.notices.append(notice)
            record.session_id = self._store.save_session(record)
        except StoreError as exc:
            if exc.damaged and self._store is not None and not self._moved:
                # opened, but found damaged while writing (malformed pages): moved aside
                # like a file that cannot be opened, once, and written again at once
                self._moved = True
                self._close_store()
                with contextlib.suppress(OSError):
                    moved = move_aside(self.db_path, self.clock())
                    self.notices.append(
                        f"history: {self.db_path} could not be used ({exc.reason}); it was "
                        f"moved to {moved.name} and a new history was started"
                    )
                    record.session_id = None
                    self._flush(force=True)
                    return
            self._error = exc
            self._failures += 1
            self.failed_writes += 1
            self._retry_at = self.monotonic() + min(
                RETRY_MAX, RETRY_FIRST * 2 ** (self._failures - 1)
            )
            self._close_store()  # opened afresh next time (the file may have been replaced)
            self._journal()
            return
        self._dirty = False
        self._failures = 0
        self._error = None
        self.session_id = record.session_id
        # the exercises that ended during the session, not those the summary fills in
        self.saved_exercises = len(self._reached)
        if self.pending_file is not None:
            with contextlib.suppress(OSError):
                pending.remove(self.pending_file)
            self.pending_file = None

    def _journal(self) -> None:
        """Keep the whole record in the pending journal (one atomic file per session)."""
        if self.record is None:
            return
        try:
            self.pending_file = pending.write(self.record, self.db_path)
            self._journal_error = None
        except (OSError, pending.JournalError) as exc:
            self._journal_error = (
                str(exc)
                if isinstance(exc, pending.JournalError)
                else (f"{exc.strerror or exc} ({pending.pending_dir(self.db_path)})")
            )

    def _pending_notice(self) -> str:
        why = str(self._error) if self._error else "the history could not be written"
        if self.pending_file is not None and self._journal_error is None:
            return (
                f"history: this session is kept in {self.pending_file} until the history can "
                f"be written ({why}); it is added at the next start"
            )
        return (
            f"history: could not save this session: {why}; keeping it aside failed too: "
            f"{self._journal_error}"
        )

    def _set_notice(self, text: str) -> None:
        if self.notice is None:
            self.notice = text

    def _close_store(self) -> None:
        store, self._store = self._store, None
        if store is not None:
            with contextlib.suppress(Exception):
                store.close()

    def _fail(self, why: str) -> None:
        self._disabled = True
        self._set_notice(f"history: could not save this session: {why}")
        self.close()

    def describe(self) -> dict[str, Any]:
        """What was saved, for a summary screen: session id, exercises, status, file, and
        the journal file when the session waits there for the history."""
        return {
            "saved": self.record is not None and not self._dirty and self.notice is None,
            "session_id": self.session_id,
            "exercises": self.saved_exercises,
            "status": self.status,
            "path": str(self.db_path),
            "pending": str(self.pending_file) if self.pending_file else None,
            "notice": self.notice,
        }
