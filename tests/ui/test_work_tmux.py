"""Work mode in a real terminal, tried as a new user would: `backtimer work --first 30s` in a
private tmux server, `pause`/`resume`/`status` from another "terminal" (subprocesses), and
a second `backtimer work` refused while the first runs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

BACKTIMER = Path(sys.executable).parent / "backtimer"


class Pane:
    def __init__(self, socket: str) -> None:
        self.socket = socket

    def tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args],
            check=False,
            capture_output=True,
            text=True,
            timeout=10,
        )
        return done.stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "work")

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "work", *keys)

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never appeared; the screen shows:\n{screen}")


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
def work(isolated_dirs: Path) -> Iterator[Pane]:
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed (CI installs it in .ci/run)")
    if not BACKTIMER.exists():
        pytest.skip(f"no backtimer script next to {sys.executable}; install the package first")
    socket = f"backtimer-work-test-{os.getpid()}"
    env = {
        "BACKTIMER_CONFIG_DIR": os.environ["BACKTIMER_CONFIG_DIR"],
        "BACKTIMER_DATA_DIR": os.environ["BACKTIMER_DATA_DIR"],
    }
    env_args = [arg for k, v in env.items() for arg in ("-e", f"{k}={v}")]
    command = (
        f"{BACKTIMER} work --first 30s --hours any --days 'every day' --no-sound --notify bell;"
        " echo EXIT=$?; sleep 30"
    )
    pane = Pane(socket)
    subprocess.run(
        ["tmux", "-L", socket, "-f", "/dev/null", "new-session", "-d", "-s", "work",
         "-x", "100", "-y", "30", *env_args, command],
        check=True,
        timeout=10,
        env={**os.environ, "TERM": "xterm-256color"},
    )  # fmt: skip
    try:
        yield pane
    finally:
        subprocess.run(
            ["tmux", "-L", socket, "kill-server"], check=False, capture_output=True, timeout=10
        )


def test_try_it_pause_resume_status_and_one_work_mode(work: Pane) -> None:
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


def test_the_first_break_comes_after_30_seconds(work: Pane) -> None:
    work.wait_for("Next break in")
    screen = work.wait_for("Time for a break", timeout=45)
    assert "Start (s)" in screen and "Snooze" in screen
    assert backtimer("status").stdout == "break due\n"
