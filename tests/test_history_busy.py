"""No session is lost to a busy database: another real process holds the history file with
BEGIN EXCLUSIVE for 10 s at the start, in the middle or at the end of a real routine run
through the Session and its recorder in simulated time; the session ends up in the history
with its right status and counts (at once, or from the pending journal at the next start)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from backtimer import paths
from backtimer.events import Event, SessionFinished
from backtimer.history import pending
from backtimer.history.recorder import HistoryRecorder
from backtimer.history.store import Store
from backtimer.routine.loader import load_file
from backtimer.timeline import compile as compile_timeline
from backtimer.usecases.session import Session

CORE = paths.builtin_routines_dir() / "core.toml"  # six exercises
LOCK_SECONDS = 10.0

HOLDER = """\
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
print("ready", flush=True)
for line in sys.stdin:
    if line.strip() == "lock":
        conn.execute("BEGIN EXCLUSIVE")
        print("locked", flush=True)
    elif line.strip() == "unlock":
        conn.execute("ROLLBACK")
        print("unlocked", flush=True)
"""


class Holder:
    """A second process that takes and releases an exclusive lock on the history file."""

    def __init__(self, db: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(db)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.locked = False
        self.released = False
        assert self._read() == "ready"

    def _read(self) -> str:
        assert self.proc.stdout is not None
        return self.proc.stdout.readline().strip()

    def _say(self, word: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(word + "\n")
        self.proc.stdin.flush()

    def lock(self) -> None:
        self._say("lock")
        assert self._read() == "locked"
        self.locked = True

    def unlock(self) -> None:
        self._say("unlock")
        assert self._read() == "unlocked"
        self.locked = False
        self.released = True

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.proc.wait(timeout=10)


@pytest.fixture
def db() -> Iterator[Path]:
    path = paths.history_db()
    Store(path).close()  # an existing history, as after the first session
    yield path


def _run(db: Path, lock_from: float | None) -> tuple[Session, list[Event], Holder]:
    """Run core.toml to the end in simulated time (open holds done after 20 s). The holder
    locks the file from `lock_from` for LOCK_SECONDS of the session's clock, which the
    recorder's monotonic clock and sleep follow."""
    routine = load_file(CORE)
    timeline = compile_timeline(routine)
    holder = Holder(db)
    sim = [0.0]
    start = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)

    def tick() -> None:
        if lock_from is None:
            return
        if not holder.locked and not holder.released and sim[0] >= lock_from:
            holder.lock()
        if holder.locked and sim[0] >= lock_from + LOCK_SECONDS:
            holder.unlock()

    def sleep(seconds: float) -> None:
        sim[0] += seconds
        tick()

    recorder = HistoryRecorder(
        routine,
        timeline,
        path=db,
        busy_timeout=0.05,
        clock=lambda: start + timedelta(seconds=sim[0]),
        monotonic=lambda: sim[0],
        sleep=sleep,
    )
    session = Session(
        routine, timeline, sound=False, record=False, listeners=[recorder], max_gap=None
    )
    events: list[Event] = []
    tick()
    events += session.start(0.0)
    while session.engine.state not in ("finished", "stopped"):
        seg = session.engine.segment
        if seg is not None and seg.duration is None:
            sim[0] += max(0.0, 20.0 - session.engine.elapsed(sim[0]))
            tick()
            events += session.advance(sim[0]) + session.done(sim[0])
            continue
        wake = session.engine.next_wakeup(sim[0])
        sim[0] = wake if wake is not None else sim[0] + 1.0
        tick()
        events += session.advance(sim[0])
    session.close()
    return session, events, holder


def _summary_of(events: list[Event]) -> SessionFinished:
    [done] = [e for e in events if isinstance(e, SessionFinished)]
    return done


def _check_history(db: Path, events: list[Event]) -> None:
    summary = _summary_of(events).summary
    with Store(db) as store:
        [s] = store.sessions()
        results = store.results()
        assert store.integrity() == "ok"
    assert s["status"] == "completed"
    assert (s["exercises_done"], s["exercises_planned"]) == (6, 6)
    assert s["duration_seconds"] == pytest.approx(summary.total_seconds)
    assert s["worked_seconds"] == pytest.approx(summary.worked_seconds)
    assert [r["name"] for r in results] == [r.name for r in summary.exercises]
    assert [r["done_reps"] for r in results] == [r.done_reps for r in summary.exercises]


def test_the_routine_takes_longer_than_the_lock(db: Path) -> None:
    session, events, holder = _run(db, None)
    holder.close()
    assert session.notices == []
    assert _summary_of(events).summary.total_seconds > 3 * LOCK_SECONDS
    _check_history(db, events)


