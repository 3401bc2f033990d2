"""Snapshots of what people see (pytest-textual-snapshot): the library, a work segment,
a rest with what comes next, the breath guide mid-inhale and the summary, each at
80x24 (a normal terminal) and 50x16 (a small tmux pane). A fake clock makes them exact.

Update after a deliberate change with `pytest tests/ui/test_ui_snapshots.py --snapshot-update`
and look at the new SVGs in tests/ui/__snapshots__/test_ui_snapshots/ before committing.
"""

from __future__ import annotations

from typing import Any

import pytest

from backtimer.routine.loader import load_file
from backtimer.ui.app import BacktimerApp
from tests.helpers.ui_helpers import SAMPLE, FakeClock, make_app, step

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((50, 16), id="50x16")]


def session_app(clock: FakeClock) -> BacktimerApp:
    routine = load_file(SAMPLE, routine_id="ui-sample")
    return BacktimerApp(routine, clock=clock, sound=False, record=False)


@pytest.mark.parametrize("size", SIZES)
def test_library(snap_compare: Any, size: tuple[int, int]) -> None:
    async def before(pilot: Any) -> None:
        await pilot.press("down")
        await pilot.pause()

    assert snap_compare(make_app(FakeClock()), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES)
def test_work_segment(snap_compare: Any, size: tuple[int, int]) -> None:
    clock = FakeClock()

    async def before(pilot: Any) -> None:
        await step(pilot, clock, 5.0 + 8.0 + 3.0 + 2.2)  # 2nd hold of the chin tuck, 5 s left

    assert snap_compare(session_app(clock), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES)
def test_rest_with_next_up(snap_compare: Any, size: tuple[int, int]) -> None:
    clock = FakeClock()

    async def before(pilot: Any) -> None:
        await step(pilot, clock, 24.0 + 5.5)  # the rest before the trapezius stretch

    assert snap_compare(session_app(clock), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES)
def test_breath_guide_mid_inhale(snap_compare: Any, size: tuple[int, int]) -> None:
    clock = FakeClock()

    async def before(pilot: Any) -> None:
        await step(pilot, clock, 5.0 + 2.0)  # first hold, halfway through a 4 s inhale

    assert snap_compare(session_app(clock), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES)
def test_summary(snap_compare: Any, size: tuple[int, int]) -> None:
    clock = FakeClock()

    async def before(pilot: Any) -> None:
        await step(pilot, clock, 6.0)
        await pilot.press("N")  # skip the chin tuck
        await step(pilot, clock, 200.0)  # the rest runs out; the last hold waits
        await step(pilot, clock, 12.0)
        await pilot.press("d")
        await pilot.pause()

    assert snap_compare(session_app(clock), terminal_size=size, run_before=before)
