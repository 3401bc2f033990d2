"""A real terminal for the tests that try backtimer as a person would: a private tmux
server (its own socket, so tests never meet) with one window at 100x30; the test reads the
screen with capture-pane, types with send-keys and asks tmux about the terminal's state."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

BACKTIMER = Path(sys.executable).parent / "backtimer"


def need_tmux_and_backtimer() -> None:
    """Skip, saying why, where a real terminal test cannot run."""
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed (CI installs it in .ci/run)")
    if not BACKTIMER.exists():
        pytest.skip(f"no backtimer script next to {sys.executable}; install the package first")


def backtimer_dirs() -> dict[str, str]:
    """This test's config and data folders (tests/conftest.py), for the window's env."""
    return {
        "BACKTIMER_CONFIG_DIR": os.environ["BACKTIMER_CONFIG_DIR"],
        "BACKTIMER_DATA_DIR": os.environ["BACKTIMER_DATA_DIR"],
    }


class Terminal:
    """One tmux server of its own, one window ("app") running a shell command."""

    def __init__(self, env: dict[str, str], name: str = "app", *, joined: bool = False) -> None:
        # a server of its own per test: the previous one may still be going away
        self.socket = f"backtimer-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.env = env
        self.name = name
        self.joined = joined  # capture a wrapped line as one

    def tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args],
            check=False,
            capture_output=True,
            text=True,
            timeout=10,
        )
        return done.stdout

    def start(self, command: str) -> None:
        env_args = [arg for k, v in self.env.items() for arg in ("-e", f"{k}={v}")]
        subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", "new-session", "-d", "-s", self.name,
             "-x", "100", "-y", "30", *env_args, command],
            check=True,
            timeout=10,
            env={**os.environ, "TERM": "xterm-256color"},
        )  # fmt: skip

    def screen(self) -> str:
        """What the window shows."""
        return self.tmux("capture-pane", "-p", *(["-J"] if self.joined else []), "-t", self.name)

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", self.name, *keys)

    def flag(self, name: str) -> str:
        return self.tmux("display", "-p", "-t", self.name, f"#{{{name}}}").strip()

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen shows:\n{screen}")

    def close(self) -> None:
        subprocess.run(
            ["tmux", "-L", self.socket, "kill-server"], check=False, capture_output=True, timeout=10
        )
