"""SIGTERM, SIGHUP and unexpected errors, in a real terminal: tmux (a private server) runs
backtimer, the test sends the signal to its process and then asks tmux whether the
terminal was given back (normal screen, mouse tracking off, cursor shown), reads the exit
code the shell printed and what history kept."""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.tmux_helpers import (
    BACKTIMER,
    Terminal,
    backtimer_dirs,
    need_tmux_and_backtimer,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="signals and tmux are POSIX only"),
]

PYTHON = sys.executable
# What a crash looks like from outside: an action that raises, in the real app.
CRASHING_PAUSE = (
    "import sys\n"
    "from backtimer.ui.screens import session\n"
    "def broken(self): raise ZeroDivisionError('a fault nobody expected')\n"
    "session.SessionScreen.action_pause = broken\n"
    "from backtimer.cli.main import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


class SignalTerminal(Terminal):
    """A terminal whose window runs one backtimer command and records its pid."""

    def __init__(self, env: dict[str, str], pidfile: Path) -> None:
        super().__init__(env, joined=True)
        self.pidfile = pidfile

    def run(self, *argv: str) -> None:
        """Run argv in the window; the shell prints EXIT=<code> when it ends."""
        script = f'echo $$ > {shlex.quote(str(self.pidfile))}; exec "$0" "$@"'
        quoted = " ".join(shlex.quote(a) for a in argv)
        command = f"sh -c {shlex.quote(script)} {quoted}; echo EXIT=$?; sleep 60"
        self.start(command)

    @property
    def pid(self) -> int:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            text = self.pidfile.read_text().strip() if self.pidfile.exists() else ""
            if text:
                return int(text)
            time.sleep(0.05)
        raise AssertionError("the process never started")

    def exit_code(self) -> int:
        screen = self.wait_for("EXIT=")
        line = next(line for line in screen.splitlines() if line.startswith("EXIT="))
        return int(line.removeprefix("EXIT="))

    def assert_given_back(self) -> None:
        """What a person needs after the app is gone: the shell's screen, no mouse
        reports typed into it, a visible cursor."""
        assert self.flag("alternate_on") == "0", "still on the alternate screen"
        for mouse in ("mouse_any_flag", "mouse_button_flag", "mouse_all_flag", "mouse_sgr_flag"):
            assert self.flag(mouse) == "0", f"{mouse} still on"
        assert self.flag("cursor_flag") == "1", "the cursor is still hidden"


@pytest.fixture
def terminal(isolated_dirs: Path, tmp_path: Path) -> Iterator[SignalTerminal]:
    need_tmux_and_backtimer()
    env = backtimer_dirs() | {
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / ".config"),
        "XDG_DATA_HOME": str(tmp_path / ".local" / "share"),
    }
    term = SignalTerminal(env, tmp_path / "pid")
    try:
        yield term
    finally:
        term.close()


def history_statuses() -> list[str]:
    done = subprocess.run(
        [str(BACKTIMER), "history", "--json"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return [s["status"] for s in json.loads(done.stdout)["sessions"]]


def wait_for_a_history_row() -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if history_statuses():
            return
        time.sleep(0.2)
    raise AssertionError("the session never reached history")


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_a_signal_during_a_session_gives_the_terminal_back_and_keeps_it_interrupted(
    terminal: SignalTerminal, signum: int, code: int
) -> None:
    terminal.run(str(BACKTIMER), "run", "neck", "--no-sound")
    terminal.wait_for("It hurts")  # the session runs, its keys are shown
    assert terminal.flag("alternate_on") == "1"
    wait_for_a_history_row()
    os.kill(terminal.pid, signum)
    assert terminal.exit_code() == code
    terminal.assert_given_back()
    assert "Traceback" not in terminal.screen()
    assert history_statuses() == ["interrupted"]


def test_sigterm_on_the_library_gives_the_terminal_back(terminal: SignalTerminal) -> None:
    terminal.run(str(BACKTIMER), "run")
    terminal.wait_for("Start")
    assert terminal.flag("alternate_on") == "1"
    os.kill(terminal.pid, signal.SIGTERM)
    assert terminal.exit_code() == 143
    terminal.assert_given_back()
    assert history_statuses() == []


def test_sigterm_in_work_mode_gives_the_terminal_back(terminal: SignalTerminal) -> None:
    terminal.run(str(BACKTIMER), "work", "--no-sound", "--hours", "any", "--notify", "off")
    terminal.wait_for("break", timeout=30)
    assert terminal.flag("alternate_on") == "1"
    os.kill(terminal.pid, signal.SIGTERM)
    assert terminal.exit_code() == 143
    terminal.assert_given_back()


def test_sighup_to_run_plain_keeps_the_session_interrupted(terminal: SignalTerminal) -> None:
    terminal.run(str(BACKTIMER), "run", "neck", "--plain", "--no-sound")
    terminal.wait_for("GET READY")
    wait_for_a_history_row()
    os.kill(terminal.pid, signal.SIGHUP)
    assert terminal.exit_code() == 129
    screen = terminal.screen()
    assert "interrupted by SIGHUP" in screen
    assert "Traceback" not in screen
    assert history_statuses() == ["interrupted"]
    terminal.keys("x")  # the terminal echoes again (cbreak mode was undone)
    terminal.wait_for("EXIT=129\nx")


def test_an_unexpected_error_gives_the_terminal_back_and_names_its_log(
    terminal: SignalTerminal, isolated_dirs: Path
) -> None:
    terminal.run(PYTHON, "-c", CRASHING_PAUSE, "run", "neck", "--no-sound")
    terminal.wait_for("It hurts")
    wait_for_a_history_row()
    terminal.keys("Space")  # pause: the action raises
    assert terminal.exit_code() == 70
    terminal.assert_given_back()
    screen = terminal.screen()
    assert "Traceback" not in screen
    logs = sorted((isolated_dirs / "data" / "logs").glob("crash-*.log"))
    assert len(logs) == 1
    assert "ZeroDivisionError: a fault nobody expected" in logs[0].read_text()
    lines = [line for line in screen.splitlines() if line.startswith("backtimer:")]
    assert lines == [
        f"backtimer: unexpected error (ZeroDivisionError); the details are in {logs[0]}"
    ]
    assert history_statuses() == ["interrupted"]
