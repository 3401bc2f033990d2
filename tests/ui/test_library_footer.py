"""The library's footer at 80 columns: with a filter applied, "esc Clear filter" is whole."""

from __future__ import annotations

from backtimer.ui.app import BacktimerApp
from backtimer.ui.screens.library import LibraryScreen
from backtimer.ui.screens.stats import StatsScreen
from tests.helpers.ui_helpers import FakeClock, make_app


def bottom_line(app: BacktimerApp) -> str:
    """The last line of the terminal, as drawn."""
    strips = app.screen._compositor.render_strips()
    return "".join(segment.text for segment in strips[-1]).rstrip()


async def test_clear_filter_fits_80_columns_while_a_filter_is_applied() -> None:
    app = make_app(FakeClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        footer = bottom_line(app)
        assert "s Stats" in footer and "w Work mode" in footer and "q Quit" in footer
        await pilot.press("slash", "s", "a", "m", "enter")  # filter, then back to the list
        await pilot.pause()
        assert app.screen.focused is app.screen.query_one("#routines")
        footer = bottom_line(app)
        assert footer.endswith("esc Clear filter"), footer
        assert "⏎ Start" in footer and "q Quit" in footer
        # Stats and Work mode made room, but their keys still work
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)


async def test_esc_brings_back_the_whole_footer() -> None:
    app = make_app(FakeClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("slash", "s", "a", "m", "enter", "escape")
        await pilot.pause()
        footer = bottom_line(app)
        assert "w Work mode" in footer and "Clear filter" not in footer