@pytest.mark.parametrize("where", ["start", "middle"])
def test_a_lock_during_the_session_loses_nothing(db: Path, where: str) -> None:
    timeline = compile_timeline(load_file(CORE))
    # the middle: from 3 s before the third exercise's last work segment ends, so its
    # result falls inside the lock
    third = [seg for seg in timeline.segments if seg.exercise_index == 2 and seg.work]
    lock_from = 0.0 if where == "start" else third[-1].start + third[-1].estimate - 3.0
    session, events, holder = _run(db, lock_from)
    try:
        assert holder.released  # the lock was really held and let go during the session
        [recorder] = [x for x in session.listeners if isinstance(x, HistoryRecorder)]
        assert recorder.failed_writes >= 1
        assert session.notices == []  # written once the lock was gone: nothing to tell
        assert not any(pending.pending_dir(db).glob("*.json"))
        _check_history(db, events)
    finally:
        holder.close()


def test_a_lock_at_the_end_waits_in_the_journal_and_is_added_at_the_next_start(
    db: Path,
) -> None:
    total = compile_timeline(load_file(CORE)).total
    session, events, holder = _run(db, total - 3.0)  # held until 7 s after the end
    try:
        assert holder.locked  # still held when the session was over
        [notice] = session.notices
        assert notice.startswith(f"history: this session is kept in {pending.pending_dir(db)}")
        assert f"database is locked ({db})" in notice
        [kept] = pending.pending_dir(db).glob("*.json")
        record = json.loads(kept.read_text())
        assert record["final"]["status"] == "completed" and len(record["results"]) == 6
        assert pending.replay(db, busy_timeout=0.05) == [
            f"history: 1 session saved while the history was busy waits in "
            f"{pending.pending_dir(db)} (database is locked ({db}))"
        ]
        holder.unlock()
    finally:
        holder.close()
    assert pending.replay(db) == [
        "history: 1 session saved while the history was busy was added now"
    ]
    _check_history(db, events)
    assert not kept.exists()
    assert pending.replay(db) == []


def test_a_lock_shorter_than_the_busy_timeout_is_simply_waited_for(db: Path) -> None:
    """Real time: the recorder's busy_timeout (1 s by default) covers a short lock."""
    holder = Holder(db)
    try:
        holder.lock()
        routine = load_file(CORE)
        recorder = HistoryRecorder(routine, compile_timeline(routine), path=db)
        session = Session(
            routine, recorder.timeline, sound=False, record=False, listeners=[recorder]
        )
        # the first event inserts the row: it waits for the lock, released after 0.3 s
        release = threading.Timer(0.3, holder.unlock)
        started = time.monotonic()
        release.start()
        session.start(0.0)
        waited = time.monotonic() - started
        release.join()
        session.stop(1.0)
        session.close()
    finally:
        holder.close()
    assert 0.2 < waited < 1.0
    assert session.notices == []
    with Store(db) as store:
        assert [s["status"] for s in store.sessions()] == ["stopped"]


def test_a_process_killed_while_the_database_was_locked_is_added_interrupted(
    db: Path, tmp_path: Path
) -> None:
    """SIGKILL mid-session while locked: the journal (written at each change that could not
    be stored) still has every finished exercise; the next start adds it as interrupted."""
    code = f"""
import os, signal, sqlite3, sys
sys.path.insert(0, {str(Path(__file__).parent)!r})
from test_history_busy import CORE
from backtimer.history.recorder import HistoryRecorder
from backtimer.routine.loader import load_file
from backtimer.usecases.session import Session
from backtimer.timeline import compile
from pathlib import Path
db = Path({str(db)!r})
holder = sqlite3.connect(db, isolation_level=None)
holder.execute("PRAGMA locking_mode = EXCLUSIVE")
holder.execute("BEGIN EXCLUSIVE")
routine = load_file(CORE)
timeline = compile(routine)
rec = HistoryRecorder(routine, timeline, path=db, busy_timeout=0.01)
session = Session(routine, timeline, sound=False, record=False, listeners=[rec])
now = 0.0
session.start(now)
finished = 0
while finished < 2:
    now += 0.5
    finished += sum(type(e).__name__ == "ExerciseFinished" for e in session.advance(now))
os.kill(os.getpid(), signal.SIGKILL)
"""
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode == -9, proc.stderr
    notices = pending.replay(db)
    assert notices == ["history: 1 session saved while the history was busy was added now"]
    with Store(db) as store:
        [s] = store.sessions()
        names = [r["name"] for r in store.results()]
    routine = load_file(CORE)
    assert s["status"] == "interrupted"
    assert names == [e.name for e in routine.exercises[:2]]
