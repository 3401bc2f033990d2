"""HistoryRecorder: what a session leaves in the history, and what happens when the
database cannot be used (the session goes on, one clear notice, nothing damaged)."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from backtimer import paths
from backtimer.events import (
    Event,
    ExerciseFinished,
    ExerciseResult,
    ExerciseSkipped,
    SegmentStarted,
    SessionFinished,
    SessionStopped,
    Summary,
)
from backtimer.history import pending
from backtimer.history.recorder import HistoryRecorder, routine_hash
from backtimer.history.store import SCHEMA_VERSION, Store, StoreError
from backtimer.routine.model import Exercise, Routine, WorkKind
from backtimer.timeline import compile as compile_timeline

ROUTINE = Routine(
    id="back",
    name="Back basics",
    exercises=(
        Exercise(name="Cat-cow", kind=WorkKind.HOLD, hold=5, reps=2),
        Exercise(name="Superman", kind=WorkKind.MAX, reps=2),
        Exercise(name="Bridge", kind=WorkKind.HOLD, hold=5, reps=2),
    ),
)
TIMELINE = compile_timeline(ROUTINE)


def _res(i: int, *, held: tuple[float, ...] = (), skipped: bool = False) -> ExerciseResult:
    ex = ROUTINE.exercises[i]
    return ExerciseResult(
        index=i,
        name=ex.name,
        planned_reps=2,
        planned_sets=1,
        planned_sides=0,
        planned_seconds=10.0,
        done_reps=0 if skipped else 2,
        done_sets=0 if skipped else 1,
        worked_seconds=0.0 if skipped else (sum(held) or 10.0),
        held_seconds=held,
        skipped=skipped,
    )


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def _summary(status: str, results: tuple[ExerciseResult, ...], total: float) -> Summary:
    return Summary(
        routine_id=ROUTINE.id,
        name=ROUTINE.name,
        status=status,  # type: ignore[arg-type]
        total_seconds=total,
        paused_seconds=4.0,
        worked_seconds=sum(r.worked_seconds for r in results),
        planned_work_seconds=30.0,
        exercises=results,
    )


def _recorder(path: Path | None = None, **kw: object) -> tuple[HistoryRecorder, Clock]:
    clock = Clock()
    rec = HistoryRecorder(ROUTINE, TIMELINE, path=path, clock=clock, **kw)  # type: ignore[arg-type]
    return rec, clock


def _run_whole(rec: HistoryRecorder, clock: Clock) -> None:
    r0, r1, r2 = _res(0), _res(1, held=(35.5, 41.0)), _res(2, skipped=True)
    steps: list[tuple[float, list[Event]]] = [
        (0.0, [SegmentStarted(0.0, TIMELINE.segments[0])]),
        (30.0, [ExerciseFinished(30.0, r0)]),
        (120.0, [ExerciseFinished(120.0, r1)]),
        (
            121.0,
            [
                ExerciseSkipped(121.0, r2),
                SessionFinished(121.0, _summary("completed", (r0, r1, r2), 121.0)),
            ],
        ),
    ]
    start = clock.now
    for at, events in steps:
        clock.now = start + timedelta(seconds=at)
        rec.handle(events)


def test_a_whole_session_is_stored(isolated_dirs: Path) -> None:
    rec, clock = _recorder()
    _run_whole(rec, clock)
    rec.close()
    assert rec.notice is None
    with Store() as store:
        [s] = store.sessions()
        assert s["routine_id"] == "back" and s["routine_name"] == "Back basics"
        assert s["status"] == "completed"
        assert s["started_at"] == "2026-11-20T08:00:00.000Z"
        assert s["ended_at"] == "2026-11-20T08:02:01.000Z"
        assert s["planned_seconds"] == pytest.approx(TIMELINE.total)
        assert s["worked_seconds"] == pytest.approx(10 + 76.5)
        assert s["duration_seconds"] == 121.0 and s["paused_seconds"] == 4.0
        assert s["source_hash"] == routine_hash(ROUTINE)
        assert (s["exercises_done"], s["exercises_planned"]) == (2, 3)
        results = store.results()
        assert [(r["name"], r["kind"], r["skipped"]) for r in results] == [
            ("Cat-cow", "hold", False),
            ("Superman", "max", False),
            ("Bridge", "hold", True),
        ]
        assert results[1]["held_seconds"] == [35.5, 41.0]
    assert rec.describe()["saved"] is True
    assert rec.describe()["path"] == str(paths.history_db())


def test_each_exercise_is_committed_when_it_ends(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    rec, _clock = _recorder(path)
    rec.handle([SegmentStarted(0.0, TIMELINE.segments[0])])
    with Store(path) as other:  # another connection sees the running session at once
        assert other.sessions()[0]["status"] == "running"
        assert other.results() == []
    rec.handle([ExerciseFinished(30.0, _res(0))])
    with Store(path) as other:
        assert [r["name"] for r in other.results()] == ["Cat-cow"]
        assert other.sessions()[0]["duration_seconds"] == 30.0
    rec.close()


def test_stopped_and_pain_statuses(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    for status in ("stopped", "pain"):
        rec, _ = _recorder(path)
        r0 = _res(0)
        rec.handle([ExerciseFinished(30.0, r0)])
        rest = (r0, _res(1, skipped=True), _res(2, skipped=True))
        rec.handle([SessionStopped(40.0, _summary(status, rest, 40.0), "stopped")])
        assert rec.status == status
    with Store(path) as store:
        assert [s["status"] for s in store.sessions()] == ["pain", "stopped"]
        # results only the summary knew about (the exercises never reached) are stored too
        assert len(store.results()) == 6


def test_different_routine_text_gives_a_different_hash() -> None:
    longer = Routine(id="back", name="Back basics", exercises=ROUTINE.exercises[:2])
    assert routine_hash(longer) != routine_hash(ROUTINE)
    assert len(routine_hash(ROUTINE)) == 64


def test_source_hash_can_be_given(tmp_path: Path) -> None:
    rec, clock = _recorder(tmp_path / "h.sqlite3", source_hash="f" * 64)
    _run_whole(rec, clock)
    with Store(tmp_path / "h.sqlite3") as store:
        assert store.sessions()[0]["source_hash"] == "f" * 64


# ------------------------------------------------------------------ bad databases
def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _one_earlier_session(path: Path) -> None:
    rec, clock = _recorder(path)
    _run_whole(rec, clock)


def test_locked_database_session_goes_on_and_waits_in_the_journal(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    _one_earlier_session(path)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    slept: list[float] = []
    try:
        rec, clock = _recorder(path, busy_timeout=0.05, sleep=slept.append)
        clock.now += timedelta(days=1)
        _run_whole(rec, clock)  # does not raise
        rec.handle([ExerciseFinished(130.0, _res(2))])  # after the end: not ours
        assert rec.notice is not None
        assert rec.notice.startswith("history: this session is kept in ")
        assert "database is locked" in rec.notice and str(path) in rec.notice
        assert rec.notice.endswith("it is added at the next start")
        assert slept == [0.25, 0.5]  # tried three times at the end, backing off
        info = rec.describe()
        assert info["saved"] is False and info["pending"] is not None
        assert Path(info["pending"]).is_file()
        with Store(path) as store:  # readers are not blocked by the writer's lock (WAL)
            assert len(store.sessions()) == 1  # the earlier session, intact
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert pending.replay(path) == [
        "history: 1 session saved while the history was busy was added now"
    ]
    with Store(path) as store:
        newest = store.sessions()[0]
        assert (newest["status"], newest["exercises_done"]) == ("completed", 2)
        assert len(store.results()) == 6
        assert store.integrity() == "ok"
    assert not Path(info["pending"]).exists()
    assert pending.replay(path) == []  # nothing twice


def test_lock_taken_mid_session_and_released_loses_nothing(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    now = [0.0]
    rec, _clock = _recorder(path, busy_timeout=0.05, monotonic=lambda: now[0])
    rec.handle([ExerciseFinished(30.0, _res(0))])
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        rec.handle([ExerciseFinished(120.0, _res(1, held=(20.0,)))])
        assert rec.pending_file is not None and rec.pending_file.is_file()
        with Store(path) as other:
            assert [r["name"] for r in other.results()] == ["Cat-cow"]
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    now[0] = 100.0  # past the back-off: the next event writes everything
    rec.handle([ExerciseFinished(130.0, _res(2))])
    assert rec.notice is None and rec.pending_file is None
    with Store(path) as store:
        assert [r["name"] for r in store.results()] == ["Cat-cow", "Superman", "Bridge"]
        assert store.sessions()[0]["worked_seconds"] == pytest.approx(40.0)
        assert store.integrity() == "ok"
    assert not pending.pending_dir(path).exists() or not any(pending.pending_dir(path).iterdir())


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write into a read-only directory")
def test_unwritable_directory(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        rec, clock = _recorder(folder / "sub" / "h.sqlite3")
        _run_whole(rec, clock)
        assert rec.notice is not None
        assert rec.notice.startswith("history: could not save this session: ")
        assert "Permission denied" in rec.notice and str(folder) in rec.notice
    finally:
        folder.chmod(0o700)


def test_data_dir_that_is_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("not a folder")
    rec, clock = _recorder(blocker / "h.sqlite3")
    _run_whole(rec, clock)
    assert rec.notice is not None
    assert rec.notice.startswith("history: could not save this session: ")
    assert str(blocker) in rec.notice
    assert blocker.read_text() == "not a folder"


def test_newer_database_is_not_touched(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    _one_earlier_session(path)
    with Store(path) as store:
        store.query(f"PRAGMA user_version = {SCHEMA_VERSION + 3}")
        store.query("PRAGMA wal_checkpoint(TRUNCATE)")
    before = _digest(path)
    slept: list[float] = []
    rec, clock = _recorder(path, sleep=slept.append)
    _run_whole(rec, clock)
    assert rec.notice == (
        f"history: this session is kept in {rec.pending_file} until the history can be written "
        f"(the history database was written by a newer backtimer (schema {SCHEMA_VERSION + 3}; "
        f"this version knows {SCHEMA_VERSION}) ({path})); it is added at the next start"
    )
    assert slept == []  # waiting does not make it older: no retries
    assert _digest(path) == before
    assert pending.replay(path) == [
        f"history: 1 session saved while the history was busy waits in "
        f"{pending.pending_dir(path)} (the history database was written by a newer backtimer "
        f"(schema {SCHEMA_VERSION + 3}; this version knows {SCHEMA_VERSION}) ({path}))"
    ]
    assert _digest(path) == before


def test_disk_full_while_saving_an_exercise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk shows up as sqlite's "database or disk is full" on a write; simulated by
    making the second exercise's write fail that way."""
    path = tmp_path / "h.sqlite3"
    rec, _clock = _recorder(path)
    rec.handle([ExerciseFinished(30.0, _res(0))])

    def full(*_a: object, **_k: object) -> None:
        raise StoreError("database or disk is full", path)

    monkeypatch.setattr(Store, "save_session", full)
    rec.handle([ExerciseFinished(120.0, _res(1))])
    rec.handle([SessionFinished(121.0, _summary("completed", (_res(0), _res(1)), 121.0))])
    assert rec.notice == (
        f"history: this session is kept in {rec.pending_file} until the history can be "
        f"written (database or disk is full ({path})); it is added at the next start"
    )
    monkeypatch.undo()
    with Store(path) as store:
        assert [r["name"] for r in store.results()] == ["Cat-cow"]
        assert store.integrity() == "ok"
    assert pending.replay(path)[0].endswith("was added now")
    with Store(path) as store:
        [s] = store.sessions()
        assert s["status"] == "completed" and s["exercises_done"] == 2


