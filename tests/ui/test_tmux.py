"""The app in a real terminal: tmux runs `backtimer run neck` at 100x30; the test reads
the screen with capture-pane and presses keys with send-keys, as a person would."""

from __future__ import annotations

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
        return self.tmux("capture-pane", "-p", "-t", "app")

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "app", *keys)

    def wait_for(self, text: str, timeout: float = 15.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen shows:\n{screen}")


@pytest.fixture
def pane(isolated_dirs: Path) -> Iterator[Pane]:
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed (CI installs it in .ci/run)")
    if not BACKTIMER.exists():
        pytest.skip(f"no backtimer script next to {sys.executable}; install the package first")
    socket = f"backtimer-test-{os.getpid()}"
    env = {
        "BACKTIMER_CONFIG_DIR": os.environ["BACKTIMER_CONFIG_DIR"],
        "BACKTIMER_DATA_DIR": os.environ["BACKTIMER_DATA_DIR"],
    }
    env_args = [arg for k, v in env.items() for arg in ("-e", f"{k}={v}")]
    command = f"{BACKTIMER} run neck; echo EXIT=$?; sleep 30"
    p = Pane(socket)
    subprocess.run(
        ["tmux", "-L", socket, "-f", "/dev/null", "new-session", "-d", "-s", "app",
         "-x", "100", "-y", "30", *env_args, command],
        check=True,
        timeout=10,
        env={**os.environ, "TERM": "xterm-256color"},
    )  # fmt: skip
    try:
        yield p
    finally:
        subprocess.run(
            ["tmux", "-L", socket, "kill-server"], check=False, capture_output=True, timeout=10
        )


def countdown_rows(screen: str) -> list[str]:
    """The big digits: the lines made of block characters under the band."""
    return [
        line for line in screen.splitlines() if "██" in line and "▕" not in line and "%" not in line
    ]


def test_a_person_starts_pauses_and_quits_neck_in_tmux(pane: Pane) -> None:
    screen = pane.wait_for("GET READY")
    assert "Neck retraction" in screen
    assert "Get ready" in screen
    assert "Next: Neck retraction — hold 3 s x 10" in screen
    assert len(countdown_rows(screen)) == 5  # the block-font countdown at 100x30
    screen = pane.wait_for("It hurts")  # the footer, shown just after the first frame
    assert "space Pause" in screen

    pane.keys("Space")
    screen = pane.wait_for("PAUSED")
    assert "Paused — press space to go on" in screen
    frozen = countdown_rows(screen)
    time.sleep(1.6)
    assert countdown_rows(pane.screen()) == frozen  # paused: the countdown stands still
    assert "space Resume" in pane.screen()

    pane.keys("q")
    screen = pane.wait_for("Stop this session?")
    assert "Keep going" in screen and "Quit" in screen
    pane.keys("n")
    deadline = time.monotonic() + 5
    while "Stop this session?" in pane.screen() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "Stop this session?" not in pane.screen()
    assert "PAUSED" in pane.screen()  # it was paused before the question: still paused

    pane.keys("Space")
    pane.wait_for("GET READY")
    pane.keys("q")
    pane.wait_for("Stop this session?")
    pane.keys("y")
    screen = pane.wait_for("EXIT=0")
    assert "Traceback" not in screen
