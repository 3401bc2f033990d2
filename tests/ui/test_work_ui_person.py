"""The work screen with the person in the picture: pause and resume (key, command palette,
another terminal), away from the keyboard, a meeting, a routine run elsewhere. Injected
clocks and sources (fakes with the monitors' interface); nothing sleeps for real."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

pytest.importorskip("textual", reason="the work screen needs Textual")

from textual.widgets import Label

from backtimer.breaks.notify import Notifier
from backtimer.breaks.requests import Request, write_request
from backtimer.breaks.scheduler import BreakSettings, Reading
from backtimer.breaks.state import state_file
from backtimer.breaks.watch import PresenceWatch
from backtimer.history.store import Store
from backtimer.routine.loader import load_text
from backtimer.routine.model import Routine
from backtimer.ui.screens.work import WorkScreen
from backtimer.ui.screens.work_dialogs import PauseFor
from backtimer.ui.work_app import WorkApp

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY_10 = datetime(2026, 3, 2, 10, 0, tzinfo=BERLIN)
DESK = '[routine]\nname = "Desk test"\n[[exercise]]\nname = "Shoulder roll"\nhold = "5s"\n'
SETTINGS = BreakSettings(
    every=30 * 60, routines=("desk-test",), hours=None, days=frozenset(range(7)), warn=60
)


def routines(ref: str) -> Routine:
    if ref != "desk-test":
        raise LookupError(f"unknown routine '{ref}'")
    return load_text(DESK, source="desk-test.toml", routine_id=ref)


class Clock:
    def __init__(self) -> None:
        self.wall = MONDAY_10.astimezone(UTC)
        self.mono = 500.0

    def __call__(self) -> float:
        return self.mono

    def reading(self) -> Reading:
        return Reading(self.wall, self.mono, self.mono + 300.0)

    def advance(self, seconds: float) -> None:
        self.wall += timedelta(seconds=seconds)
        self.mono += seconds


@dataclass
class IdleNow:
    seconds_idle: float | None
    locked: bool = False


@dataclass
class MeetingNow:
    in_meeting: bool


class Desk:
    """The away and meeting monitors of a desk the test controls."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.last_input = clock.mono
        self.meeting = False

    def poll(self, now: Reading) -> IdleNow:
        return IdleNow(now.mono - self.last_input)

    def type(self) -> None:
        self.last_input = self.clock.mono

    def close(self) -> None:
        pass


class Meetings:
    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    def poll(self, now: Reading) -> MeetingNow:
        return MeetingNow(self.desk.meeting)

    def close(self) -> None:
        pass


def make_app(clock: Clock, desk: Desk, written: list[str]) -> WorkApp:
    def screen() -> WorkScreen:
        return WorkScreen(
            SETTINGS,
            reading=clock.reading,
            tz=BERLIN,
            notifier=Notifier("bell", written.append, env={}),
            loader=routines,
            sound=False,
            presence=PresenceWatch(desk, Meetings(desk), poll=1.0),
        )

    return WorkApp(screen, clock=clock, sound=False, record=False)


def break_events() -> list[tuple[str, str | None]]:
    """The break events in the history, oldest first: (kind, reason)."""
    with Store() as store:
        rows = store.query("SELECT kind, reason FROM breaks ORDER BY id")
    return [(str(kind), reason) for kind, reason in rows]


def label(app: WorkApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Label).content)


def toasts(app: WorkApp) -> list[str]:
    return [n.message for n in app._notifications]


async def move(pilot: Any, clock: Clock, desk: Desk, seconds: float, *, typing: bool) -> None:
    """`seconds` pass, a look at the clock every 5 s, the person typing or not."""
    screen = pilot.app.screen
    assert isinstance(screen, WorkScreen)
    left = seconds
    while left > 0:
        step = min(5.0, left)
        clock.advance(step)
        left -= step
        if typing:
            desk.type()
        screen.tick()
    await pilot.pause()


async def test_pause_with_the_key_then_resume() -> None:
    clock = Clock()
    desk = Desk(clock)
    written: list[str] = []
    app = make_app(clock, desk, written)
    async with app.run_test(size=(90, 30)) as pilot:
        await pilot.pause()
        await move(pilot, clock, desk, 20 * 60, typing=True)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PauseFor)
        await pilot.press("enter")  # the first choice: 30 minutes
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, WorkScreen)
        assert label(app, "#work-caption") == "Paused until 10:50 — no reminders (r resumes)"
        assert "Paused until 10:50." in toasts(app)
        saved = json.loads(state_file().read_text())
        assert saved["state"]["paused_until"].startswith("2026-03-02T09:50")
        await move(pilot, clock, desk, 29 * 60, typing=True)
        assert written == []  # no reminder while paused, though the break was due at 10:30
        await pilot.press("r")
        await pilot.pause()
        assert label(app, "#work-caption") == "Next break in (hours:minutes)"
        assert screen.mode is not None and screen.mode.last is not None
        assert screen.mode.last.remaining == 30 * 60