def test_unexpected_error_never_reaches_the_session(tmp_path: Path) -> None:
    rec, _ = _recorder(tmp_path / "h.sqlite3")
    rec.handle([ExerciseFinished(30.0, "not a result")])  # type: ignore[arg-type]
    assert rec.notice is not None and rec.notice.startswith("history: could not save")


# ------------------------------------------------------------------ with the real engine
def _engine_run(path: Path, stop_after: int | None) -> HistoryRecorder:
    """Run ROUTINE through the real Engine in simulated time, open holds done after 33 s."""
    from backtimer.engine import Engine

    rec, clock = _recorder(path)
    start = clock.now
    engine = Engine(TIMELINE, max_gap=None)
    now = 0.0
    rec.handle(engine.start(now))
    finished = 0
    while engine.state not in ("finished", "stopped"):
        seg = engine.segment
        if seg is not None and seg.duration is None:  # an open-ended hold: held 33 s
            now += max(0.0, 33.0 - engine.elapsed(now))
            events = engine.advance(now) + engine.done(now)
        elif stop_after is not None and finished >= stop_after:
            events = engine.stop(now)
        else:
            wake = engine.next_wakeup(now)
            now = wake if wake is not None else now + 1.0
            events = engine.advance(now)
        clock.now = start + timedelta(seconds=now)
        finished += sum(isinstance(e, ExerciseFinished) for e in events)
        rec.handle(events)
    return rec


