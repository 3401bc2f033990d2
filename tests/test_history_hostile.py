"""The history file as untrusted input: damaged, hostile, read-only. Every case gives one
clear line naming the file and what is wrong (never a traceback), never changes or loses
the file, and a session recorded on top of it still ends up saved."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from backtimer import paths
from backtimer.cli.main import main
from backtimer.events import ExerciseResult
from backtimer.history import pending
from backtimer.history.store import SCHEMA_VERSION, Store, StoreError
from backtimer.routine.model import Exercise, Routine, WorkKind
from backtimer.timeline import compile as compile_timeline
from backtimer.usecases.session import Session

SHORT = Routine(
    id="short",
    name="Short",
    exercises=(
        Exercise(name="A", kind=WorkKind.HOLD, hold=1, reps=1, rest=1),
        Exercise(name="B", kind=WorkKind.HOLD, hold=1, reps=1),
    ),
)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _good(path: Path, sessions: int = 1) -> None:
    with Store(path) as store:
        for n in range(sessions):
            at = datetime(2026, 11, 1 + n % 28, 9, tzinfo=UTC)
            sid = store.start_session(
                routine_id="back",
                name="Back basics",
                source_hash="h" * 64,
                started_at=at,
                planned_seconds=600,
                exercises_planned=1,
            )
            res = ExerciseResult(0, "Cat-cow", 2, 1, 0, 10.0, 2, 1, 0, 10.0)
            store.add_result(sid, res, kind="hold", ended_at=at, session_seconds=60)
            store.finish_session(
                sid,
                status="completed",
                ended_at=at,
                worked_seconds=10,
                duration_seconds=60,
                paused_seconds=0,
            )
        store.query("PRAGMA wal_checkpoint(TRUNCATE)")


def _record_short() -> list[str]:
    """A real session through the Session facade and its default recorder."""
    session = Session(SHORT, compile_timeline(SHORT), sound=False, record=True, max_gap=None)
    now = 0.0
    session.start(now)
    while session.engine.state not in ("finished", "stopped"):
        now += 0.5
        session.advance(now)
    session.close()
    return session.notices


def _sql(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for statement in statements:
            conn.execute(statement)
    finally:
        conn.close()


# --------------------------------------------------------------------- damaged files
def _not_sqlite(path: Path) -> None:
    path.write_bytes(b"history? no.\n" * 500)


def _truncated(path: Path) -> None:
    _good(path, sessions=300)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


def _negative_version(path: Path) -> None:
    _good(path)
    _sql(path, "PRAGMA user_version = -5")


def _missing_table(path: Path) -> None:
    _good(path)
    _sql(path, "DROP TABLE breaks")


def _missing_column(path: Path) -> None:
    _good(path)
    _sql(path, "DROP INDEX sessions_days", "ALTER TABLE sessions DROP COLUMN status")


def _other_program(path: Path) -> None:
    _sql(path, "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    _sql(path, "INSERT INTO notes (text) VALUES ('mine')")


DAMAGED: dict[str, tuple[Callable[[Path], None], str]] = {
    "not SQLite": (_not_sqlite, "the file is not an SQLite database"),
    "truncated": (_truncated, "the history database is damaged (database disk image is "),
    "negative user_version": (
        _negative_version,
        "the history database has schema version -5, which no backtimer writes",
    ),
    "missing table": (_missing_table, "the history database has no table 'breaks'"),
    "missing column": (
        _missing_column,
        "the history database's table 'sessions' has no column 'status'",
    ),
    "another program's database": (
        _other_program,
        "the file is an SQLite database but not a backtimer history (schema version 0 with "
        "tables: notes)",
    ),
}


@pytest.mark.parametrize("case", list(DAMAGED))
def test_damaged_file_is_one_clear_line_and_left_as_it_is(
    case: str, capsys: pytest.CaptureFixture[str]
) -> None:
    make, reason = DAMAGED[case]
    db = paths.history_db()
    make(db)
    before = _digest(db)
    for command in (["history"], ["stats"], ["history", "--json"], ["stats", "--json"]):
        assert main(command) == 1, command
        captured = capsys.readouterr()
        err = captured.err.splitlines()
        assert len(err) == 1, captured.err
        assert err[0].startswith(f"backtimer: cannot read the history: {reason}"), err[0]
        assert err[0].endswith(f"({db})")
        assert "Traceback" not in captured.err
    assert _digest(db) == before


@pytest.mark.parametrize("case", list(DAMAGED))
def test_a_session_on_a_damaged_file_moves_it_aside_and_is_saved(case: str) -> None:
    make, reason = DAMAGED[case]
    db = paths.history_db()
    make(db)
    before = _digest(db)
    notices = _record_short()
    [moved] = db.parent.glob("history.sqlite3.damaged-*[0-9TZ]")
    assert _digest(moved) == before  # the old file, byte for byte, under a new name
    assert len(notices) == 1
    assert notices[0].startswith(f"history: {db} could not be used ({reason}")
    assert notices[0].endswith(f"it was moved to {moved.name} and a new history was started")
    with Store(db) as store:
        [s] = store.sessions()
        assert (s["routine_id"], s["status"], s["exercises_done"]) == ("short", "completed", 2)


def test_newer_or_huge_user_version_is_never_written(capsys: pytest.CaptureFixture[str]) -> None:
    db = paths.history_db()
    _good(db)
    _sql(db, f"PRAGMA user_version = {2**31 - 1}")
    before = _digest(db)
    assert main(["history"]) == 1
    assert "written by a newer backtimer (schema 2147483647; this version knows " in (
        capsys.readouterr().err
    )
    [notice] = _record_short()
    assert notice.startswith("history: this session is kept in ")
    assert _digest(db) == before
    assert not list(db.parent.glob("*.damaged-*"))
    # back to a version this backtimer knows: the session is added at the next start
    _sql(db, f"PRAGMA user_version = {SCHEMA_VERSION}")
    assert pending.replay() == ["history: 1 session saved while the history was busy was added now"]
    with Store(db) as store:
        assert [s["routine_id"] for s in store.sessions()] == ["short", "back"]


@pytest.mark.parametrize("kind", ["directory", "fifo"])
def test_something_else_at_the_history_path(kind: str, capsys: pytest.CaptureFixture[str]) -> None:
    db = paths.history_db()
    if kind == "directory":
        db.mkdir()
    else:
        os.mkfifo(db)
    assert main(["history"]) == 1  # no hang on a FIFO
    err = capsys.readouterr().err
    assert (
        err
        == f"backtimer: cannot read the history: the history path is not a regular file ({db})\n"
    )
    [notice] = _record_short()
    assert notice.startswith("history: this session is kept in ")
    assert "the history path is not a regular file" in notice


def test_store_errors_say_damaged_only_when_waiting_cannot_help(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    _not_sqlite(path)
    with pytest.raises(StoreError) as info:
        Store(path)
    assert info.value.damaged and not info.value.busy
    good = tmp_path / "g.sqlite3"
    _good(good)
    holder = sqlite3.connect(good, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with Store(good, busy_timeout=0.05) as store, pytest.raises(StoreError) as busy:
            store.record_break("due")
        assert busy.value.busy and not busy.value.damaged
    finally:
        holder.execute("ROLLBACK")
        holder.close()


# --------------------------------------------------------------------- hostile values
HOSTILE = [
    "UPDATE sessions SET routine_name = x'ff00fe', duration_seconds = 'abc', "
    "started_at = 'garbage', local_day = 'not a day', exercises_planned = 1e300, "
    "pid = 4611686018427387904, source_hash = 42",
    "UPDATE exercise_results SET held_seconds = '" + "[" * 5000 + "]" * 5000 + "', "
    "best_hold = 'x', "
    "name = x'00', worked_seconds = 1e999",
    "INSERT INTO hold_bests VALUES ('back', 'Cat-cow', 'Back', 'x', 1, 'no day')",
    "INSERT INTO breaks (kind, at, reason) VALUES ('due', 'zz', x'ff')",
    "INSERT INTO breaks (kind, at, reason) VALUES ('started', 'also not a time', NULL)",
    "INSERT INTO sessions (routine_id, routine_name, started_at, local_day, status, "
    "duration_seconds) VALUES ('big', 'Big', '2026-11-02T09:00:00.000Z', date('now'), "
    "'completed', 9223372036854775807)",
    "INSERT INTO sessions (routine_id, routine_name, started_at, local_day, status, "
    "duration_seconds) VALUES ('big', 'Big', '2026-11-03T09:00:00.000Z', date('now'), "
    "'completed', 9223372036854775807)",
]


def test_values_of_the_wrong_type_are_read_not_fatal(capsys: pytest.CaptureFixture[str]) -> None:
    db = paths.history_db()
    _good(db)
    _sql(db, "PRAGMA ignore_check_constraints = 1", *HOSTILE)
    before = _digest(db)
    for command in (["history"], ["history", "--all"], ["stats"]):
        assert main(command) == 0, command
        captured = capsys.readouterr()
        assert "Traceback" not in captured.err
        assert captured.err.startswith("backtimer: note: "), captured.err
        assert "are not what backtimer writes and are shown as 0 or as text" in captured.err
    assert main(["history", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    bad = next(s for s in data["sessions"] if s["routine_id"] == "back")
    assert bad["routine_name"] == "\ufffd\x00\ufffd" and bad["duration_seconds"] == 0.0
    assert bad["exercises"][0]["held_seconds"] == []
    assert [b["reason"] for b in data["breaks"]] == [None, "\ufffd"]
    assert main(["history", "--csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 4  # header, the damaged session's result, two sessions without results
    assert main(["stats", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["sessions"] == 3
    assert _digest(db) == before  # reading never "repairs" anything
    assert _record_short() == []  # and recording goes on beside the odd rows
    with Store(db) as store:
        assert "short" in [s["routine_id"] for s in store.sessions()]


def test_a_running_row_with_an_impossible_pid_is_closed_without_a_crash() -> None:
    db = paths.history_db()
    _good(db)
    _sql(db, "UPDATE sessions SET status = 'running', pid = 4611686018427387904")
    _sql(
        db,
        "INSERT INTO sessions (routine_id, routine_name, started_at, local_day, pid) "
        "VALUES ('b', 'B', '2026-11-02T09:00:00.000Z', '2026-11-02', 'text pid')",
    )
    with Store(db) as store:
        assert [s["status"] for s in store.sessions()] == ["interrupted", "interrupted"]


def test_control_characters_in_names_are_stored_as_they_are() -> None:
    name = "Evil\x1b]52;c;aGk=\x07\x9b31m"
    routine = Routine(id="evil", name=name, exercises=SHORT.exercises)
    session = Session(routine, compile_timeline(routine), sound=False, record=True, max_gap=None)
    session.start(0.0)
    session.stop(0.5)
    session.close()
    with Store() as store:
        assert store.sessions()[0]["routine_name"] == name


# --------------------------------------------------------------------- bounded options
def test_history_n_beyond_any_integer_sqlite_takes(capsys: pytest.CaptureFixture[str]) -> None:
    _good(paths.history_db(), sessions=3)
    assert main(["history", "-n", "99999999999999999999999"]) == 0
    out = capsys.readouterr().out
    assert out.count("Back basics") == 3 and "of 3 sessions" not in out
    assert main(["history", "-n", "-99999999999999999999999"]) == 0
    assert capsys.readouterr().out.count("Back basics") == 1
    with Store() as store:
        assert len(store.sessions(10**30)) == 3 and store.sessions(-(10**30)) == []


# --------------------------------------------------------------------- read-only
def test_read_only_store_reads_and_writes_nothing(tmp_path: Path) -> None:
    """The writability check is injectable: a file it calls unwritable is opened with
    mode=ro: no migration, no orphan clean-up, no byte changed."""
    db = tmp_path / "h.sqlite3"
    _good(db)
    _sql(db, "UPDATE sessions SET status = 'running', pid = 999999999")  # a dead process
    before = _digest(db)
    with Store(db, create=False, can_write=lambda _p: False) as store:
        assert store.read_only
        assert [s["status"] for s in store.sessions()] == ["running"]
        with pytest.raises(StoreError, match="readonly"):
            store.record_break("due")
    assert _digest(db) == before
    empty = tmp_path / "empty.sqlite3"
    empty.write_bytes(b"")
    with pytest.raises(StoreError, match="no history yet"):
        Store(empty, create=False, can_write=lambda _p: False)
    assert empty.read_bytes() == b""


@pytest.fixture
def world_readable() -> Iterator[Path]:
    """A folder another user can reach (pytest's tmp_path is private to its owner)."""
    folder = Path(tempfile.mkdtemp(prefix="backtimer-ro-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        for p in [folder, *folder.rglob("*")]:
            p.chmod(0o755 if p.is_dir() else 0o644)
        shutil.rmtree(folder)


def _as_nobody(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    setpriv = shutil.which("setpriv")
    if os.geteuid() == 0:
        if setpriv is None:
            pytest.skip("needs setpriv to run backtimer as another user than root")
        prefix = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "--"]
    else:
        prefix = []
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(data),
        "BACKTIMER_DATA_DIR": str(data / "data"),
        "BACKTIMER_CONFIG_DIR": str(data / "config"),
    }
    return subprocess.run(
        [*prefix, sys.executable, "-m", "backtimer", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("with_wal", [False, True])
def test_history_and_stats_read_a_folder_the_user_cannot_write(
    world_readable: Path, with_wal: bool
) -> None:
    """For real: a non-root process (setpriv to nobody when the tests run as root) and a
    data folder and file it may only read; with and without a -wal file left beside it."""
    data = world_readable / "data"
    data.mkdir()
    db = data / "history.sqlite3"
    _good(db, sessions=2)
    holder = None
    if with_wal:  # a -wal / -shm pair with a committed session not yet in the main file
        holder = sqlite3.connect(db, isolation_level=None)
        holder.execute("PRAGMA wal_autocheckpoint = 0")
        holder.execute(
            "INSERT INTO sessions (routine_id, routine_name, started_at, local_day, status) "
            "VALUES ('late', 'Late one', '2026-11-20T09:00:00.000Z', '2026-11-20', 'completed')"
        )
    try:
        (world_readable / "config").mkdir()
        for p in (db, *data.glob("history.sqlite3-*")):
            p.chmod(0o444)
        data.chmod(0o555)
        before = _digest(db)
        history = _as_nobody(world_readable, "history")
        stats = _as_nobody(world_readable, "stats", "--json")
        after = _digest(db)  # before the holder's close checkpoints its WAL
    finally:
        if holder is not None:
            holder.close()
    assert history.returncode == 0, history.stderr
    assert "Traceback" not in history.stderr
    assert history.stdout.count("Back basics") == 2
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["sessions"] == (3 if with_wal else 2)
    if with_wal:
        assert "Late one" in history.stdout
    assert after == before


def _read_only_mount_works(folder: Path) -> bool:
    probe = subprocess.run(
        [
            "unshare",
            "-m",
            "sh",
            "-c",
            f"mount --bind {folder} {folder} && mount -o remount,bind,ro {folder}",
        ],
        capture_output=True,
        check=False,
    )
    return probe.returncode == 0


def test_history_and_stats_read_a_read_only_file_system(tmp_path: Path) -> None:
    """For real, even as root: the data folder bind-mounted read-only in a private mount
    namespace (EROFS). `history` and `stats` read it; and a Store told the file is writable
    falls back to read-only when opening it for writing fails."""
    if shutil.which("unshare") is None or not _read_only_mount_works(tmp_path):
        pytest.skip("needs unshare -m and mount (root in a mount namespace) for a read-only mount")
    data = tmp_path / "data"
    data.mkdir()
    db = data / "history.sqlite3"
    _good(db, sessions=2)
    before = _digest(db)
    forced = (
        "from pathlib import Path; from backtimer.history.store import Store; "
        f"s = Store(Path({str(db)!r}), create=False, can_write=lambda p: True); "
        "print('forced', s.read_only, len(s.sessions()))"
    )
    script = (
        f"mount --bind {data} {data} && mount -o remount,bind,ro {data} && "
        f"{sys.executable} -m backtimer history && {sys.executable} -m backtimer stats --json "
        f'&& {sys.executable} -c "{forced}"'
    )
    env = {**os.environ, "BACKTIMER_DATA_DIR": str(data), "NO_COLOR": "1"}
    proc = subprocess.run(
        ["unshare", "-m", "sh", "-c", script],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout.count("Back basics") == 2
    assert '"sessions": 2' in proc.stdout
    assert proc.stdout.strip().endswith("forced True 2")
    assert _digest(db) == before
