"""The app under Pilot with text that carries escape sequences and markup: the library, the
detail pane, a session, its summary and notifications show it as plain text with every
control character written out (docs/security.md), and nothing crashes on "[/]".

The routines are built in memory, as one loaded before the loader refused control
characters would be; a broken routine's id is a file name with an escape sequence in it.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from textual.geometry import Region
from textual.widget import Widget

from backtimer.breaks.notify import Notifier
from backtimer.routine.errors import Problem
from backtimer.routine.library import RoutineEntry
from backtimer.routine.loader import RoutineError
from backtimer.routine.model import Defaults, Exercise, Routine, WorkKind
from backtimer.ui.app import BacktimerApp
from backtimer.ui.screens.library import LibraryScreen
from backtimer.ui.screens.session import SessionScreen
from backtimer.ui.screens.summary import SummaryScreen
from backtimer.ui.screens.work import WorkScreen
from backtimer.ui.work_app import WorkApp
from tests.ui_helpers import FakeClock, step

OSC52 = "\x1b]52;c;aGk=\x07"
NAME = f"Evil{OSC52}[/]\x9b31m"
SHOWN = "Evil\\x1b]52;c;aGk=\\x07[/]\\x9b31m"
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def evil_routine() -> Routine:
    exercise = Exercise(
        name=f"Neck [bold]{OSC52}",
        kind=WorkKind.HOLD,
        hold=2.0,
        steps=("Sit \x9b2J tall", "[red]breathe[/red]"),
        caution="Careful\x1b[5m",
    )
    return Routine(
        id="evil",
        name=NAME,
        description=f"About{OSC52}",
        cautions=("Stop\x1b[8m",),
        defaults=Defaults(prepare=1.0, rest=0, rep_rest=0, set_rest=0, side_rest=0),
        exercises=(exercise,),
    )


def screen_text(app: BacktimerApp) -> str:
    """Every visible widget's lines as rendered."""
    lines = []
    for widget in app.screen.query("*"):
        if isinstance(widget, Widget) and widget.display and widget.region.height:
            if widget.children:
                continue  # containers: their children are rendered on their own
            rendered = widget.render_lines(Region(0, 0, *widget.outer_size))
            lines.extend(strip.text.rstrip() for strip in rendered)
    return "\n".join(line for line in lines if line.strip())


def assert_no_raw_control(text: str) -> None:
    assert not RAW.search(text), repr(RAW.findall(text))


async def test_the_library_shows_names_ids_and_errors_visibly() -> None:
    bad_id = f"bad{OSC52}"
    error = RoutineError(f"{bad_id}.toml", [Problem(f"{bad_id}.toml", f"name: got {OSC52}")])
    entries = [
        RoutineEntry(bad_id, Path(f"{bad_id}.toml"), "user", None, error),
        RoutineEntry("evil", Path("evil.toml"), "user", evil_routine(), None),
    ]
    app = BacktimerApp(entries=entries, clock=FakeClock(), sound=False, record=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        shown = screen_text(app)
        assert_no_raw_control(shown)
        assert "⚠ bad\\x1b]52;c;aGk=\\x07" in shown
        await pilot.press("down")
        await pilot.pause()
        shown = screen_text(app)
        assert_no_raw_control(shown)
        assert SHOWN in shown  # the name, its "[/]" as text
        assert "Neck [bold]\\x1b]52" in shown and "Stop\\x1b[8m" in shown
        await pilot.press("up", "enter")  # the broken one cannot start: a notification
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("bad\\x1b]52" in m for m in messages), messages
        assert all(not RAW.search(m) for m in messages)


async def test_a_session_and_its_summary_show_the_routine_visibly() -> None:
    clock = FakeClock()
    app = BacktimerApp(evil_routine(), clock=clock, sound=False, record=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await step(pilot, clock, 1.5)
        assert isinstance(app.screen, SessionScreen)
        shown = screen_text(app)
        assert_no_raw_control(shown)
        assert "Neck [bold]\\x1b]52" in shown
        assert "Sit \\x9b2J tall" in shown and "[red]breathe[/red]" in shown
        app.notify(f"Routine {NAME} [b]")  # markup-like text never crashes, never styles
        await pilot.pause()
        await step(pilot, clock, 3)
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        shown = screen_text(app)
        assert_no_raw_control(shown)
        assert SHOWN in shown and "Neck [bold]\\x1b]52" in shown
        messages = [n.message for n in app._notifications]
        assert f"Routine {SHOWN} [b]" in messages


async def test_work_mode_shows_routine_names_and_config_refs_visibly() -> None:
    from tests.test_work_ui import BERLIN, MONDAY_10, SETTINGS, Clock, EngineSession, move

    def loader(ref: str) -> Routine:
        if ref == "evil":
            return evil_routine()
        raise LookupError(f"unknown routine {ref!r}")

    bad_ref = f"gone{OSC52}"  # a routine id from config.toml that names no routine
    settings = replace(SETTINGS, routines=("evil", bad_ref))
    clock = Clock(MONDAY_10)
    written: list[str] = []

    def screen() -> WorkScreen:
        return WorkScreen(
            settings,
            reading=clock.reading,
            tz=BERLIN,
            notifier=Notifier("osc777", written.append, env={}),
            loader=loader,
            choices=lambda: [("evil", NAME), (bad_ref, bad_ref)],
            sound=False,
        )

    app = WorkApp(screen, clock=clock, sound=False, record=False, session_factory=EngineSession)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WorkScreen)
        shown = screen_text(app)
        assert_no_raw_control(shown)
        assert f"Break routine: {SHOWN}" in shown
        await move(pilot, clock, 30 * 60)
        await app.workers.wait_for_complete()
        shown = screen_text(app)
        assert_no_raw_control(shown)
        assert f"Time for a break: {SHOWN}" in shown
        osc = [w for w in written if w.startswith("\x1b]777;")]
        assert osc and all(not RAW.search(w[2:-1]) for w in osc), osc
        messages = [n.message for n in app._notifications]
        assert all(not RAW.search(m) for m in messages), messages