def test_real_engine_session_matches_its_summary(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    rec = _engine_run(path, stop_after=None)
    assert rec.notice is None and rec.status == "completed"
    with Store(path) as store:
        [s] = store.sessions()
        results = store.results()
    assert s["status"] == "completed" and s["exercises_done"] == 3
    assert [r["name"] for r in results] == [e.name for e in ROUTINE.exercises]
    superman = results[1]
    assert superman["kind"] == "max" and len(superman["held_seconds"]) == 2
    assert superman["best_hold"] == pytest.approx(33.0, abs=1.0)
    assert s["worked_seconds"] == pytest.approx(sum(r["worked_seconds"] for r in results))


def test_real_engine_stopped_after_the_first_exercise(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    rec = _engine_run(path, stop_after=1)
    assert rec.status == "stopped"
    with Store(path) as store:
        [s] = store.sessions()
        results = store.results()
    assert s["status"] == "stopped"
    assert results[0]["name"] == "Cat-cow" and not results[0]["skipped"]
    assert all(r["done_reps"] < 2 or r["skipped"] for r in results[1:])


# ------------------------------------------------------------------ through the Session facade
def _session_run(clock_step: float = 0.5) -> list[str]:
    from backtimer.usecases.session import Session

    short = Routine(
        id="short",
        name="Short",
        exercises=(
            Exercise(name="A", kind=WorkKind.HOLD, hold=2, reps=1, rest=1),
            Exercise(name="B", kind=WorkKind.HOLD, hold=2, reps=1),
        ),
    )
    session = Session(short, compile_timeline(short), sound=False, record=True)
    now = 100.0
    session.start(now)
    while session.engine.state not in ("finished", "stopped"):
        now += clock_step
        session.advance(now)
    session.close()
    return session.notices


def test_session_records_history_by_default() -> None:
    assert _session_run() == []
    with Store() as store:
        [s] = store.sessions()
        assert (s["routine_id"], s["status"], s["exercises_done"]) == ("short", "completed", 2)


def test_session_with_a_locked_database_runs_to_the_end_with_one_notice() -> None:
    Store().close()
    holder = sqlite3.connect(paths.history_db(), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        import backtimer.history.recorder as recorder_module

        original = recorder_module.HistoryRecorder.__init__

        def short_timeout(self: HistoryRecorder, *a: object, **kw: object) -> None:
            kw["busy_timeout"] = 0.05
            kw["sleep"] = lambda _s: None
            original(self, *a, **kw)  # type: ignore[arg-type]

        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(recorder_module.HistoryRecorder, "__init__", short_timeout)
            notices = _session_run()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    [notice] = notices
    assert notice.startswith("history: this session is kept in ")
    assert f"database is locked ({paths.history_db()})" in notice
    with Store() as store:
        assert store.sessions() == [] and store.integrity() == "ok"
    assert pending.replay()[0].endswith("was added now")
    with Store() as store:
        [s] = store.sessions()
        assert (s["status"], s["exercises_done"]) == ("completed", 2)


def test_closed_mid_session_is_interrupted_at_once(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    rec, clock = _recorder(path)
    rec.handle([ExerciseFinished(30.0, _res(0))])
    clock.now += timedelta(seconds=50)
    rec.close()  # the app quit mid-routine
    assert rec.status == "interrupted"
    with Store(path) as store:
        [s] = store.sessions()
        assert s["status"] == "interrupted"
        assert s["ended_at"] == "2026-11-20T08:00:50.000Z"
        assert [r["name"] for r in store.results()] == ["Cat-cow"]


FULL_DISK_DRIVER = """\
import resource, signal, sys
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from test_history_recorder import ROUTINE, TIMELINE, _res
from backtimer.events import ExerciseFinished
from backtimer.history.recorder import HistoryRecorder

path = Path(sys.argv[1])
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
limit = path.stat().st_size + 16 * 1024
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
rec = HistoryRecorder(ROUTINE, TIMELINE, path=path)
big = tuple(float(i) for i in range(3000))  # ~20 KB of JSON per result
for i in range(20):
    rec.handle([ExerciseFinished(30.0 * (i + 1), _res(i % 3, held=big))])
rec.close()
print(rec.notice)
"""


def test_file_size_limit_while_saving_is_one_notice_and_no_damage(tmp_path: Path) -> None:
    """For real: the recording process may not grow any file past 16 KB more than the
    database had (RLIMIT_FSIZE, as on a full disk the writes fail); the session loop runs
    to the end, one notice, what was stored before is intact."""
    import subprocess
    import sys

    path = tmp_path / "h.sqlite3"
    _one_earlier_session(path)
    with Store(path) as store:
        store.query("PRAGMA wal_checkpoint(TRUNCATE)")
    proc = subprocess.run(
        [sys.executable, "-c", FULL_DISK_DRIVER, str(path), str(Path(__file__).parent)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    notice = proc.stdout.strip()
    print(notice)
    assert notice.startswith("history: could not save this session: "), notice
    assert str(path) in notice
    with Store(path) as store:
        assert store.integrity() == "ok"
        sessions = store.sessions()
        assert sessions[-1]["status"] == "completed"  # the earlier one, untouched
        assert len([r for r in store.results() if r["session_id"] == sessions[-1]["id"]]) == 3
