"""The app in a real terminal: tmux runs `backtimer run neck` at 100x30; the test reads
the screen with capture-pane and presses keys with send-keys, as a person would."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.tmux_helpers import BACKTIMER, Terminal, backtimer_dirs, need_tmux_and_backtimer

pytestmark = pytest.mark.slow


@pytest.fixture
def pane(isolated_dirs: Path) -> Iterator[Terminal]:
    need_tmux_and_backtimer()
    p = Terminal(backtimer_dirs())
    p.start(f"{BACKTIMER} run neck; echo EXIT=$?; sleep 30")
    try:
        yield p
    finally:
        p.close()


def countdown_rows(screen: str) -> list[str]:
    """The big digits: the lines made of block characters under the band."""
    return [
        line for line in screen.splitlines() if "██" in line and "▕" not in line and "%" not in line
    ]


def test_a_person_starts_pauses_and_quits_neck_in_tmux(pane: Terminal) -> None:
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
