"""Writing and adapting routines in the app: `c` customise and save a copy, `e` edit in
$EDITOR (App.suspend), and the progression level in the library's detail pane.

Driven by Pilot at 80x24 on the injected fake clock, with the real built-in routines and
the per-test user routines folder (tests/conftest.py)."""

from __future__ import annotations

import contextlib
import re
import stat
from pathlib import Path

import pytest

from backtimer import paths
from backtimer.routine.adjust import adjust, fields_of, step_seconds
from backtimer.routine.loader import load_file, load_text
from backtimer.ui.app import BacktimerApp
from backtimer.ui.screens.customise import CustomiseScreen, SaveAsScreen
from backtimer.ui.screens.library import LibraryScreen
from backtimer.ui.screens.problems import ProblemsScreen
from backtimer.ui.screens.session import SessionScreen
from tests.helpers.grow_helpers import CRUNCH, SIDE_PLANK, grow_toml, record_completed
from tests.helpers.ui_helpers import FakeClock, text

SIZE = (80, 24)

GROW = grow_toml(SIDE_PLANK, CRUNCH, place="floor")


def app() -> BacktimerApp:
    return BacktimerApp(clock=FakeClock(), sound=False, record=False)


def fields_lines(app: BacktimerApp) -> list[str]:
    """The chosen exercise's numbers, two to a line, the gap between them shown as 2 spaces."""
    return ["  ".join(re.split(r"\s{3,}", line)) for line in text(app, "#fields").splitlines()]


def messages(app: BacktimerApp) -> str:
    return "\n".join(n.message for n in app._notifications)


async def choose(pilot, routine_id: str) -> LibraryScreen:  # type: ignore[no-untyped-def]
    """Filter the library down to one routine and move the focus to the list."""
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, LibraryScreen)
    await pilot.press("slash", *routine_id)  # `/` filters as you type
    await pilot.pause()
    ids = [r.id for r in screen.shown]
    assert routine_id in ids
    await pilot.press("enter")  # back to the list, first match chosen: letters are keys there
    await pilot.press(*["down"] * ids.index(routine_id))
    assert screen.selected().id == routine_id  # type: ignore[union-attr]
    return screen


# --- adjusting numbers (pure) ---------------------------------------------------------------


def test_steps_are_one_second_below_ten_and_five_above() -> None:
    ups = [step_seconds(v, 1) for v in (1, 8, 9, 10, 12, 15)]
    assert ups == [2, 9, 10, 15, 15, 20]
    downs = [step_seconds(v, -1) for v in (20, 15, 12, 11, 10, 9)]
    assert downs == [15, 10, 10, 10, 9, 8]


def test_adjust_keeps_values_valid_and_within_the_progression() -> None:
    routine = load_text(GROW, source="grow.toml", routine_id="grow")
    plank, crunch = routine.exercises
    assert fields_of(plank) == ("hold", "reps", "sets", "rest")
    one = plank
    for _ in range(20):
        one, note = adjust(one, "hold", -1)
    assert one.hold == 1 and note == "hold is already at its least"
    high = plank
    for _ in range(20):
        high, note = adjust(high, "hold", 1)
    assert high.hold == 40 and note == "hold stops at 40 s, where its progression ends"
    more, _ = adjust(crunch, "sets", 1)
    assert more.sets == 2 and "set_rest" in fields_of(more)
    rest = crunch
    for _ in range(30):
        rest, _ = adjust(rest, "rest", -1)
    assert rest.rest == 0


# --- customise and save a copy --------------------------------------------------------------


async def test_customise_a_built_in_and_save_it_as_my_copy(user_routines: Path) -> None:
    builtin = paths.builtin_routines_dir() / "neck.toml"
    before = builtin.read_bytes()
    original = load_file(builtin)
    first = original.exercises[0]
    assert (first.name, first.hold, first.reps) == ("Neck retraction", 3, 10)
    application = app()
    async with application.run_test(size=SIZE) as pilot:
        await choose(pilot, "neck")
        await pilot.press("c")
        await pilot.pause()
        screen = application.screen
        assert isinstance(screen, CustomiseScreen)
        assert fields_lines(application)[:3] == [
            "Neck retraction",
            "hold 3 s  reps 10",
            "sets 1  rest after 10 s",
        ]
        total_before = text(application, "#total")
        await pilot.press("plus", "plus")  # hold 3 s -> 5 s
        await pilot.press("right", "minus")  # reps 10 -> 9
        # the 2nd exercise, same column (reps), three to the right: the rest between reps
        await pilot.press("down", "right", "right", "right", "plus")
        fields = fields_lines(application)
        assert fields[0] == "Trapezius stretch" and "between reps 3 s  switch sides 3 s" in fields
        assert "1. Neck retraction * — hold 5 s x 9" in text(application, "#exercise-0")
        total = text(application, "#total")
        assert total != total_before and "(was " in total and "s saves your copy" in total

        await pilot.press("s")
        await pilot.pause()
        assert isinstance(application.screen, SaveAsScreen)
        await pilot.press("enter")  # the default id
        await pilot.pause()
        library = application.screen
        assert isinstance(library, LibraryScreen)
        assert "Saved as 'neck-mine'" in messages(application)
        assert library.selected() is not None and library.selected().id == "neck-mine"  # type: ignore[union-attr]
        assert text(application, "#detail-text").startswith("Neck set (mine)")

    saved = load_file(user_routines / "neck-mine.toml")
    assert saved.name == "Neck set (mine)"
    assert (saved.exercises[0].hold, saved.exercises[0].reps) == (5, 9)
    assert (original.exercises[1].rep_rest, saved.exercises[1].rep_rest) == (2, 3)
    assert saved.exercises[2:] == original.exercises[2:]
    assert builtin.read_bytes() == before  # the built-in stays untouched
    assert not (user_routines / "neck.toml").exists()


