"""The Textual app driven by Pilot on a fake clock: what a person sees and presses.

The clock is injected; a test moves it forward and asks the screen to refresh, so
nothing sleeps for real and every run sees the same seconds.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from backtimer.routine.loader import load_file
from backtimer.ui.app import BacktimerApp
from backtimer.ui.screens.confirm import QuitConfirm
from backtimer.ui.screens.help import HelpScreen
from backtimer.ui.screens.library import LibraryScreen
from backtimer.ui.screens.session import SessionScreen
from backtimer.ui.screens.summary import SummaryScreen
from backtimer.ui.widgets.breath import BreathGuide
from backtimer.ui.widgets.countdown import Countdown
from tests.helpers.ui_helpers import (
    SAMPLE,
    FakeClock,
    detail_text,
    make_app,
    one_exercise_app,
    shown_clock,
    state_word,
    step,
    text,
    top_parts,
)


async def test_library_lists_routines_filters_and_marks_broken_ones() -> None:
    app = make_app(FakeClock())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        names = [r.name for r in screen.shown]
        assert names == ["broken", "UI sample", "⏰ Work mode"]  # work mode pinned last
        table = screen.query_one("#routines")
        row = [str(c) for c in table.get_row("ui-sample")]  # type: ignore[attr-defined]
        assert row[:3] == ["UI sample", "chair", "4"]
        broken = [str(c) for c in table.get_row("broken")]  # type: ignore[attr-defined]
        assert broken == ["⚠ broken", "error", "", "line 6"]
        # the detail pane shows the broken file's problem, naming the field
        detail = text(app, "#detail-text")
        assert "broken has errors and cannot start" in detail
        assert 'exercise 1 ("Shrug"): hold: expected a duration' in detail.replace("\n", " ")
        await pilot.press("slash", "u", "i")  # / then type: filter as you type
        assert [r.id for r in screen.shown] == ["ui-sample"]
        detail = text(app, "#detail-text")
        assert "Chin tuck — hold 8 s x 2" in detail
        assert "Trapezius stretch" in detail and "Gently: a light pull" in detail
        assert "Stop if anything hurts." in detail
        await pilot.press("z", "z", "z")
        assert screen.shown == []
        assert "No routine matches" in text(app, "#detail-text")


async def test_a_broken_routine_does_not_start() -> None:
    app = make_app(FakeClock())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        assert any("broken cannot start" in n.message for n in app._notifications)


async def test_start_pause_skip_finish_and_summary() -> None:
    clock = FakeClock()
    app = make_app(clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        assert state_word(app) == "GET READY"
        assert shown_clock(app) == "0:05"
        assert text(app, "#next-up") == "Next: Chin tuck — hold 8 s x 2"

        await step(pilot, clock, 1.5)
        assert shown_clock(app) == "0:04"

        # pause: time passes, the countdown does not move
        await pilot.press("space")
        assert state_word(app) == "PAUSED"
        assert "press space" in text(app, "#hint")
        await step(pilot, clock, 30)
        assert shown_clock(app) == "0:04"
        await pilot.press("space")
        await step(pilot, clock, 1.0)
        assert shown_clock(app) == "0:03"

        # into the first hold
        await step(pilot, clock, 3.0)
        assert state_word(app) == "WORK"
        assert text(app, "#band") == "Hold"
        assert detail_text(app) == "Rep 1/2"
        assert shown_clock(app) == "0:08"

        # n: next segment (a short relaxed rest), N: skip the exercise
        await pilot.press("n")
        assert text(app, "#band") == "Relax"
        assert screen.query_one("#band").has_class("-relax")
        await pilot.press("N")
        assert state_word(app) == "REST"
        assert text(app, "#next-up") == "Next: Trapezius stretch — hold 3 s x 2, alternate sides"
        assert "Gently: a light pull" in text(app, "#caution")

        # time runs the rest of the routine; the last hold is open-ended and counts up
        for _ in range(60):
            await step(pilot, clock, 1.0)
            if state_word(app) == "YOUR PACE":
                break
        assert text(app, "#band") == "Hold as long as you can"
        held = shown_clock(app)
        await step(pilot, clock, 5.0)
        assert shown_clock(app) > held  # counting up
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert text(app, "#title") == "Routine finished — 3 of 4 exercises done"
        table = text(app, "#table")
        assert "Chin tuck" in table and "skipped" in table
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)


async def test_phased_reps_show_the_breath_word() -> None:
    clock = FakeClock()
    routine = load_file(SAMPLE, routine_id="ui-sample")
    app = BacktimerApp(routine, clock=clock, sound=False, record=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("N", "N")  # skip chin tuck and the trapezius stretch
        await pilot.press("n")  # past the rest
        assert text(app, "#band") == "Inhale — lift the chest"
        assert detail_text(app) == "Rep 1/2"
        await step(pilot, clock, 2.5)
        assert text(app, "#band") == "Exhale — round the back"


async def test_breath_guide_grows_on_inhale_and_shrinks_on_exhale() -> None:
    clock = FakeClock()
    routine = load_file(SAMPLE, routine_id="ui-sample")
    app = BacktimerApp(routine, clock=clock, sound=False, record=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        guide = app.screen.query_one(BreathGuide)
        await step(pilot, clock, 1.0)
        assert guide.display and guide.breath is not None
        assert guide.breath.word == "Inhale" and guide.breath.seconds == 3
        first = guide.breath.fill
        await step(pilot, clock, 2.0)
        assert guide.breath.word == "Inhale" and guide.breath.fill > first
        assert text(app, "BreathGuide").startswith("Inhale")
        await step(pilot, clock, 2.0)  # into the hold: the pacer restarts with the segment
        await step(pilot, clock, 5.0)
        assert guide.breath.word == "Exhale"
        high = guide.breath.fill
        await step(pilot, clock, 2.0)
        assert guide.breath.fill < high
        # the trapezius stretch has breath = false: no guide
        await pilot.press("N")
        await pilot.press("n")
        assert text(app, "#band") == "Hold · Left side"
        assert detail_text(app) == "Rep 1/2 · Left side"
        assert not guide.display


async def test_quit_asks_first_and_keep_going_resumes() -> None:
    clock = FakeClock()
    app = make_app(clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter")
        await pilot.pause()
        session = app.screen
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, QuitConfirm)
        assert "Stop this session?" in text(app, "#title")
        before = session.query_one(Countdown).value
        await step(pilot, clock, 20)  # paused while the question is open
        assert session.query_one(Countdown).value == before
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is session
        assert state_word(app) == "GET READY"
        await pilot.press("q")
        await pilot.pause()
        await pilot.press("s")  # stop and see the summary
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert text(app, "#title") == "Stopped early"
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_quit_from_the_confirmation_exits() -> None:
    app = make_app(FakeClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter")
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
    assert app.return_code == 0
    assert not app.is_running


async def test_ctrl_c_in_a_session_asks_first_and_a_second_ctrl_c_quits() -> None:
    clock = FakeClock()
    app = make_app(clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter")
        await pilot.pause()
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert isinstance(app.screen, QuitConfirm)  # not Textual's "press ctrl+q" hint
        await pilot.press("ctrl+c")
        await pilot.pause()
    assert app.return_code == 0
    assert not app.is_running


async def test_ctrl_c_in_the_library_quits() -> None:
    app = make_app(FakeClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+c")
        await pilot.pause()
    assert not app.is_running


async def test_pain_stops_at_once_with_a_calm_message() -> None:
    clock = FakeClock()
    app = make_app(clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter")
        await step(pilot, clock, 6.0)
        await pilot.press("exclamation_mark")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert text(app, "#title") == "Stopped because it hurt"
        message = text(app, "#message")
        assert "pain" in message.lower() and "rest" in message.lower()


async def test_help_lists_every_key_and_remapped_keys() -> None:
    app = make_app(FakeClock(), keymap={"pause": "k", "next": "l"})
    async with app.run_test(size=(80, 30)) as pilot:
        await pilot.press("down", "enter")
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        body = text(app, "#keys Static")
        for words in ("Pause / resume", "Next segment", "Stop now because it hurts", "Add 10"):
            assert words in body
        await pilot.press("escape")
        await pilot.pause()
        # the remapped key pauses; space no longer does
        await pilot.press("space")
        assert state_word(app) == "GET READY"
        await pilot.press("k")
        assert state_word(app) == "PAUSED"
        await pilot.pause()
        assert text(app, "#hint") == "Paused — press k to go on"  # the key the person set


async def test_adjust_adds_and_removes_ten_seconds() -> None:
    clock = FakeClock()
    app = make_app(clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter")
        await pilot.pause()
        assert shown_clock(app) == "0:05"
        await pilot.press("plus")
        assert shown_clock(app) == "0:15"
        await pilot.press("minus")
        assert shown_clock(app) == "0:05"


@pytest.mark.parametrize("size", [(80, 24), (50, 16), (40, 12), (30, 8)])
async def test_small_terminals_keep_countdown_and_instruction(size: tuple[int, int]) -> None:
    clock = FakeClock()
    app = make_app(clock)
    async with app.run_test(size=size) as pilot:
        await pilot.press("down", "enter")
        await step(pilot, clock, 5.5)
        screen = app.screen
        countdown = screen.query_one(Countdown)
        band = screen.query_one("#band")
        regions = [countdown.region, band.region]
        for region in regions:
            assert region.height > 0 and region.bottom <= size[1] - 1  # above the footer
        assert not countdown.region.overlaps(band.region)
        if size[1] >= 16:
            await pilot.press("N")  # a rest: the next-up line stays visible
            await pilot.pause()
            assert text(app, "#next-up").startswith("Next: Trapezius stretch")
            nxt = screen.query_one("#next-up")
            assert nxt.region.height > 0 and nxt.region.bottom <= size[1] - 1


async def test_the_bell_rings_at_segment_boundaries_when_no_sound_can_play() -> None:
    from backtimer.timeline import compile
    from backtimer.usecases.session import Session

    clock = FakeClock()
    routine = load_file(SAMPLE, routine_id="ui-sample")

    def quiet_session(r: object) -> Session:  # an audio listener that cannot play
        return Session(routine, compile(routine), sound=False, record=False)

    app = BacktimerApp(
        routine, clock=clock, sound=True, record=False, session_factory=quiet_session
    )
    rings: list[int] = []
    app.bell = lambda: rings.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        first = len(rings)
        await step(pilot, clock, 4.0)
        assert len(rings) == first  # nothing inside a segment
        await step(pilot, clock, 1.5)  # prepare -> first hold
        assert len(rings) == first + 1
        await pilot.press("m")  # muted is silent: no bell either
        assert "Unmute" in [b.binding.description for b in app.active_bindings.values()]
        await pilot.press("n")
        assert len(rings) == first + 1
        await pilot.press("m")  # sound on again: the bell is back
        await pilot.press("n")
        assert len(rings) == first + 2


async def test_no_sound_means_no_bell() -> None:
    clock = FakeClock()
    routine = load_file(SAMPLE, routine_id="ui-sample")
    app = BacktimerApp(routine, clock=clock, sound=False, record=False)
    rings: list[int] = []
    app.bell = lambda: rings.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await step(pilot, clock, 6.0)
        await pilot.press("n")
        assert rings == []


async def test_library_opens_stats_and_work_mode_from_the_list() -> None:
    from backtimer.ui.screens.stats import StatsScreen
    from backtimer.ui.screens.work import WorkScreen

    app = make_app(FakeClock())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.screen.focused is app.screen.query_one("#routines")  # the list, not the filter
        await pilot.press("s")  # a single letter is a command in the list
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, WorkScreen)


def footer_keys(app: BacktimerApp) -> list[tuple[str, str]]:
    """The keys the footer shows now (key, description), in order."""
    return [
        (app.get_key_display(b), b.description)
        for _ns, b, enabled, _tip in app.screen.active_bindings.values()
        if b.show and enabled
    ]


async def test_library_keys_are_in_the_footer_and_slash_filters() -> None:
    app = make_app(FakeClock())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        assert [d for _k, d in footer_keys(app)] == [
            "Start", "Filter", "Edit", "Customise", "Stats", "Work mode", "Help", "Quit",
        ]  # fmt: skip
        assert ("/", "Filter") in footer_keys(app) and ("q", "Quit") in footer_keys(app)
        footer = app.screen.query_one("Footer")
        assert "/ Filter" in " ".join(str(w.render()) for w in footer.query("FooterKey"))
        assert "/ to filter" in screen.query_one("#filter").placeholder  # type: ignore[attr-defined]
        # `/` moves to the filter: letters type there, and the footer says what Esc does
        await pilot.press("slash", "s", "a", "m")
        assert screen.query_one("#filter").value == "sam"  # type: ignore[attr-defined]
        assert isinstance(screen, LibraryScreen) and app.screen is screen  # no Stats screen
        assert [r.id for r in screen.shown] == ["ui-sample"]
        assert footer_keys(app) == [("esc", "Clear filter")]
        # Enter: back to the list, the first match chosen; then Enter starts it
        await pilot.press("enter")
        assert screen.focused is screen.query_one("#routines")
        assert screen.selected().id == "ui-sample"  # type: ignore[union-attr]
        # Esc clears the filter and stays in the list
        await pilot.press("escape")
        await pilot.pause()
        assert screen.query_one("#filter").value == ""  # type: ignore[attr-defined]
        assert len(screen.shown) == 3 and screen.focused is screen.query_one("#routines")
        # Down from the filter also goes back to the list; Esc from the filter clears it
        await pilot.press("slash", "b", "r", "o", "down")
        assert screen.focused is screen.query_one("#routines")
        assert screen.selected().id == "broken"  # type: ignore[union-attr]
        await pilot.press("slash", "x", "escape")
        assert screen.query_one("#filter").value == ""  # type: ignore[attr-defined]
        assert screen.focused is screen.query_one("#routines") and len(screen.shown) == 3
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)


async def test_library_keys_can_be_remapped() -> None:
    app = make_app(FakeClock(), keymap={"filter": "f", "start": "o"})
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert ("f", "Filter") in footer_keys(app) and ("o", "Start") in footer_keys(app)
        await pilot.press("f", "u", "i", "enter")
        assert [r.id for r in app.screen.shown] == ["ui-sample"]  # type: ignore[attr-defined]
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)


async def test_keys_typed_fast_after_slash_all_reach_the_filter() -> None:
    """A terminal can deliver "/ui", Enter and "e" at once (typed fast or pasted): no
    letter is lost to the list while the focus moves, and "e" after Enter is a command."""
    from textual import events

    app = make_app(FakeClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        for key, char in [("slash", "/"), ("u", "u"), ("i", "i"), ("enter", None), ("c", "c")]:
            app.post_message(events.Key(key, char))  # queued together, as a driver does
        await pilot.pause()
        assert screen.query_one("#filter").value == "ui"  # type: ignore[attr-defined]
        assert screen.selected().id == "ui-sample"  # type: ignore[union-attr]
        await pilot.pause()
        assert type(app.screen).__name__ == "CustomiseScreen"  # "c" customised ui-sample


async def test_q_quits_from_the_library() -> None:
    app = make_app(FakeClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("escape")  # nothing to clear: Esc does not quit by accident
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, LibraryScreen)
        await pilot.press("q")
        await pilot.pause()
    assert not app.is_running and app.return_code == 0


async def test_work_mode_entry_explains_and_opens_work_mode(isolated_dirs: Path) -> None:
    from backtimer.ui.screens.work import WorkScreen

    config = isolated_dirs / "config" / "config.toml"
    config.write_text('[breaks]\nevery = "90m"\nroutines = ["ui-sample", "neck"]\n', "utf-8")
    app = make_app(FakeClock())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        table = screen.query_one("#routines")
        row = [str(c) for c in table.get_row(screen.shown[-1].id)]  # type: ignore[attr-defined]
        assert row == ["⏰ Work mode", "every", "", "1h30m"]
        await pilot.press("end")  # the last row
        assert screen.selected() is screen.shown[-1]
        detail = text(app, "#detail-text").replace("\n", " ")
        assert detail.startswith("Work mode — desk breaks")
        assert "A break every 1 h 30 min while you work" in detail
        assert "Breaks: UI sample, then neck" in detail  # names where the library has them
        assert "[breaks] in " in detail and "config.toml" in detail
        await pilot.press("e")  # not a routine: says where its settings are
        assert any("Work mode is not a routine" in n.message for n in app._notifications)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, WorkScreen)
        assert "every 1h30m" in text(app, "#work-plan")


async def test_command_palette_offers_the_session_actions() -> None:
    app = make_app(FakeClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter")
        await step(pilot, FakeClock(), 0)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for title in ("Pause", "Next", "Back", "Skip exercise", "It hurts", "Quit", "+10 s"):
            assert title in titles
        assert "Resume" not in titles  # only what applies now
        pause = next(c for c in app.get_system_commands(app.screen) if c.title == "Pause")
        pause.callback()
        await pilot.pause()
        assert state_word(app) == "PAUSED"


def test_keys_table_in_config(isolated_dirs: Path) -> None:
    from backtimer.ui.app import launch
    from backtimer.usecases.errors import UserError
    from backtimer.usecases.settings import ConfigError, Settings

    config = isolated_dirs / "config" / "config.toml"
    config.write_text('[keys]\npause = "k"\nnext = ["l", "right"]\n', encoding="utf-8")
    assert Settings.load().keys == {"pause": "k", "next": "l,right"}
    config.write_text('[keys]\njump = "j"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        _ = Settings.load().keys
    assert str(err.value).startswith(f"{config}:2: [keys] jump: unknown action; known: ")
    config.write_text("[keys]\npause = 3\n", encoding="utf-8")
    with pytest.raises(UserError) as user_err:
        launch(None)  # a clear message before the app starts, no traceback
    assert "[keys] pause: expected keys such as" in str(user_err.value)


def test_launch_names_an_unknown_routine() -> None:
    from backtimer.ui.app import launch
    from backtimer.usecases.errors import UserError

    with pytest.raises(UserError) as err:
        launch("no-such-routine")
    assert "unknown routine 'no-such-routine'" in str(err.value)


async def test_the_summary_says_what_history_saved_and_the_streak(isolated_dirs: Path) -> None:
    """A real history store in the test's data folder: yesterday's completed session and
    today's partial one (exercises skipped) make a streak of 1 day, shown next to what
    was saved."""
    from datetime import UTC, datetime, timedelta

    from backtimer.history.store import Store
    from backtimer.timeline import compile
    from backtimer.usecases.session import Session

    yesterday = datetime.now(UTC) - timedelta(days=1)
    with Store() as store:
        sid = store.start_session(
            routine_id="neck", name="Neck set", source_hash="x", started_at=yesterday,
            planned_seconds=60, exercises_planned=1,
        )  # fmt: skip
        store.finish_session(
            sid, status="completed", ended_at=yesterday + timedelta(minutes=1),
            worked_seconds=60, duration_seconds=60, paused_seconds=0,
        )  # fmt: skip
    clock = FakeClock()
    routine = load_file(SAMPLE, routine_id="ui-sample")

    def recorded(r: object) -> Session:
        return Session(routine, compile(routine), sound=False, record=True)

    app = BacktimerApp(routine, clock=clock, sound=False, session_factory=recorded)
    async with app.run_test(size=(100, 30)) as pilot:
        await step(pilot, clock, 6.0)
        await pilot.press("N", "N", "N")  # skip three exercises
        await step(pilot, clock, 12.0)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        saved = text(app, "#saved").replace("\n", " ")
        assert "Saved to history: 4 exercises, partial" in saved  # skipped ones too
        assert "history.sqlite3" in saved
        # Exercises skipped: partial, which (like `stats`) does not extend the streak.
        assert "Streak: 1 day" in saved
        # the saved line is not repeated among the other notices
        assert not any("Saved to history" in str(n.render()) for n in app.screen.query(".notice"))


async def test_the_summary_of_a_stopped_session_shows_the_streak_so_far(
    isolated_dirs: Path,
) -> None:
    from backtimer.timeline import compile
    from backtimer.usecases.session import Session

    clock = FakeClock()
    routine = load_file(SAMPLE, routine_id="ui-sample")

    def recorded(r: object) -> Session:
        return Session(routine, compile(routine), sound=False, record=True)

    app = BacktimerApp(routine, clock=clock, sound=False, session_factory=recorded)
    async with app.run_test(size=(80, 24)) as pilot:
        await step(pilot, clock, 8.0)
        await pilot.press("q")
        await pilot.pause()
        await pilot.press("s")  # stop and see the summary
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        saved = text(app, "#saved").replace("\n", " ")
        assert "Saved to history: 0 exercises, stopped" in saved
        assert "Streak: none yet — complete a routine today to start one" in saved


def test_streak_words() -> None:
    from backtimer.ui.screens.summary import streak_text

    assert streak_text(1, 1) == "Streak: 1 day"
    assert streak_text(3, 5) == "Streak: 3 days in a row (longest 5 days)"
    assert streak_text(0, 4) == (
        "Streak: none yet — complete a routine today to start one (longest 4 days)"
    )


async def test_large_terminals_get_larger_digits() -> None:
    clock = FakeClock()
    routine = load_file(SAMPLE, routine_id="ui-sample")
    sizes = {(80, 20): 3, (100, 30): 5, (160, 50): 10, (220, 64): 15}
    for size, rows in sizes.items():
        app = BacktimerApp(routine, clock=clock, sound=False, record=False)
        async with app.run_test(size=size) as pilot:
            await step(pilot, clock, 0)
            countdown = app.screen.query_one(Countdown)
            assert countdown.region.height == rows, size
            assert countdown.region.right <= size[0]


async def test_no_color_keeps_the_state_readable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    clock = FakeClock()
    routine = load_file(SAMPLE, routine_id="ui-sample")
    app = BacktimerApp(routine, clock=clock, sound=False, record=False)
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.no_color
        await step(pilot, clock, 6.0)
        # the kind of segment is a word and a border style, not only a colour
        assert state_word(app) == "WORK"
        assert app.screen.query_one("#band").styles.border_top[0] == "heavy"
        await pilot.press("space")
        assert state_word(app) == "PAUSED"
        assert app.screen.query_one("#band").styles.border_top[0] == "dashed"


def test_sides_read_left_side_and_own_labels_as_written() -> None:
    from backtimer.ui.view import side_text

    assert [side_text(s) for s in ("left", "right", "forwards", None)] == [
        "Left side", "Right side", "Forwards", "",
    ]  # fmt: skip


async def test_a_routines_own_side_labels_show_as_written() -> None:
    app, clock = one_exercise_app(
        'name = "Shoulder circles"\nhold = "3s"\nsides = ["forwards", "backwards"]\n'
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await step(pilot, clock, 2.5)
        assert text(app, "#band") == "Hold · Forwards"
        assert detail_text(app).endswith("Forwards")
        await step(pilot, clock, 3.0)  # the switch between the two: says what comes next
        assert "backwards" in text(app, "#next-up").lower()
        assert "side" not in text(app, "#next-up").lower()


async def test_square_brackets_in_a_routine_show_as_written() -> None:
    # Names, steps and cautions are the author's text, not Textual markup: "[d]" or
    # "[bold]" must neither vanish nor restyle the screen.
    app, clock = one_exercise_app(
        'name = "Plank [easy]"\nhold = "5s"\n'
        'steps = ["Press [d] when done", "Breathe [bold]out[/bold]"]\n'
        'caution = "Stop [now] if it hurts"\n'
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await step(pilot, clock, 0.5)
        assert text(app, "#next-up") == "Next: Plank [easy] — hold 5 s"
        assert text(app, "#steps") == "1. Press [d] when done\n2. Breathe [bold]out[/bold]"
        assert text(app, "#caution") == "Caution: Stop [now] if it hurts"
        await step(pilot, clock, 2.0)
        assert top_parts(app)[1] == "Plank [easy]"


def _bottom_line(app: BacktimerApp) -> str:
    return app.screen._compositor.render_strips()[app.size.height - 1].text.strip()


async def test_the_session_keys_fit_a_half_width_terminal() -> None:
    # At 50 columns the command palette's key gives way, so every session key shows in
    # full ("It hurts" was cut to "It hur", and q Quit / ? Help were off screen).
    clock = FakeClock()
    app = make_app(clock)
    async with app.run_test(size=(50, 16)) as pilot:
        await pilot.press("down", "enter")
        await step(pilot, clock, 1.0)
        await pilot.pause()
        line = _bottom_line(app)
        assert line.endswith("! It hurts q Quit ? Help") and "palette" not in line
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        await pilot.pause()
        assert _bottom_line(app).endswith("^p palette")


def test_the_top_line_drops_the_detail_before_cutting_the_name_short() -> None:
    from backtimer.ui.widgets.topline import TopLine

    top = TopLine("Trapezius stretch")
    top.show("WORK", "Trapezius stretch", "Rep 3/10 · Left side")
    assert top.parts(80) == (" WORK ", "Trapezius stretch", "Rep 3/10 · Left side")
    # 40 cells: the name is cut to 12 cells so the rep and the side still show
    assert top.parts(40) == (" WORK ", "Trapezius s…", "Rep 3/10 · Left side")
    # 35: the detail would leave the name fewer than 12 cells, so the detail goes
    assert top.parts(35) == (" WORK ", "Trapezius stretch", "")
    # narrower still: the name is cut, the state word stays
    assert top.parts(16) == (" WORK ", "Trapeziu…", "")  # 16 - 7 cells
