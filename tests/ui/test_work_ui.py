"""Work mode driven by Pilot with injected clocks: nothing sleeps for real.

The fake clock gives the work screen its wall/monotonic/boot readings and the session
screen its monotonic time; a test moves it and asks the screens to refresh.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

pytest.importorskip("textual", reason="the work screen needs Textual")

from textual.widgets import Button, Digits, Label

from backtimer.breaks.notify import Notifier
from backtimer.breaks.scheduler import BreakSettings, Reading
from backtimer.routine.loader import load_text
from backtimer.routine.model import Routine
from backtimer.timeline import compile
from backtimer.ui.screens.session import SessionScreen
from backtimer.ui.screens.work import WorkScreen
from backtimer.ui.screens.work_dialogs import PickRoutine, SkipReason
from backtimer.ui.work_app import WorkApp
from backtimer.usecases.session import Session

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY_10 = datetime(2026, 3, 2, 10, 0, tzinfo=BERLIN)

DESK = """
[routine]
name = "Desk test"

[defaults]
prepare = "2s"
rest = "2s"

[[exercise]]
name = "Shoulder roll"
hold = "5s"
reps = 2
"""
NECK = DESK.replace("Desk test", "Neck test")


def routines(ref: str) -> Routine:
    texts = {"desk-test": DESK, "neck-test": NECK}
    if ref not in texts:
        raise LookupError(f"unknown routine '{ref}'")
    return load_text(texts[ref], source=f"{ref}.toml", routine_id=ref)


class Clock:
    """Wall (UTC) + monotonic + boot; calling it gives the monotonic time (session screen)."""

    def __init__(self, start: datetime) -> None:
        self.wall = start.astimezone(UTC)
        self.mono = 500.0
        self.boot = 800.0

    def __call__(self) -> float:
        return self.mono

    def reading(self) -> Reading:
        return Reading(self.wall, self.mono, self.boot)

    def advance(self, seconds: float) -> None:
        self.wall += timedelta(seconds=seconds)
        self.mono += seconds
        self.boot += seconds

    def sleep(self, seconds: float) -> None:
        self.wall += timedelta(seconds=seconds)
        self.boot += seconds


def EngineSession(routine: Routine) -> Session:
    """A session without sound or history."""
    return Session(routine, compile(routine), sound=False, record=False)


SETTINGS = BreakSettings(
    every=30 * 60,
    routines=("desk-test", "neck-test"),
    snooze=10 * 60,
    max_snoozes=2,
    hours=None,
    days=frozenset(range(7)),
)


def make_app(clock: Clock, written: list[str], settings: BreakSettings = SETTINGS) -> WorkApp:
    def screen() -> WorkScreen:
        return WorkScreen(
            settings,
            reading=clock.reading,
            tz=BERLIN,
            notifier=Notifier("bell", written.append, env={}),
            loader=routines,
            choices=lambda: [("desk-test", "Desk test"), ("neck-test", "Neck test")],
            sound=False,
        )

    return WorkApp(screen, clock=clock, sound=False, record=False, session_factory=EngineSession)


def label(app: WorkApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Label).content)


def digits(app: WorkApp) -> str:
    return app.screen.query_one("#work-digits", Digits).value


def toasts(app: WorkApp) -> list[str]:
    return [n.message for n in app._notifications]


async def move(pilot: Any, clock: Clock, seconds: float) -> None:
    clock.advance(seconds)
    screen = pilot.app.screen
    if isinstance(screen, WorkScreen | SessionScreen):
        screen.tick()
    await pilot.pause()


async def until_due(pilot: Any, clock: Clock) -> WorkScreen:
    """Jump to the due time (two steps: one just before, one onto it)."""
    screen = pilot.app.screen
    assert isinstance(screen, WorkScreen)
    tick = screen.mode.last
    assert tick is not None and tick.mode == "working"
    await move(pilot, clock, tick.remaining - 1)
    assert screen.mode.last is not None and screen.mode.last.mode == "working"
    await move(pilot, clock, 1)
    assert screen.mode.last is not None and screen.mode.last.mode == "due"
    await pilot.app.workers.wait_for_complete()
    return screen


async def test_due_start_routine_and_back_to_work_mode() -> None:
    clock = Clock(MONDAY_10)
    written: list[str] = []
    app = make_app(clock, written)
    async with app.run_test(size=(90, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, WorkScreen)
        assert digits(app) == "0:30"  # hours:minutes until the last 10 minutes
        assert label(app, "#work-routine") == "Break routine: Desk test · 1 min"
        assert label(app, "#work-today") == "Today: 0 taken · 0 snoozed · 0 skipped · 0 away"
        assert not screen.query_one("#reminder").display

        await move(pilot, clock, 29 * 60)
        assert digits(app) == "01:00"
        assert "A break in 1m: Desk test · 1 min" in toasts(app)
        assert written == []

        await move(pilot, clock, 60)
        await app.workers.wait_for_complete()
        assert screen.query_one("#reminder").display
        assert label(app, "#work-caption") == "Time for a break"
        assert label(app, "#reminder-text") == "Time for a break: Desk test · 1 min"
        # the reminder says it on the screen: no toast over its buttons
        assert "Time for a break: Desk test · 1 min" not in toasts(app)
        assert written == ["\a"]  # the bell (notify = bell)
        assert label(app, "#work-worked") == "Worked 30m since your last break"

        await pilot.press("s")
        await pilot.pause()
        session = app.screen
        assert isinstance(session, SessionScreen)
        assert session.routine.name == "Desk test"
        for _ in range(120):
            if not isinstance(app.screen, SessionScreen):
                break
            await move(pilot, clock, 1)
        assert app.screen is screen  # back in work mode, no summary screen in between
        await pilot.pause()
        assert not screen.query_one("#reminder").display
        assert digits(app) == "0:30"  # hours:minutes until the last 10 minutes
        assert label(app, "#work-today") == "Today: 1 taken · 0 snoozed · 0 skipped · 0 away"
        assert label(app, "#work-routine") == "Break routine: Neck test · 1 min"  # rotation
        assert any(t.startswith("Break done: Desk test. Next break at") for t in toasts(app))

    # The history store got the events, for stats.
    from backtimer.history.store import Store

    with Store() as store:
        kinds = [kind for (kind,) in store.query("SELECT kind FROM breaks")]
    assert kinds.count("due") == 1
    assert kinds.count("started") == 1


async def test_snooze_until_none_are_left_then_the_reminder_stays() -> None:
    clock = Clock(MONDAY_10)
    written: list[str] = []
    app = make_app(clock, written)
    async with app.run_test(size=(90, 30)) as pilot:
        await pilot.pause()
        screen = await until_due(pilot, clock)
        await pilot.press("z")
        await pilot.pause()
        assert not screen.query_one("#reminder").display
        assert digits(app) == "10:00"
        assert "Snoozed for 10m." in toasts(app)
        assert label(app, "#work-today") == "Today: 0 taken · 1 snoozed · 0 skipped · 0 away"

        await until_due(pilot, clock)
        assert label(app, "#reminder-text") == "Time for a break (snoozed 1x): Desk test · 1 min"
        assert written == ["\a", "\a"]  # alerted again after the snooze
        await pilot.click("#snooze")
        await until_due(pilot, clock)
        assert label(app, "#reminder-text") == (
            "Time for a break (snoozed 2x): Desk test · 1 min — no snoozes left"
        )
        assert screen.query_one("#snooze", Button).disabled
        await pilot.press("z")  # no effect: the binding is off
        await move(pilot, clock, 3600)
        assert screen.query_one("#reminder").display
        assert written == ["\a", "\a", "\a"]  # the reminder stays, without ringing again


async def test_skip_asks_why_and_starts_the_next_period() -> None:
    clock = Clock(MONDAY_10)
    app = make_app(clock, [])
    async with app.run_test(size=(90, 30)) as pilot:
        await pilot.pause()
        screen = await until_due(pilot, clock)
        await pilot.press("k")
        await pilot.pause()
        assert isinstance(app.screen, SkipReason)
        await pilot.press("escape")  # changed my mind: still due
        await pilot.pause()
        assert app.screen is screen
        assert screen.query_one("#reminder").display
        await pilot.press("k")
        await pilot.pause()
        await pilot.press("down", "enter")  # "in a call"
        await pilot.pause()
        assert app.screen is screen
        assert not screen.query_one("#reminder").display
        assert digits(app) == "0:30"  # hours:minutes until the last 10 minutes
        assert label(app, "#work-today") == "Today: 0 taken · 0 snoozed · 1 skipped · 0 away"
        assert screen.mode.scheduler is not None and screen.mode.scheduler.state is not None
        assert screen.mode.scheduler.state.skip_reasons == ["in a call"]


async def test_pick_another_routine_for_the_break() -> None:
    clock = Clock(MONDAY_10)
    app = make_app(clock, [])
    async with app.run_test(size=(90, 30)) as pilot:
        await pilot.pause()
        await until_due(pilot, clock)
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, PickRoutine)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert app.screen.routine.name == "Neck test"


async def test_restart_keeps_the_clock_and_counts() -> None:
    clock = Clock(MONDAY_10)
    app = make_app(clock, [])
    async with app.run_test(size=(90, 30)) as pilot:
        await pilot.pause()
        await until_due(pilot, clock)
        await pilot.press("z")
        await move(pilot, clock, 4 * 60)
        assert digits(app) == "06:00"
        await pilot.press("q")
    clock.advance(60)  # a minute later, a new process (new monotonic clock)
    clock.mono, clock.boot = 3.0, 4.0
    again = make_app(clock, [])
    async with again.run_test(size=(90, 30)) as pilot:
        await pilot.pause()
        assert digits(again) == "05:00"
        assert label(again, "#work-today") == "Today: 0 taken · 1 snoozed · 0 skipped · 0 away"


async def test_laptop_sleep_counts_as_a_break_and_nothing_fires_on_wake() -> None:
    clock = Clock(MONDAY_10)
    written: list[str] = []
    app = make_app(clock, written)
    async with app.run_test(size=(90, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, WorkScreen)
        await move(pilot, clock, 25 * 60)
        clock.sleep(40 * 60)  # the lid closed over the due time
        screen.tick()
        await pilot.pause()
        assert not screen.query_one("#reminder").display
        assert written == []
        assert digits(app) == "0:30"  # hours:minutes until the last 10 minutes
        assert label(app, "#work-today") == "Today: 0 taken · 0 snoozed · 0 skipped · 1 away"
        assert any(t.startswith("Welcome back — 40 min away") for t in toasts(app))


async def test_off_hours_say_so() -> None:
    clock = Clock(datetime(2026, 3, 7, 11, 0, tzinfo=BERLIN))  # a Saturday
    settings = BreakSettings(routines=("desk-test",))
    app = make_app(clock, [], settings)
    async with app.run_test(size=(90, 30)) as pilot:
        await pilot.pause()
        assert label(app, "#work-caption") == "Off hours — the timer rests until Mon 09:00"
        assert label(app, "#work-plan") == "every 2h · 09:00-18:00"


async def test_the_library_opens_work_mode_with_the_config_settings() -> None:
    from backtimer.ui.app import BacktimerApp

    app = BacktimerApp(entries=[], sound=False, record=False)
    async with app.run_test(size=(90, 30)) as pilot:
        await pilot.pause()
        app.action_work()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, WorkScreen)
        assert screen.mode.scheduler is not None
        assert screen.mode.scheduler.settings == BreakSettings()
        await pilot.press("q")  # back to the library, not out of the app
        await pilot.pause()
        assert not isinstance(app.screen, WorkScreen)
        assert app.is_running


GROW = DESK.replace("Desk test", "Grow test").replace(
    "reps = 2", 'reps = 2\nprogress = { reps = "+2", every = "3 sessions", max = 10 }'
)


@pytest.mark.parametrize(("level", "reps"), [("current", 4), ("base", 2)])
async def test_a_break_runs_the_routine_at_its_progression_level(level: str, reps: int) -> None:
    """Like the library: a routine started from the reminder runs at the level its history
    has reached (4 completed sessions: +2 reps), or at its written values with level base."""
    from backtimer.history.store import Store

    now = datetime.now(UTC)
    with Store() as store:
        for n in range(4):
            start = now - timedelta(hours=1 + n)
            sid = store.start_session(
                routine_id="grow-test", name="Grow test", source_hash="x", started_at=start,
                planned_seconds=60, exercises_planned=1,
            )  # fmt: skip
            store.finish_session(
                sid, status="completed", ended_at=start + timedelta(minutes=1),
                worked_seconds=50, duration_seconds=60, paused_seconds=0,
            )  # fmt: skip
    clock = Clock(MONDAY_10)

    def screen() -> WorkScreen:
        return WorkScreen(
            replace(SETTINGS, routines=("grow-test",)),
            reading=clock.reading,
            tz=BERLIN,
            notifier=Notifier("bell", [].append, env={}),
            loader=lambda ref: load_text(GROW, source=f"{ref}.toml", routine_id=ref),
            sound=False,
        )

    app = WorkApp(
        screen, clock=clock, sound=False, record=False, session_factory=EngineSession, level=level
    )
    async with app.run_test(size=(90, 30)) as pilot:
        await pilot.pause()
        await until_due(pilot, clock)
        await pilot.press("s")
        await pilot.pause()
        session = app.screen
        assert isinstance(session, SessionScreen)
        assert session.routine.exercises[0].reps == reps
