"""Crash safety for real: a session process is killed with SIGKILL mid-routine; every
exercise that had finished is in the store, the session shows as interrupted, and the
database passes PRAGMA integrity_check."""

from __future__ import annotations

import importlib.util
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from backtimer.history.store import Store

ROUTINE = """\
[routine]
name = "Crash test"
description = "Short holds for the crash-safety test."

[defaults]
prepare = 0
rest = 0.5
rep_rest = 0.5
""" + "".join(
    f'\n[[exercise]]\nname = "{name}"\nhold = 0.5\nreps = 2\n'
    for name in ("One", "Two", "Three", "Four", "Five")
)

# Used while `backtimer run --plain` does not exist yet: the Session facade (engine +
# history recorder, no sound) driven with the real monotonic clock, as the plain runner does.
DRIVER = """\
import sys, time
from pathlib import Path
from backtimer.routine.loader import load_file
from backtimer.usecases.session import Session
from backtimer.timeline import compile

routine = load_file(Path(sys.argv[1]))
session = Session(routine, compile(routine), sound=False, record=True)
assert any(type(x).__name__ == "HistoryRecorder" for x in session.listeners), session.notices
session.start(time.monotonic())
while session.engine.state not in ("finished", "stopped"):
    wake = session.engine.next_wakeup(time.monotonic())
    time.sleep(0.05 if wake is None else min(0.2, max(0.0, wake - time.monotonic())))
    session.advance(time.monotonic())
session.close()
"""


def _command(routine: Path) -> tuple[list[str], str]:
    if importlib.util.find_spec("backtimer.cli.plain") is not None:
        return (
            [sys.executable, "-m", "backtimer", "run", str(routine), "--plain", "--no-sound"],
            "backtimer run --plain",
        )
    return [sys.executable, "-c", DRIVER, str(routine)], "Session driver (no plain runner yet)"


def _finished(db: Path) -> list[str]:
    if not db.exists():
        return []
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return [r[0] for r in conn.execute("SELECT name FROM exercise_results ORDER BY idx")]
    except sqlite3.Error:  # created but not migrated yet
        return []


@pytest.mark.slow
def test_sigkill_mid_routine_loses_nothing_finished(isolated_dirs: Path) -> None:
    routine = isolated_dirs / "crash-test.toml"
    routine.write_text(ROUTINE)
    db = isolated_dirs / "data" / "history.sqlite3"
    command, what = _command(routine)
    print(f"crash test drives: {what}")
    proc = subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "TERM": "dumb"},
    )
    try:
        deadline = time.monotonic() + 40
        seen: list[str] = []
        while len(seen) < 2:
            assert proc.poll() is None, f"{what} ended early: {proc.stderr.read()!r}"  # type: ignore[union-attr]
            assert time.monotonic() < deadline, "no exercise finished within 40 s"
            time.sleep(0.02)
            seen = _finished(db)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL

    with Store(db) as store:
        assert store.query("PRAGMA integrity_check") == [("ok",)]
        [session] = store.sessions()
        results = store.results()
    assert session["status"] == "interrupted"
    assert session["routine_name"] == "Crash test"
    names = [r["name"] for r in results]
    assert names[: len(seen)] == seen  # everything seen committed before the kill is there
    assert names == ["One", "Two", "Three", "Four", "Five"][: len(names)]
    assert len(names) < 5  # killed mid-routine
    for r in results:
        assert (r["done_reps"], r["skipped"]) == (2, False)
        assert r["worked_seconds"] == pytest.approx(1.0, abs=0.3)
    assert session["ended_at"] == results[-1]["ended_at"]
    assert session["worked_seconds"] == pytest.approx(sum(r["worked_seconds"] for r in results))
