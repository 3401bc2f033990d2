"""Keys arriving in any order at any speed never crash a screen.

Each example drives the app (library -> session -> summary and their dialogs) with bursts
of keys posted the way the terminal driver posts them: a burst arrives within one frame,
with no pause between its keys, which is how a fast typist, a held key or a paste reaches
the app. The app must never end with an exception (Textual re-raises one from run_test).
"""

from __future__ import annotations

import asyncio
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual import events

from backtimer.ui.app import BacktimerApp
from tests.helpers.ui_helpers import FakeClock, make_app

# Every key a screen of the library, session, summary, help and confirm dialog binds,
# and a few nobody binds. Not "e" (hands the terminal to an editor) nor "w" (work mode
# polls the desktop): they leave the app by design.
KEYS = (
    "enter", "q", "down", "up", "slash", "escape", "s", "c", "question_mark", "space", "n",
    "right", "N", "p", "left", "r", "plus", "minus", "d", "m", "exclamation_mark", "l", "y",
    "tab", "home", "end", "ctrl+c", "x", "f1",
)  # fmt: skip
_CHARS = {
    "enter": "\r", "space": " ", "slash": "/", "question_mark": "?", "plus": "+",
    "minus": "-", "exclamation_mark": "!", "tab": "\t", "ctrl+c": "\x03", "escape": "\x1b",
}  # fmt: skip


def post_burst(app: BacktimerApp, keys: list[str]) -> None:
    """Keys as the driver delivers them, all before the app handles the first."""
    assert app._driver is not None
    for key in keys:
        event = events.Key(key, _CHARS.get(key, key if len(key) == 1 else None))
        event.set_sender(app)
        app._driver.send_message(event)


async def drive(bursts: list[list[str]], advance: list[float]) -> BacktimerApp:
    clock = FakeClock()
    app = make_app(clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        for burst, seconds in zip(bursts, advance, strict=False):
            if not app.is_running:
                break
            clock.advance(seconds)
            post_burst(app, burst)
            await pilot.pause()
    return app


key_bursts = st.lists(
    # N (skip an exercise) more often than the rest, so the summary is reached too
    st.lists(st.sampled_from((*KEYS, *["N"] * 8)), min_size=1, max_size=14),
    min_size=1,
    max_size=10,
)

# seconds that pass before each burst; 300 s ends the sample routine (the summary is up)
seconds_between = st.lists(st.sampled_from([0.0, 0.5, 4.0, 30.0, 300.0]), max_size=10)


@settings(
    # about 1.4 s each (an app per example); BACKTIMER_KEY_FUZZ=300 for a longer run
    max_examples=int(os.environ.get("BACKTIMER_KEY_FUZZ", "20")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(bursts=key_bursts, advance=seconds_between)
def test_keys_in_any_order_at_any_speed_never_crash(
    bursts: list[list[str]], advance: list[float]
) -> None:
    advance = advance + [0.0] * (len(bursts) - len(advance))
    asyncio.run(drive(bursts, advance))  # an exception in the app is raised here


# The sequences that crashed (MountError: a screen mounting into one already gone), with
# the seconds that pass before each burst. Twelve N skip every exercise of the sample
# routine: the summary is up.
TO_THE_SUMMARY = ["N"] * 12
KNOWN = [
    ([["down", "enter", "q"]], [0.0]),  # library: start a routine and quit in one frame
    ([["down", "enter"], TO_THE_SUMMARY, ["r", "q"]], [0.0, 1.0, 0.0]),  # summary: r+q
    ([["down", "enter"], TO_THE_SUMMARY, ["r", "q", "y"]], [0.0, 1.0, 0.0]),
    ([["down", "enter"], [*TO_THE_SUMMARY, "r", "q"]], [0.0, 1.0]),
    ([["down", "enter", "q", "y"]], [0.0]),
    ([["down", "enter", "q", "q", "q"]], [0.0]),
    # library: Ctrl+C quits, and "c" typed in the same frame opened Customise in an app
    # already closing (NoMatches)
    ([["ctrl+c", "down", "c"], ["enter", "enter"]], [0.0, 0.0]),
]


def test_the_bursts_that_used_to_crash() -> None:
    for bursts, advance in KNOWN:
        asyncio.run(drive(bursts, advance))  # raised MountError before
