"""The session screen holds still and stays out of the way: the digits keep their rows in
every kind of segment, help and the quit dialog pause a running session and show their own
keys, with the built-in neck set on a fake clock."""

from __future__ import annotations

import pytest
from textual.widgets import Footer

from backtimer.routine.library import load
from backtimer.ui.app import BacktimerApp
from backtimer.ui.screens.confirm import QuitConfirm
from backtimer.ui.screens.help import HelpScreen
from backtimer.ui.screens.session import SessionScreen
from backtimer.ui.widgets.countdown import Countdown
from tests.helpers.ui_helpers import (
    FakeClock,
    detail_text,
    screen_lines,
    shown_clock,
    state_word,
    step,
    text,
)


def neck_app() -> tuple[BacktimerApp, FakeClock]:
    clock = FakeClock()
    return BacktimerApp(load("neck"), clock=clock, sound=False, record=False), clock


def footer_keys(app: BacktimerApp) -> str:
    """The footer of the screen on top, as drawn on the last line."""
    assert app.screen.query_one(Footer).region.bottom == app.size.height
    return screen_lines(app)[-1]


@pytest.mark.parametrize("size", [(100, 30), (80, 24), (50, 16), (40, 12)])
async def test_the_digits_keep_their_rows_and_the_rep_count_stays(size: tuple[int, int]) -> None:
    app, clock = neck_app()
    async with app.run_test(size=size) as pilot:
        await step(pilot, clock, 0.5)
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        rows: dict[str, int] = {}
        details: list[tuple[str, str, str]] = []
        for _ in range(2 * 30):  # get ready (10 s), then holds of 3 s and relaxes of 2 s
            await step(pilot, clock, 0.5)
            kind = "relax" if screen.query_one("#band").has_class("-relax") else state_word(app)
            top = screen.query_one(Countdown).region.y
            assert rows.setdefault(kind, top) == top, (kind, rows)
            details.append((kind, text(app, "#band"), detail_text(app)))
        await pilot.press("space")
        await pilot.pause()
        assert state_word(app) == "PAUSED"
        rows["PAUSED"] = screen.query_one(Countdown).region.y
        assert {"GET READY", "WORK", "relax", "PAUSED"} <= set(rows)
        assert len(set(rows.values())) == 1, rows  # the same rows in every kind
        relaxes = [d for kind, band, d in details if kind == "relax"]
        assert relaxes and all(d.startswith("Rep ") for d in relaxes), details
        # the rep just done stays up until the next one starts
        assert ("relax", "Relax", "Rep 1/10") in details
        assert ("WORK", "Hold", "Rep 2/10") in details


async def test_help_pauses_a_running_session_and_closing_it_goes_on() -> None:
    app, clock = neck_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await step(pilot, clock, 2.5)
        assert shown_clock(app) == "0:08"
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "Close" in footer_keys(app) and "Next" not in footer_keys(app)
        clock.advance(30.0)  # reading the help for half a minute
        app.screen_stack[-2].tick()  # type: ignore[attr-defined]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert state_word(app) == "GET READY"  # going on, where it was
        assert shown_clock(app) == "0:08"
        await step(pilot, clock, 1.0)
        assert shown_clock(app) == "0:07"


async def test_help_leaves_a_paused_session_paused() -> None:
    app, clock = neck_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await step(pilot, clock, 1.0)
        await pilot.press("space")
        await pilot.press("question_mark")
        await pilot.pause()
        await pilot.press("question_mark")  # ? closes it too
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert state_word(app) == "PAUSED"


@pytest.mark.parametrize("size", [(80, 24), (40, 12)])
async def test_the_quit_dialog_shows_its_own_keys(size: tuple[int, int]) -> None:
    app, clock = neck_app()
    async with app.run_test(size=size) as pilot:
        await step(pilot, clock, 1.0)
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, QuitConfirm)
        keys = footer_keys(app)
        assert "n Keep going" in keys and "s Summary" in keys and "y Quit" in keys
        assert "Next" not in keys and "Pause" not in keys
        clock.advance(20.0)
        await pilot.press("n")
        await pilot.pause()
        assert state_word(app) == "GET READY"
        assert shown_clock(app) == "0:09"