async def test_pause_and_resume_are_in_the_command_palette() -> None:
    clock = Clock()
    desk = Desk(clock)
    app = make_app(clock, desk, [])
    async with app.run_test(size=(90, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        titles = [c.title for c in app.get_system_commands(screen)]
        assert "Pause reminders" in titles
        assert "Resume reminders" not in titles
        screen.action_pause("2h")
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(screen)]
        assert "Resume reminders" in titles and "Pause reminders" not in titles


async def test_a_pause_given_in_another_terminal_is_taken_at_the_next_look() -> None:
    clock = Clock()
    desk = Desk(clock)
    app = make_app(clock, desk, [])
    async with app.run_test(size=(90, 30)) as pilot:
        await pilot.pause()
        write_request(Request("pause", clock.wall + timedelta(hours=2), wall=True))
        await move(pilot, clock, desk, 1, typing=True)
        assert label(app, "#work-caption") == "Paused until 12:00 — no reminders (r resumes)"
        write_request(Request("resume"))
        await move(pilot, clock, desk, 1, typing=True)
        assert label(app, "#work-caption") == "Next break in (hours:minutes)"


async def test_away_from_the_keyboard_shows_and_counts() -> None:
    clock = Clock()
    desk = Desk(clock)
    written: list[str] = []
    app = make_app(clock, desk, written)
    async with app.run_test(size=(90, 30)) as pilot:
        await pilot.pause()
        await move(pilot, clock, desk, 25 * 60, typing=True)
        await move(pilot, clock, desk, 12 * 60, typing=False)  # over the due time at 10:30
        assert written == []  # no reminder at an empty chair
        assert label(app, "#work-caption") == "Away — the break waits until you are back"
        await move(pilot, clock, desk, 5, typing=True)
        assert any(
            t.startswith("Welcome back — 12 min away counts as a break") for t in toasts(app)
        )
        assert label(app, "#work-today") == "Today: 0 taken · 0 snoozed · 0 skipped · 1 away"
        assert label(app, "#work-worked") == "Worked under a minute since your last break"
    assert break_events() == [("due", "held (away)"), ("natural", "away 12m")]


async def test_a_meeting_holds_the_reminder_quietly() -> None:
    clock = Clock()
    desk = Desk(clock)
    written: list[str] = []
    app = make_app(clock, desk, written)
    async with app.run_test(size=(90, 30)) as pilot:
        await pilot.pause()
        await move(pilot, clock, desk, 25 * 60, typing=True)
        desk.meeting = True
        await move(pilot, clock, desk, 20 * 60, typing=True)
        assert written == []
        assert not any("break" in t.lower() for t in toasts(app))  # not even the warning
        assert label(app, "#work-caption") == "In a meeting — the break waits until it ends"
        desk.meeting = False
        await move(pilot, clock, desk, 125, typing=True)
        assert written == ["\a"]  # offered 2 minutes after the meeting
        assert label(app, "#work-caption") == "Time for a break"
    assert break_events() == [("due", "held (meeting)"), ("due", None)]


async def test_a_routine_run_elsewhere_counts_within_30_seconds(isolated_dirs: Path) -> None:
    clock = Clock()
    desk = Desk(clock)
    app = make_app(clock, desk, [])
    async with app.run_test(size=(90, 30)) as pilot:
        await pilot.pause()
        await move(pilot, clock, desk, 20 * 60, typing=True)
        ended = datetime.now(UTC)
        with Store() as store:  # `backtimer run desk-test --plain` in another terminal
            sid = store.start_session(
                routine_id="desk-test", name="Desk test", source_hash="x",
                started_at=ended - timedelta(minutes=3), planned_seconds=120.0,
                exercises_planned=1,
            )  # fmt: skip
            store.finish_session(
                sid, status="completed", ended_at=ended, worked_seconds=120.0,
                duration_seconds=180.0, paused_seconds=0.0,
            )  # fmt: skip
        await move(pilot, clock, desk, 30, typing=True)
        assert label(app, "#work-today") == "Today: 1 taken · 0 snoozed · 0 skipped · 0 away"
        assert any(t.startswith("Break counted: desk-test.") for t in toasts(app))
        screen = app.screen
        assert isinstance(screen, WorkScreen)
        assert screen.mode is not None and screen.mode.last is not None
        assert 30 * 60 - 30 <= screen.mode.last.remaining <= 30 * 60  # the clock restarted


async def test_work_mode_from_the_library_is_refused_while_another_runs() -> None:
    from backtimer.breaks.lock import WorkLock
    from backtimer.ui.app import BacktimerApp

    held = WorkLock()
    held.acquire()  # `backtimer work` in another terminal (flock: per open file)
    try:
        app = BacktimerApp(None, sound=False, record=False)
        async with app.run_test(size=(90, 30)) as pilot:
            await pilot.pause()
            library = app.screen
            app.push_screen(WorkScreen(SETTINGS, loader=routines, sound=False, watch=False))
            await pilot.pause()
            await pilot.pause()
            assert app.screen is library
            assert any("work mode is already running" in t for t in toasts(app))
    finally:
        held.release()
    app = BacktimerApp(None, sound=False, record=False)
    async with app.run_test(size=(90, 30)) as pilot:  # free again: it opens
        await pilot.pause()
        app.push_screen(WorkScreen(SETTINGS, loader=routines, sound=False, watch=False))
        await pilot.pause()
        assert isinstance(app.screen, WorkScreen)
        assert app.screen.mode is not None
