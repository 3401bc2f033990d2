"""A session the history could not take (the database was locked past its end) is added at
the next start of `run --plain`, the app and `work`, with one notice, and only once."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from backtimer import paths
from backtimer.events import ExerciseFinished, SessionFinished, Summary
from backtimer.history import pending
from backtimer.history.recorder import HistoryRecorder
from backtimer.history.store import Store
from backtimer.ui.app import BacktimerApp
from backtimer.ui.work_app import WorkApp
from tests.test_history_recorder import ROUTINE, TIMELINE, _res

ADDED = "history: 1 session saved while the history was busy was added now"
BIN = Path(sys.executable).parent / "backtimer"
TINY = """
[routine]
name = "Tiny"

[defaults]
prepare = "0.2s"
rest = "0.2s"

[[exercise]]
name = "Chin tuck"
hold = "0.2s"
reps = 2
"""


def _kept_session() -> Path:
    """A completed session recorded while another connection held the file exclusively:
    it waits in the journal. Returns its journal file."""
    db = paths.history_db()
    Store(db).close()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        rec = HistoryRecorder(ROUTINE, TIMELINE, busy_timeout=0.01, sleep=lambda _s: None)
        results = (_res(0), _res(1), _res(2))
        summary = Summary(ROUTINE.id, ROUTINE.name, "completed", 60.0, 0.0, 30.0, 30.0, results)
        rec.handle([ExerciseFinished(20.0, results[0])])
        rec.handle([SessionFinished(60.0, summary)])
        assert rec.notice is not None and rec.pending_file is not None
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    return rec.pending_file


def _statuses() -> list[tuple[str, str]]:
    with Store() as store:
        return [(s["routine_id"], s["status"]) for s in store.sessions()]


def test_run_plain_adds_the_kept_session_first_with_one_note(tmp_path: Path) -> None:
    kept = _kept_session()
    tiny = tmp_path / "tiny.toml"
    tiny.write_text(TINY)
    command = [str(BIN), "run", str(tiny), "--plain", "--no-sound"]
    env = {**os.environ, "NO_COLOR": "1"}
    proc = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines.count(f"note: {ADDED}") == 1
    assert lines.index(f"note: {ADDED}") < 3  # under the header, before the session
    assert not kept.exists()
    assert sorted(_statuses()) == [("back", "completed"), ("tiny", "completed")]
    again = subprocess.run(
        command, capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert "saved while the history was busy" not in again.stdout
    assert len(_statuses()) == 3


def test_run_plain_shows_a_session_kept_aside_at_its_end(tmp_path: Path) -> None:
    """The other way round: this run's own session cannot be written (a newer schema)."""
    Store(paths.history_db()).close()
    with sqlite3.connect(paths.history_db()) as conn:
        conn.execute("PRAGMA user_version = 99")
    tiny = tmp_path / "tiny.toml"
    tiny.write_text(TINY)
    proc = subprocess.run(
        [str(BIN), "run", str(tiny), "--plain", "--no-sound"],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    [note] = [line for line in proc.stdout.splitlines() if "kept in" in line]
    assert note.startswith(f"note: history: this session is kept in {pending.pending_dir()}")
    assert "newer backtimer" in note


async def test_the_app_adds_the_kept_session_with_one_toast() -> None:
    kept = _kept_session()
    app = BacktimerApp(sound=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        toasts = [n.message for n in app._notifications]
    assert toasts.count(ADDED) == 1
    assert not kept.exists()
    assert _statuses() == [("back", "completed")]


async def test_work_mode_adds_the_kept_session_too() -> None:
    from backtimer.ui.screens.work import WorkScreen
    from tests.test_work_ui import MONDAY_10, SETTINGS, Clock, EngineSession, routines

    kept = _kept_session()
    clock = Clock(MONDAY_10)

    def screen() -> WorkScreen:
        return WorkScreen(SETTINGS, reading=clock.reading, loader=routines, sound=False)

    app = WorkApp(screen, clock=clock, sound=False, session_factory=EngineSession)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        toasts = [n.message for n in app._notifications]
        assert isinstance(app.screen, WorkScreen)
    assert toasts.count(ADDED) == 1
    assert not kept.exists()
    assert _statuses() == [("back", "completed")]


async def test_an_app_that_does_not_record_leaves_the_journal_alone() -> None:
    kept = _kept_session()
    app = BacktimerApp(sound=False, record=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
    assert kept.exists()