async def test_save_as_an_existing_id_asks_before_overwriting(user_routines: Path) -> None:
    mine = user_routines / "neck-mine.toml"
    mine.write_text(GROW, encoding="utf-8")
    application = app()
    async with application.run_test(size=SIZE) as pilot:
        await choose(pilot, "neck")
        await pilot.press("c", "plus", "s")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(application.screen, SaveAsScreen)
        assert "already exists" in text(application, "#save-message")
        assert mine.read_text(encoding="utf-8") == GROW  # not yet
        await pilot.press("enter")  # yes, overwrite
        await pilot.pause()
        assert isinstance(application.screen, LibraryScreen)
    assert load_file(mine).exercises[0].hold == 4


async def test_leaving_customise_keeps_nothing(user_routines: Path) -> None:
    application = app()
    async with application.run_test(size=SIZE) as pilot:
        await choose(pilot, "neck")
        await pilot.press("c", "plus", "escape")
        await pilot.pause()
        assert isinstance(application.screen, LibraryScreen)
        assert "Changes not saved" in messages(application)
    assert list(user_routines.glob("*.toml")) == []


# --- e: edit in $EDITOR ---------------------------------------------------------------------


def fake_editor(folder: Path, *versions: str) -> Path:
    """An editor named `vim` (so it gets +LINE) that logs its arguments and writes the
    next version of the routine into the file it was given."""
    folder.mkdir(exist_ok=True)
    for n, version in enumerate(versions, 1):
        (folder / f"v{n}.toml").write_text(version, encoding="utf-8")
    script = folder / "vim"
    script.write_text(
        "#!/bin/sh\n"
        f'log="{folder}/log"\n'
        'echo "$@" >> "$log"\n'
        'n=$(wc -l < "$log" | tr -d " ")\n'
        "for last; do :; done\n"
        f'cp "{folder}/v$n.toml" "$last"\n',
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


def app_editing_grow(
    user_routines: Path, monkeypatch: pytest.MonkeyPatch, folder: Path, *versions: str
) -> BacktimerApp:
    """The app with grow.toml among your routines and $VISUAL a fake editor that writes
    `versions` in turn. Pilot's headless driver cannot hand over a terminal; here the
    editor runs without it (App.suspend does nothing)."""
    (user_routines / "grow.toml").write_text(GROW, encoding="utf-8")
    monkeypatch.setenv("VISUAL", str(fake_editor(folder, *versions)))
    application = app()
    monkeypatch.setattr(application, "suspend", contextlib.nullcontext)
    return application


async def test_e_in_a_terminal_that_cannot_suspend_says_what_to_do(
    user_routines: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Under Pilot the headless driver cannot suspend (textual raises SuspendNotSupported):
    the app says so and names the command; the built-in was copied, and said so."""
    editor = fake_editor(tmp_path / "bin", GROW)
    monkeypatch.setenv("EDITOR", str(editor))
    monkeypatch.delenv("VISUAL", raising=False)
    application = app()
    async with application.run_test(size=SIZE) as pilot:
        await choose(pilot, "neck")
        await pilot.press("e")
        await pilot.pause()
        said = messages(application)
        assert "Copied the built-in routine 'neck'" in said
        assert "cannot be handed over to an editor" in said and "backtimer edit neck" in said
        assert not (tmp_path / "bin" / "log").exists()  # the editor never ran
        assert "your routine" in text(application, "#detail-text")  # reloaded: now the user's
    copy = user_routines / "neck.toml"
    assert copy.read_text(encoding="utf-8").startswith("#:schema ./routine.schema.json")
    assert (
        load_file(copy).exercises == load_file(paths.builtin_routines_dir() / "neck.toml").exercises
    )


async def test_e_runs_the_editor_shows_problems_and_reopens_at_the_line(
    user_routines: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    broken = GROW.replace('hold = "10s"', 'hold = "ten"')
    fixed = GROW.replace('name = "Grow"', 'name = "Grow more"')
    application = app_editing_grow(user_routines, monkeypatch, tmp_path / "bin", broken, fixed)
    async with application.run_test(size=SIZE) as pilot:
        await choose(pilot, "grow")
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(application.screen, ProblemsScreen)
        problems = text(application, "#problem-list").replace("\n", " ")
        # the file's path is long and may wrap anywhere, even inside a name
        assert "grow.toml:7:" in "".join(problems.split())
        assert ':7: exercise 1 ("Side plank"): hold: expected a duration' in problems
        assert "Reopen the editor at line 7 (r)" in str(
            application.screen.query_one("#reopen").label
        )  # type: ignore[attr-defined]
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(application.screen, LibraryScreen)
        assert "grow.toml: valid, 2 exercises (Grow more)" in messages(application)
        assert text(application, "#detail-text").startswith("Grow more")
    log = (tmp_path / "bin" / "log").read_text(encoding="utf-8").splitlines()
    assert log == [str(user_routines / "grow.toml"), f"+7 {user_routines / 'grow.toml'}"]


async def test_keeping_a_broken_edit_marks_it_in_the_library(
    user_routines: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    broken = GROW.replace("reps = 10", "reps = -1")
    application = app_editing_grow(user_routines, monkeypatch, tmp_path / "bin", broken)
    async with application.run_test(size=SIZE) as pilot:
        await choose(pilot, "grow")
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("k")
        await pilot.pause()
        assert isinstance(application.screen, LibraryScreen)
        assert "grow has errors and cannot start" in text(application, "#detail-text")


# --- levels ---------------------------------------------------------------------------------


async def test_library_shows_the_current_level_and_starts_at_it(user_routines: Path) -> None:
    (user_routines / "grow.toml").write_text(GROW, encoding="utf-8")
    record_completed(4)
    application = app()
    async with application.run_test(size=SIZE) as pilot:
        await choose(pilot, "grow")
        detail = text(application, "#detail-text").replace("\n", " ")
        assert "2. Crunch — 12 reps" in detail
        assert "↗ 12 reps (from 10 reps, up to 30 reps); grows after 2 more sessions" in detail
        assert "↗ hold 10 s (from 10 s, up to 40 s)" in detail
        await pilot.press("enter")
        await pilot.pause()
        session = application.screen
        assert isinstance(session, SessionScreen)
        assert session.routine.exercises[1].reps == 12


async def test_level_base_runs_the_written_values(user_routines: Path) -> None:
    (user_routines / "grow.toml").write_text(GROW, encoding="utf-8")
    record_completed(4)
    application = BacktimerApp(clock=FakeClock(), sound=False, record=False, level="base")
    async with application.run_test(size=SIZE) as pilot:
        await choose(pilot, "grow")
        detail = text(application, "#detail-text").replace("\n", " ")
        assert "2. Crunch — 10 reps" in detail
        assert "runs at its base values (--level base); your level: 12 reps" in detail
        await pilot.press("enter")
        await pilot.pause()
        assert application.screen.routine.exercises[1].reps == 10  # type: ignore[attr-defined]


async def test_customise_in_a_half_width_pane_keeps_the_chosen_exercise_in_view() -> None:
    application = app()
    async with application.run_test(size=(50, 16)) as pilot:
        await choose(pilot, "neck")
        await pilot.press("c", *["down"] * 7, "plus")
        await pilot.pause()
        chosen = application.screen.query_one("#exercise-7")
        scroller = application.screen.query_one("#exercises")
        assert scroller.region.contains_region(chosen.region)
        assert text(application, "#exercise-7").startswith("▶ 8. Wrist-hold neck stretch *")
        assert fields_lines(application)[0] == "Wrist-hold neck stretch"


@pytest.mark.parametrize(("argv", "reps"), [([], 12), (["--level", "base"], 10)])
def test_backtimer_run_opens_the_app_at_the_level(
    user_routines: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str], reps: int
) -> None:
    """`backtimer run grow` (no --plain, in a terminal) hands launch() the level."""
    import sys

    from backtimer.cli.main import main

    (user_routines / "grow.toml").write_text(GROW, encoding="utf-8")
    record_completed(4)
    started: list[BacktimerApp] = []

    def run(self: BacktimerApp) -> int:
        started.append(self)
        return 0

    monkeypatch.setattr(BacktimerApp, "run", run)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert main(["run", "grow", *argv]) == 0
    (application,) = started
    assert application.routine is not None
    assert application.routine.exercises[1].reps == reps
    assert application.level == (argv[-1] if argv else "current")
