"""The Stats screen as a person sees it, driven with Textual's Pilot."""

from __future__ import annotations

import os
import sqlite3
from datetime import date, datetime, time, timedelta
from pathlib import Path

from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.widgets import Label

from backtimer.events import ExerciseResult
from backtimer.history.store import SCHEMA_VERSION, Store
from backtimer.ui.screens.stats import StatsScreen, bar_rows, heat_grid

TODAY = date(2026, 11, 19)  # Thursday


class Host(App[None]):
    def __init__(self, screen: StatsScreen) -> None:
        super().__init__()
        self.stats_screen = screen

    def compose(self) -> ComposeResult:
        yield Label("host")

    def on_mount(self) -> None:
        self.push_screen(self.stats_screen)


def screen_text(app: App[None]) -> str:
    out = []
    for widget in app.screen.query("Static, Label, MinutesChart, Heatmap"):
        if not widget.region.height:
            continue
        rendered = widget.render_lines(Region(0, 0, *widget.outer_size))
        out.extend(strip.text.rstrip() for strip in rendered)
    return "\n".join(line for line in out if line.strip())


def _fill(path: Path) -> None:
    with Store(path) as store:
        for offset, minutes, held in ((-2, 10, (30.0,)), (-1, 20, (34.0,)), (0, 40, (41.0,))):
            day = TODAY + timedelta(days=offset)
            start = datetime.combine(day, time(12)).astimezone()
            sid = store.start_session(
                routine_id="back",
                name="Back basics",
                source_hash="x",
                started_at=start,
                planned_seconds=900,
                exercises_planned=2,
            )
            res = ExerciseResult(1, "Superman", 1, 1, 0, 30.0, 1, 1, 0, sum(held), held)
            store.add_result(sid, res, kind="max", ended_at=start, session_seconds=60)
            store.finish_session(
                sid,
                status="completed",
                ended_at=start,
                worked_seconds=60,
                duration_seconds=minutes * 60,
                paused_seconds=0,
            )


async def _open(path: Path | None, size: tuple[int, int] = (100, 50)) -> tuple[App[None], str]:
    app = Host(StatsScreen(path, today=TODAY))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        shown = screen_text(app)
        assert isinstance(app.screen, StatsScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, StatsScreen)
    return app, shown


async def test_stats_screen_shows_streak_chart_heatmap_and_bests(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    _fill(path)
    _app, shown = await _open(path)
    assert "Your progress" in shown
    assert " 3  days in a row" in shown and "longest 3" in shown
    assert "Last 4 weeks: 3 sessions (3 completed), 70 min" in shown
    assert "40 min │" in shown  # the chart's top is the busiest day
    assert "Minutes per day, last 4 weeks" in shown
    heat = shown[shown.index("Active days") :].splitlines()
    assert heat[1].startswith("Mon · · ·") and "less · ░ ▒ ▓ █ more" in shown
    this_week = [heat[1 + d].split()[-1] for d in range(4)]
    assert this_week == ["·", "░", "░", "░"]  # one session on each of Tue, Wed, Thu (today)
    assert len(heat[1 + 4].split()) == len(heat[1].split()) - 1  # Friday has not come yet
    assert "Back basics / Superman: best 41 s on 19 Nov 2026  ▲ up" in shown


async def test_stats_screen_without_history(tmp_path: Path) -> None:
    _app, shown = await _open(tmp_path / "none.sqlite3")
    assert "No sessions yet" in shown
    assert not (tmp_path / "none.sqlite3").exists()


async def test_stats_screen_with_a_newer_database(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    _fill(path)
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    _app, shown = await _open(path)
    assert "history: cannot read the history: the history database was written by a" in shown
    assert "newer backtimer" in shown


async def test_stats_screen_in_a_small_terminal(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    _fill(path)
    _app, shown = await _open(path, size=(60, 20))
    assert "days in a row" in shown


def test_bar_rows_scale_to_the_busiest_day() -> None:
    rows = bar_rows([0, 10, 20, 40], 2)
    assert rows == ["   █", " ▄██"]
    assert bar_rows([0, 0], 3) == ["  "] * 3
    tiny = bar_rows([0.1, 100], 1)
    assert tiny == ["▁█"]  # a little work still shows


def test_heat_grid_weeks_from_monday_and_nothing_after_today() -> None:
    grid = heat_grid({TODAY: 2, TODAY - timedelta(days=7): 5}, TODAY)
    assert len(grid) == 7 and len(grid[0]) == 16
    thursday = TODAY.weekday()
    assert grid[thursday][-1] == 2
    assert grid[thursday][-2] == 4  # four or more: the top level
    assert grid[thursday + 1][-1] is None  # Friday of this week has not come yet
    assert grid[0][0] == 0


async def test_opened_from_the_library_with_s_and_closed_with_escape() -> None:
    from tests.ui_helpers import FakeClock, make_app

    _fill(Path(os.environ["BACKTIMER_DATA_DIR"]) / "history.sqlite3")
    app = make_app(FakeClock())
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        library = app.screen
        await pilot.press("tab")  # from the filter to the list: there "s" opens Stats
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "days in a row" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is library


async def test_stats_screen_shows_stored_names_visibly_and_never_as_markup(tmp_path: Path) -> None:
    # Names stored before the loader refused control characters, of a routine since deleted.
    path = tmp_path / "h.sqlite3"
    _fill(path)
    evil = "Evil\x1b]52;c;aGk=\x07[bold]\x9b31m"
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE sessions SET routine_name = ?", (evil,))
        conn.execute("UPDATE hold_bests SET routine_name = ?, exercise = ?", (evil, "[red]x\x1b"))
    _app, shown = await _open(path)
    assert "Evil\\x1b]52;c;aGk=\\x07[bold]\\x9b31m / [red]x\\x1b: best 41 s" in shown
    assert not any(("\x00" <= ch < " " and ch != "\n") or "\x7f" <= ch <= "\x9f" for ch in shown)
