"""Snapshots of what people see (pytest-textual-snapshot), every screen at three sizes:
80x24 (a normal terminal), 50x16 (a half-width tmux pane) and 40x12 (a small pane, where
each screen stays usable: state, digits, time left, what is next, the keys that matter).
A fake clock makes them exact.

Screens: the library; a session's work segment, a rest with what comes next and the
breath guide mid-inhale; the summary; help and the quit dialog over a session; stats;
work mode counting down and its reminder; customise.

Update after a deliberate change with `pytest tests/ui/test_ui_snapshots.py --snapshot-update`
and look at the new SVGs in tests/ui/__snapshots__/test_ui_snapshots/ before committing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.app import App

from backtimer.events import ExerciseResult
from backtimer.history.store import Store
from backtimer.routine.loader import load_file
from backtimer.ui.app import BacktimerApp
from tests.helpers.ui_helpers import SAMPLE, FakeClock, make_app, step

SIZES = [
    pytest.param((80, 24), id="80x24"),
    pytest.param((50, 16), id="50x16"),
    pytest.param((40, 12), id="40x12"),
]

Before = Callable[[Any], Awaitable[None]]


def session_app(clock: FakeClock) -> BacktimerApp:
    routine = load_file(SAMPLE, routine_id="ui-sample")
    return BacktimerApp(routine, clock=clock, sound=False, record=False)


# ---- the library and a session --------------------------------------------------------


def library() -> tuple[App[Any], Before]:
    async def before(pilot: Any) -> None:
        await pilot.press("down")
        await pilot.pause()

    return make_app(FakeClock()), before


def at(seconds: float, *keys: str) -> Callable[[], tuple[App[Any], Before]]:
    """The sample routine `seconds` in, then `keys` pressed."""

    def scenario() -> tuple[App[Any], Before]:
        clock = FakeClock()

        async def before(pilot: Any) -> None:
            await step(pilot, clock, seconds)
            for key in keys:
                await pilot.press(key)
                await pilot.pause()
            await pilot.pause()

        return session_app(clock), before

    return scenario


def summary() -> tuple[App[Any], Before]:
    clock = FakeClock()

    async def before(pilot: Any) -> None:
        await step(pilot, clock, 6.0)
        await pilot.press("N")  # skip the chin tuck
        await step(pilot, clock, 200.0)  # the rest runs out; the last hold waits
        await step(pilot, clock, 12.0)
        await pilot.press("d")
        await pilot.pause()

    return session_app(clock), before


# ---- stats, work mode, customise ------------------------------------------------------

TODAY = date(2026, 11, 19)


def stats() -> tuple[App[Any], Before]:
    from backtimer import paths
    from backtimer.ui.screens.stats import StatsScreen

    path = paths.history_db()
    with Store(path) as store:
        for offset, minutes in ((-9, 12), (-2, 10), (-1, 20), (0, 40)):
            start = datetime.combine(TODAY + timedelta(days=offset), time(12)).astimezone()
            sid = store.start_session(
                routine_id="neck",
                name="Neck set",
                source_hash="x",
                started_at=start,
                planned_seconds=600,
                exercises_planned=1,
            )
            held = (30.0 + minutes,)
            res = ExerciseResult(1, "Wall sit", 1, 1, 0, 30.0, 1, 1, 0, sum(held), held)
            store.add_result(sid, res, kind="max", ended_at=start, session_seconds=60)
            store.finish_session(
                sid,
                status="completed",
                ended_at=start,
                worked_seconds=60,
                duration_seconds=minutes * 60,
                paused_seconds=0,
            )

    async def before(pilot: Any) -> None:
        await pilot.pause()
        await pilot.app.push_screen(StatsScreen(path, today=TODAY))
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    return make_app(FakeClock()), before


def work(stage: str) -> Callable[[], tuple[App[Any], Before]]:
    """Work mode counting down ("working"), its reminder with the toasts that come with it
    ("due"), and back from the break routine with its toast ("done")."""

    def scenario() -> tuple[App[Any], Before]:
        from backtimer.ui.screens.session import SessionScreen
        from tests.ui.test_work_ui import MONDAY_10, Clock, move
        from tests.ui.test_work_ui import make_app as work_app

        clock = Clock(MONDAY_10)

        async def before(pilot: Any) -> None:
            await pilot.pause()
            await move(pilot, clock, 12 * 60 + 5)
            if stage in ("due", "done"):
                await move(pilot, clock, 18 * 60)
                await pilot.app.workers.wait_for_complete()
                await pilot.pause()
            if stage == "done":
                pilot.app.clear_notifications()
                await pilot.press("s")
                await pilot.pause()
                for _ in range(120):
                    if not isinstance(pilot.app.screen, SessionScreen):
                        break
                    await move(pilot, clock, 1)
            await pilot.pause()

        return work_app(clock, []), before

    return scenario


def customise() -> tuple[App[Any], Before]:
    async def before(pilot: Any) -> None:
        await pilot.pause()
        await pilot.press("slash", *"neck", "enter")
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("plus")  # hold 3 s -> 4 s: the total says what it was
        await pilot.pause()

    return BacktimerApp(clock=FakeClock(), sound=False, record=False), before


SCREENS: dict[str, Callable[[], tuple[App[Any], Before]]] = {
    "library": library,
    "work_segment": at(5.0 + 8.0 + 3.0 + 2.2),  # 2nd hold of the chin tuck, 5 s left
    "rest_with_next_up": at(24.0 + 5.5),  # the rest before the trapezius stretch
    "breath_guide_mid_inhale": at(5.0 + 2.0),  # first hold, halfway through a 4 s inhale
    "relax_between_reps": at(5.0 + 8.0 + 1.0),
    "summary": summary,
    "help": at(2.0, "question_mark"),
    "quit_dialog": at(2.0, "q"),
    "stats": stats,
    "work_mode": work("working"),
    "work_reminder": work("due"),
    "work_break_done": work("done"),
    "customise": customise,
}


def _snapshot_test(screen: str) -> Callable[..., None]:
    @pytest.mark.parametrize("size", SIZES)
    def test(snap_compare: Any, size: tuple[int, int], isolated_dirs: Path) -> None:
        app, before = SCREENS[screen]()
        assert snap_compare(app, terminal_size=size, run_before=before)

    test.__name__ = f"test_{screen}"
    return test


# one test per screen (test_library, test_summary, ...), each at the three sizes
for _name in SCREENS:
    globals()[f"test_{_name}"] = _snapshot_test(_name)
