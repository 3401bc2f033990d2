"""The terminal driver in a real terminal (tmux): the input thread sleeps until a key, and
everything a person does with the keyboard still arrives: a lone Escape, keys after the
editor had the terminal, quitting gives the terminal back."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.tmux_helpers import BACKTIMER, Terminal, backtimer_dirs, need_tmux_and_backtimer

pytestmark = pytest.mark.slow


@pytest.fixture
def terminal(isolated_dirs: Path) -> Iterator[Terminal]:
    need_tmux_and_backtimer()
    term = Terminal(backtimer_dirs())
    try:
        yield term
    finally:
        term.close()


def wakeups(pid: int) -> int:
    """How many times the scheduler has run any thread of `pid` (schedstat's third field)."""
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            total += int(Path(f"/proc/{pid}/task/{tid}/schedstat").read_text().split()[2])
        except (OSError, IndexError, ValueError):
            continue  # a thread that ended meanwhile
    return total


def wait_until_gone(term: Terminal, text: str, timeout: float = 5.0) -> str:
    deadline = time.monotonic() + timeout
    screen = term.screen()
    while text in screen and time.monotonic() < deadline:
        time.sleep(0.05)
        screen = term.screen()
    return screen


def test_the_library_left_open_wakes_nothing(terminal: Terminal) -> None:
    """Left open, the library costs no CPU: no thread of the app is woken while nothing
    happens (Textual's own driver wakes its input thread ten times a second)."""
    terminal.start(f"{BACKTIMER}")
    # the pane stays once the app has quit, to be read: it may quit before the next look
    terminal.tmux("set-option", "-w", "-t", terminal.name, "remain-on-exit", "on")
    terminal.wait_for("Quit")
    pid = int(terminal.flag("pane_pid"))
    time.sleep(1.0)  # past the first frame's work (the footer, the history)
    before = wakeups(pid)
    time.sleep(3.0)
    assert wakeups(pid) - before <= 3
    terminal.keys("q")
    deadline = time.monotonic() + 5
    while terminal.flag("pane_dead") != "1" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert terminal.flag("pane_dead") == "1"  # still answers keys after sleeping: q quits
    assert terminal.flag("alternate_on") == "0"  # the terminal is given back


def test_a_lone_escape_is_a_key(terminal: Terminal) -> None:
    """Escape arrives alone (no byte after it): the driver delivers it after the parser's
    short wait, although the input thread otherwise sleeps until a key."""
    terminal.start(f"{BACKTIMER} run neck; echo EXIT=$?; sleep 30")
    terminal.wait_for("It hurts")
    terminal.keys("q")
    terminal.wait_for("Stop this session?")
    started = time.monotonic()
    terminal.keys("Escape")
    screen = wait_until_gone(terminal, "Stop this session?")
    assert "Stop this session?" not in screen  # Escape: keep going
    assert time.monotonic() - started < 2.0
    terminal.keys("q")
    terminal.wait_for("Stop this session?")
    terminal.keys("y")
    assert "Traceback" not in terminal.wait_for("EXIT=0")


def test_keys_reach_the_editor_and_then_the_app_again(
    terminal: Terminal, isolated_dirs: Path
) -> None:
    """`e` hands the terminal to $EDITOR (the app suspends its driver) and takes it back:
    what the person types goes to the editor while it runs, then to the app again."""
    typed = isolated_dirs / "typed.txt"
    editor = isolated_dirs / "editor.sh"
    editor.write_text(
        f'#!/bin/sh\necho "EDITOR READY"\nread line\nprintf "%s" "$line" > "{typed}"\n',
        encoding="utf-8",
    )
    editor.chmod(0o755)
    terminal.env = {**terminal.env, "EDITOR": str(editor), "VISUAL": str(editor)}
    terminal.start(f"{BACKTIMER}; echo EXIT=$?; sleep 30")
    terminal.wait_for("Quit")
    terminal.keys("/")
    terminal.keys("-l", "neck")
    terminal.keys("Enter")
    terminal.keys("e")
    terminal.wait_for("EDITOR READY")
    terminal.keys("-l", "hello editor")
    terminal.keys("Enter")
    terminal.wait_for("Quit")  # back in the library
    assert typed.read_text(encoding="utf-8") == "hello editor"
    terminal.keys("q")
    assert "Traceback" not in terminal.wait_for("EXIT=0")
