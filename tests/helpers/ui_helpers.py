"""Shared by the UI tests: a fake clock, the sample routine, screen text."""

from __future__ import annotations

import re
from pathlib import Path

from textual.geometry import Region

from backtimer.routine.library import RoutineEntry
from backtimer.routine.loader import RoutineError, load_file, load_text
from backtimer.ui.app import BacktimerApp
from backtimer.ui.screens.session import SessionScreen
from backtimer.ui.widgets.countdown import Countdown

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "ui-sample.toml"


class FakeClock:
    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def sample_entries() -> list[RoutineEntry]:
    routine = load_file(SAMPLE, routine_id="ui-sample")
    broken_text = '[routine]\nname = "Broken"\n\n[[exercise]]\nname = "Shrug"\nhold = "three"\n'
    try:
        load_text(broken_text, source="broken.toml", routine_id="broken")
        raise AssertionError("the broken routine loaded")
    except RoutineError as exc:
        error = exc
    return [
        RoutineEntry("broken", Path("broken.toml"), "user", None, error),
        RoutineEntry("ui-sample", SAMPLE, "built-in", routine, None),
    ]


def make_app(clock: FakeClock, **kw: object) -> BacktimerApp:
    return BacktimerApp(
        entries=list(sample_entries()), clock=clock, sound=False, record=False, **kw
    )  # type: ignore[arg-type]


def text(app: BacktimerApp, selector: str) -> str:
    """What the widget shows on screen, lines joined, trailing spaces dropped."""
    widget = app.screen.query_one(selector)
    gutter = widget.styles.gutter  # padding + border
    width, height = widget.size
    lines = widget.render_lines(Region(0, 0, *widget.outer_size))[gutter.top : gutter.top + height]
    texts = (line.text[gutter.left : gutter.left + width].strip() for line in lines)
    return "\n".join(t for t in texts if t)


def all_text(app: BacktimerApp) -> str:
    """Every label and static text on the screen, top to bottom."""
    parts = []
    for widget in app.screen.query("Label, Static"):
        if widget.display and widget.region.height:
            parts.append(text(app, f"#{widget.id}") if widget.id else "")
    return "\n".join(parts)


def shown_clock(app: BacktimerApp) -> str:
    return app.screen.query_one(Countdown).value


async def step(pilot, clock: FakeClock, seconds: float) -> None:  # type: ignore[no-untyped-def]
    """Move the clock on as the app's own refresh would see it: in small steps (a jump of
    more than the engine's max_gap would look like a suspended laptop and pause)."""
    for _ in range(50):  # the session starts just after the first frame
        screen = pilot.app.screen
        if not isinstance(screen, SessionScreen) or screen.session is not None:
            break
        await pilot.pause()
    left = seconds
    while left > 1e-9:
        dt = min(0.5, left)
        clock.advance(dt)
        left -= dt
        screen = pilot.app.screen
        if isinstance(screen, SessionScreen):
            screen.tick()
    await pilot.pause()


def top_parts(app: BacktimerApp) -> tuple[str, str, str]:
    """The session's top line as shown: (state word, exercise, detail); the parts are
    set apart by two or more spaces ("GET READY  Neck retraction       Rep 1/10")."""
    parts = re.split(r"\s{2,}", text(app, "#top"))
    state, exercise, detail = [*parts, "", "", ""][:3]
    return state, exercise, detail


def state_word(app: BacktimerApp) -> str:
    return top_parts(app)[0]


def detail_text(app: BacktimerApp) -> str:
    return top_parts(app)[2]


def one_exercise_app(exercise: str) -> tuple[BacktimerApp, FakeClock]:
    """The app on a routine with a 2 s get-ready and one exercise (its TOML lines)."""
    routine = load_text(
        '[routine]\nname = "Test"\n\n[defaults]\nprepare = "2s"\n\n[[exercise]]\n' + exercise,
        source="test.toml",
        routine_id="test",
    )
    clock = FakeClock()
    return BacktimerApp(routine, clock=clock, sound=False, record=False), clock
