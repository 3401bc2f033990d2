"""Finding routines: built-ins, the user's folder (overrides), paths, unknown ids, broken files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from backtimer import paths
from backtimer.describe import work_text
from backtimer.routine.library import discover, known_ids, load, resolve
from backtimer.routine.loader import RoutineError, load_text

MINIMAL = """\
[routine]
name = "{name}"

[[exercise]]
name = "Neck retraction"
hold = "3s"
reps = 2
"""


def builtin_ids() -> list[str]:
    return sorted(p.stem for p in paths.builtin_routines_dir().glob("*.toml"))


def test_builtin_routines_are_found_and_all_load() -> None:
    ids = builtin_ids()
    assert "neck" in ids and "office-chair" in ids
    entries = discover()
    assert [e.id for e in entries] == ids
    for entry in entries:
        assert entry.origin == "built-in"
        assert entry.error is None, f"{entry.id}: {entry.error}"
        assert entry.routine is not None and entry.routine.id == entry.id


def test_user_routine_overrides_builtin_with_the_same_id(user_routines: Path) -> None:
    (user_routines / "neck.toml").write_text(MINIMAL.format(name="My neck"), encoding="utf-8")
    entry = resolve("neck")
    assert entry.origin == "user"
    assert entry.path == user_routines / "neck.toml"
    assert entry.routine is not None and entry.routine.name == "My neck"
    listed = {e.id: e for e in discover()}
    assert listed["neck"].origin == "user"
    assert [e.id for e in discover()].count("neck") == 1
    assert load("neck").name == "My neck"


def test_user_only_routine_is_listed_in_order(user_routines: Path) -> None:
    (user_routines / "aaa-mine.toml").write_text(MINIMAL.format(name="Mine"), encoding="utf-8")
    (user_routines / "notes.txt").write_text("not a routine", encoding="utf-8")
    entries = discover()
    assert entries[0].id == "aaa-mine" and entries[0].origin == "user"
    assert "notes" not in known_ids()


def test_a_path_works_wherever_an_id_does(tmp_path: Path) -> None:
    f = tmp_path / "morning.toml"
    f.write_text(MINIMAL.format(name="Morning"), encoding="utf-8")
    entry = resolve(str(f))
    assert (entry.id, entry.origin, entry.path) == ("morning", "path", f)
    assert load(str(f)).name == "Morning"


def test_a_relative_path_works(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "desk.toml").write_text(MINIMAL.format(name="Desk"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert load("desk.toml").id == "desk"


def test_missing_path_is_a_lookup_error(tmp_path: Path) -> None:
    with pytest.raises(LookupError) as err:
        resolve(str(tmp_path / "nope.toml"))
    assert str(err.value) == f"no such routine file: {tmp_path / 'nope.toml'}"


def test_unknown_id_names_the_known_ids_and_a_close_match() -> None:
    with pytest.raises(LookupError) as err:
        resolve("nek")
    known = ", ".join(builtin_ids())
    assert str(err.value) == f"unknown routine 'nek' (did you mean 'neck'?); known: {known}"


def test_unknown_id_without_close_match() -> None:
    with pytest.raises(LookupError) as err:
        resolve("zzzzzz")
    assert str(err.value).startswith("unknown routine 'zzzzzz'; known: ")


def test_broken_user_routine_does_not_break_discover(user_routines: Path) -> None:
    (user_routines / "broken.toml").write_text(
        '[routine]\nname = "Broken"\n\n[[exercise]]\nname = "Shrug"\nhodl = 3\n', encoding="utf-8"
    )
    entries = {e.id: e for e in discover()}
    broken = entries["broken"]
    assert broken.routine is None and broken.origin == "user"
    assert isinstance(broken.error, RoutineError)
    assert 'unknown key "hodl" (did you mean "hold"?)' in str(broken.error)
    assert all(e.error is None for e in entries.values() if e.id != "broken")
    with pytest.raises(RoutineError):
        load("broken")


def test_broken_user_override_is_reported_not_silently_replaced(user_routines: Path) -> None:
    (user_routines / "neck.toml").write_text("[routine\n", encoding="utf-8")
    entry = resolve("neck")
    assert entry.origin == "user" and entry.error is not None
    assert str(entry.error).startswith(str(user_routines / "neck.toml") + ":1")


# --- docs/routines.md: its examples are real ---------------------------------------------------

DOCS = Path(__file__).resolve().parents[2] / "docs" / "routines.md"


def toml_blocks() -> list[str]:
    text = DOCS.read_text(encoding="utf-8")
    return re.findall(r"```toml\n(.*?)```", text, flags=re.DOTALL)


def test_docs_complete_example_loads() -> None:
    complete = [b for b in toml_blocks() if b.startswith("[routine]")]
    assert len(complete) == 1
    routine = load_text(complete[0], source="routines.md", routine_id="example")
    assert len(routine.exercises) == 4


def test_docs_exercise_examples_load_and_read_as_documented() -> None:
    blocks = [b for b in toml_blocks() if b.startswith("[[exercise]]")]
    assert len(blocks) == 6  # one per way of working
    for block in blocks:
        text = f'[routine]\nname = "Doc"\n\n{block}'
        routine = load_text(text, source="routines.md", routine_id="doc")
        shown = re.search(r'# (?:shown as )?"(.*)"', block)
        assert shown is not None, block
        assert work_text(routine.exercises[0]) == shown.group(1)


def test_docs_progress_examples_load() -> None:
    block = next(b for b in toml_blocks() if b.startswith("progress ="))
    for line in block.splitlines():
        exercise = '[[exercise]]\nname = "X"\nhold = "10s"\nreps = 10\n'
        text = f'[routine]\nname = "Doc"\n\n{exercise}{line}\n'
        load_text(text, source="routines.md", routine_id="doc")


def test_missing_file_named_like_a_routine_hints_at_its_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(LookupError) as err:
        resolve("neck.toml")
    assert (
        str(err.value)
        == "no such routine file: neck.toml (for the routine 'neck', give its id: neck)"
    )
