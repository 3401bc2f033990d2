"""Every screen in a small pane, as drawn: at 40x12 usable (state, digits, time left, what
is next, the keys that matter), at 50x16 and 80x24 complete. The footer shows only whole
keys, and toasts stay inside the screen, off every button.

The screens are those of the snapshots (tests/test_ui_snapshots.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Button, Footer
from textual.widgets._footer import FooterKey
from textual.widgets._toast import Toast

from backtimer.routine.library import load
from backtimer.ui.app import BacktimerApp
from tests.helpers.ui_helpers import FakeClock, screen_lines, step
from tests.ui.test_ui_snapshots import SCREENS

SIZES = [(80, 24), (50, 16), (40, 12)]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", list(SCREENS))
async def test_footer_keys_are_whole_and_toasts_cover_no_button(
    name: str, size: tuple[int, int], isolated_dirs: Path
) -> None:
    app, before = SCREENS[name]()
    async with app.run_test(size=size, notifications=True) as pilot:
        await before(pilot)
        screen = app.screen
        bottom = screen_lines(app)[-1]
        footer = screen.query_one(Footer)
        keys = [k for k in footer.query(FooterKey) if k.display]
        assert keys, f"{name}: no keys in the footer"
        for key in keys:
            assert key.region.right <= size[0], f"{name}: {key.key_display} {key.description}"
            assert f"{key.key_display} {key.description}".strip() in bottom, (name, bottom)
        buttons = [b.region for b in screen.query(Button) if b.display and b.region.area]
        for toast in screen.query(Toast):
            region = toast.region
            assert region.right <= size[0] and region.bottom <= size[1], (name, region)
            assert not any(region.overlaps(b) for b in buttons), f"{name}: a toast on a button"


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_a_rest_shows_state_digits_time_left_next_and_the_keys(
    size: tuple[int, int],
) -> None:
    clock = FakeClock()
    app = BacktimerApp(load("neck"), clock=clock, sound=False, record=False)
    async with app.run_test(size=size, notifications=True) as pilot:
        await step(pilot, clock, 1.0)
        await pilot.press("N")  # the rest before the trapezius stretch, with the breath guide
        await step(pilot, clock, 1.0)
        lines = screen_lines(app)
        shown = "\n".join(lines)
        assert lines[0].split()[0] == "REST"
        assert "left" in shown  # the whole routine's time left
        assert "Next: Trapezius stretch" in shown
        assert "Exhale" in shown or "Inhale" in shown  # the breath guide
        for keys in ("space Pause", "n Next", "! It hurts", "q Quit"):
            assert keys in lines[-1]
        digits = app.screen.query_one("#countdown").region
        assert digits.height >= 3 and digits.bottom < size[1] - 1


async def test_the_library_in_a_small_pane_lists_several_routines_with_their_time(
    isolated_dirs: Path,
) -> None:
    for size, at_least in (((40, 12), 4), ((50, 16), 6)):
        app = BacktimerApp(clock=FakeClock(), sound=False, record=False)
        async with app.run_test(size=size, notifications=True) as pilot:
            await pilot.pause()
            await pilot.pause()
            screen = app.screen
            lines = screen_lines(app)
            rows = [r for r in screen.shown if r.kind == "routine"]  # type: ignore[attr-defined]
            visible = [
                line for line in lines if any(line.rstrip().endswith(r.duration) for r in rows)
            ]
            assert len(visible) >= at_least, "\n".join(lines)
            assert all(line.rstrip().endswith(" min") for line in visible)  # never "~22 mi"


@pytest.mark.parametrize("size", [(80, 24), (100, 30)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_a_long_notice_is_shown_whole_from_80_columns(size: tuple[int, int]) -> None:
    notice = (
        "sound: no sound device or player found, using the terminal bell (simpleaudio: "
        "cannot open the sound device)"
    )
    clock = FakeClock()
    app = BacktimerApp(load("neck"), clock=clock, sound=False, record=False)
    async with app.run_test(size=size, notifications=True) as pilot:
        await step(pilot, clock, 1.0)
        screen = app.screen
        assert screen.session is not None  # type: ignore[attr-defined]
        screen.session.notices.append(notice)  # type: ignore[attr-defined]
        await step(pilot, clock, 1.0)
        await pilot.pause(0.1)
        assert [n.message for n in app._notifications] == [notice]
        toasts = list(screen.query(Toast))
        assert len(toasts) == 1
        region = toasts[0].region
        assert region.right <= size[0] and region.bottom <= size[1] - 1
        drawn = screen_lines(app)[region.y : region.bottom]
        words = " ".join(line[region.x : region.right].strip(" ▌") for line in drawn).split()
        assert " ".join(words) == notice
