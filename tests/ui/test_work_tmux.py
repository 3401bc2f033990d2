"""Work mode in a real terminal, tried as a new user would: `backtimer work --first 30s` in a
private tmux server, `pause`/`resume`/`status` from another "terminal" (subprocesses), and
a second `backtimer work` refused while the first runs."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.tmux_helpers import BACKTIMER, Terminal, backtimer_dirs, need_tmux_and_backtimer

pytestmark = pytest.mark.slow


def backtimer(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BACKTIMER), *argv],
        capture_output=True,
        text=True,
        timeout=60,
        env=os.environ.copy(),
        stdin=subprocess.DEVNULL,
        check=False,
    )


@pytest.fixture
def work(isolated_dirs: Path) -> Iterator[Terminal]:
    need_tmux_and_backtimer()
    pane = Terminal(backtimer_dirs(), name="work")
    pane.start(
        f"{BACKTIMER} work --first 30s --hours any --days 'every day' --no-sound --notify bell;"
        " echo EXIT=$?; sleep 30"
    )
    try:
        yield pane
    finally:
        pane.close()


def test_try_it_pause_resume_status_and_one_work_mode(work: Terminal) -> None:
    screen = work.wait_for("Next break in")
    assert "Break routine: Office chair break" in screen
    status = backtimer("status", "--json")
    assert status.returncode == 0, status.stderr
    data = json.loads(status.stdout)
    assert data["state"] == "working"
    assert 0 < data["seconds_left"] <= 30
    assert data["routine"]["id"] == "office-chair"

    second = backtimer("work")
    assert second.returncode == 1
    assert "work mode is already running (pid " in second.stderr

    paused = backtimer("pause", "2h")
    assert paused.returncode == 0, paused.stderr
    assert paused.stdout.startswith("Paused until ")
    work.wait_for("Paused until")
    assert backtimer("status").stdout.startswith("paused until ")
    assert json.loads(backtimer("status", "--json").stdout)["state"] == "paused"

    resumed = backtimer("resume")
    assert resumed.returncode == 0, resumed.stderr
    screen = work.wait_for("Reminders are back.")
    assert "no reminders (r resumes)" not in screen  # the caption is back to the countdown
    assert "Next break in" in screen
    assert backtimer("status").stdout == "break in 2h00m\n"

    work.keys("q")
    screen = work.wait_for("EXIT=0")
    assert "Traceback" not in screen
    assert backtimer("status").stdout.startswith("break in")  # saved as it left


def test_the_first_break_comes_after_30_seconds(work: Terminal) -> None:
    work.wait_for("Next break in")
    screen = work.wait_for("Time for a break", timeout=45)
    assert "Start (s)" in screen and "Snooze" in screen
    assert backtimer("status").stdout == "break due\n"
