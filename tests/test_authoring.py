"""`backtimer new` and `backtimer edit`, with a fake editor standing in for the person."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from backtimer import paths
from backtimer.cli import authoring
from backtimer.cli.main import main
from backtimer.files import _umask
from backtimer.routine import load_file
from backtimer.routine.library import discover
from backtimer.routine.model import WorkKind
from backtimer.routine.schema_json import schema_text
from backtimer.usecases import user_routines
from backtimer.usecases.errors import UserError

FAKE_EDITOR = """\
#!{python}
# A stand-in for a person in an editor: logs its arguments, then replaces the file with
# the next text from the script file (or leaves it alone when the script is used up).
import json, sys
from pathlib import Path
state = Path({state!r})
data = json.loads(state.read_text())
data["calls"].append(sys.argv[1:])
path = Path(sys.argv[-1])
if data["texts"]:
    text = data["texts"].pop(0)
    path.write_text(text.replace("@OLD@", path.read_text()) if "@OLD@" in text else text)
state.write_text(json.dumps(data))
"""

GOOD = '[routine]\nname = "Mine"\n\n[[exercise]]\nname = "Hold"\nhold = 5\n'
BROKEN = '[routine]\nname = "Mine"\n\n[[exercise]]\nname = "Hold"\nhold = "five"\n'


class Editor:
    def __init__(self, folder: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.state = folder / "state.json"
        self.state.write_text(json.dumps({"calls": [], "texts": []}))
        script = folder / name
        script.write_text(FAKE_EDITOR.format(python=sys.executable, state=str(self.state)))
        script.chmod(0o755)
        monkeypatch.setenv("EDITOR", str(script))
        monkeypatch.delenv("VISUAL", raising=False)

    def will_write(self, *texts: str) -> None:
        data = json.loads(self.state.read_text())
        data["texts"] = list(texts)
        self.state.write_text(json.dumps(data))

    @property
    def calls(self) -> list[list[str]]:
        return list(json.loads(self.state.read_text())["calls"])


@pytest.fixture
def editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Editor:
    return Editor(tmp_path / "bin", "vim", monkeypatch)


# --- new -----------------------------------------------------------------------------------------


def test_new_writes_an_annotated_template_that_loads(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "my-back"]) == 0
    path = paths.user_routines_dir() / "my-back.toml"
    out = capsys.readouterr().out
    assert f"Wrote a new routine from the template: {path}" in out
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "#:schema ./routine.schema.json"
    assert (paths.user_routines_dir() / "routine.schema.json").read_text() == schema_text()
    routine = load_file(path)
    assert routine.id == "my-back"
    assert routine.name == "My back"
    assert {ex.kind for ex in routine.exercises} == set(WorkKind)  # one of each way of working
    assert any(ex.progress is not None for ex in routine.exercises)
    # every field is explained by a comment on its line or above it
    for key in (
        "prepare =",
        "rest =",
        "rep_rest =",
        "set_rest =",
        "side_rest =",
        "tempo =",
        "place =",
    ):
        lines = [ln for ln in text.splitlines() if ln.startswith(key)]
        assert lines, key
        assert all("#" in ln for ln in lines), lines


def test_new_refuses_to_overwrite_without_force(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "mine"]) == 0
    path = paths.user_routines_dir() / "mine.toml"
    path.write_text(GOOD, encoding="utf-8")
    capsys.readouterr()
    assert main(["new", "mine"]) == 1
    assert (
        capsys.readouterr().err
        == f"backtimer: {path} already exists; add --force to overwrite it\n"
    )
    assert path.read_text() == GOOD
    assert main(["new", "mine", "--force"]) == 0
    assert path.read_text() != GOOD


def test_new_from_copies_a_routine(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "my-neck", "--from", "neck"]) == 0
    copy = load_file(paths.user_routines_dir() / "my-neck.toml")
    original = load_file(paths.builtin_routines_dir() / "neck.toml")
    assert copy.exercises == original.exercises
    assert "a copy of 'neck' (built-in)" in capsys.readouterr().out


def test_a_copy_gets_a_name_of_its_own_and_keeps_the_comments() -> None:
    """Two rows named "Neck set" in the library would not tell which is which."""
    assert main(["new", "my-neck", "--from", "neck"]) == 0
    path = paths.user_routines_dir() / "my-neck.toml"
    assert load_file(path).name == "Neck set (copy)"
    assert "# Source:" in path.read_text()  # the original's comments are still there
    assert main(["new", "desk-neck", "--from", "neck", "--name", 'Desk "neck"']) == 0
    assert load_file(paths.user_routines_dir() / "desk-neck.toml").name == 'Desk "neck"'
    names = [e.routine.name for e in discover() if e.routine is not None]
    assert len(names) == len(set(names))
    assert path.stat().st_mode & 0o777 == 0o666 & ~_umask()


def test_new_refuses_a_name_the_format_refuses(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "x", "--from", "neck", "--name", ""]) == 2
    assert "cannot name the copy ''" in capsys.readouterr().err
    assert not (paths.user_routines_dir() / "x.toml").exists()


def test_new_with_path_writes_there(tmp_path: Path) -> None:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    assert main(["new", "x", "--path", str(folder)]) == 0
    text = (folder / "x.toml").read_text()
    schema = paths.user_routines_dir() / "routine.schema.json"
    assert text.splitlines()[0] == f"#:schema {schema.resolve()}"
    assert main(["new", "x", "--path", str(tmp_path / "named.toml")]) == 0
    assert load_file(tmp_path / "named.toml").id == "named"


@pytest.mark.parametrize("bad", ["../evil", "my back", "a.b", ""])
def test_new_rejects_ids_that_are_not_file_names(
    bad: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["new", bad]) == 2
    assert "cannot be a routine id" in capsys.readouterr().err


def test_new_from_an_unknown_routine(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "x", "--from", "nekc"]) == 1
    assert "unknown routine 'nekc' (did you mean 'neck'?)" in capsys.readouterr().err
    assert not (paths.user_routines_dir() / "x.toml").exists()


# --- edit ----------------------------------------------------------------------------------------


def test_edit_copies_a_built_in_first_and_validates(
    editor: Editor, capsys: pytest.CaptureFixture[str]
) -> None:
    builtin = paths.builtin_routines_dir() / "neck.toml"
    before = builtin.read_bytes()
    editor.will_write("@OLD@\n# my note\n")
    assert main(["edit", "neck"]) == 0
    copy = paths.user_routines_dir() / "neck.toml"
    out = capsys.readouterr().out
    assert f"Copied the built-in routine 'neck' to {copy};" in out
    assert f"{copy}: valid, " in out
    assert builtin.read_bytes() == before  # the built-in stays untouched
    assert copy.read_text().startswith("#:schema ./routine.schema.json\n")
    assert copy.read_text().endswith("# my note\n")
    assert editor.calls == [[str(copy)]]


def test_edit_with_errors_and_no_terminal_prints_them_and_exits_1(
    editor: Editor, user_routines: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setattr(authoring, "_interactive", lambda: False)
    path = user_routines / "mine.toml"
    path.write_text(GOOD)
    editor.will_write(BROKEN)
    assert main(["edit", "mine"]) == 1
    err = capsys.readouterr().err
    assert err == (
        f"{path} has 1 problem:\n"
        f'  {path}:6: exercise 1 ("Hold"): hold: expected a duration such as 3, "3s" or '
        '"1m30s", got "five"\n'
    )
    assert path.read_text() == BROKEN  # the person's work is kept
    assert len(editor.calls) == 1


def test_edit_reopens_at_the_first_error_line_until_it_is_fixed(
    editor: Editor, user_routines: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    questions: list[str] = []
    monkeypatch.setattr(authoring, "_interactive", lambda: True)
    monkeypatch.setattr(authoring, "_ask", lambda q: questions.append(q) or True)
    path = user_routines / "mine.toml"
    path.write_text(GOOD)
    editor.will_write(BROKEN, GOOD)
    assert main(["edit", "mine"]) == 0
    assert editor.calls == [[str(path)], ["+6", str(path)]]
    assert questions == ["Reopen the editor at line 6? [Y/n] "]
    assert f"{path}: valid, 1 exercises (Mine)." in capsys.readouterr().out


def test_edit_declining_to_reopen_keeps_the_file_and_exits_1(
    editor: Editor, user_routines: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setattr(authoring, "_interactive", lambda: True)
    monkeypatch.setattr(authoring, "_ask", lambda q: False)
    path = user_routines / "mine.toml"
    path.write_text(GOOD)
    editor.will_write(BROKEN)
    assert main(["edit", "mine"]) == 1
    assert "is marked broken until fixed" in capsys.readouterr().out
    assert path.read_text() == BROKEN


def test_edit_an_unknown_routine(editor: Editor, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["edit", "nope"]) == 1
    assert capsys.readouterr().err.startswith("backtimer: unknown routine 'nope'")
    assert editor.calls == []


def test_editor_line_argument_only_for_editors_that_take_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "r.toml"
    monkeypatch.setenv("VISUAL", "code --wait")
    assert user_routines.editor_command(path, 12) == ["code", "--wait", str(path)]
    monkeypatch.setenv("VISUAL", "/usr/bin/nvim -u NONE")
    assert user_routines.editor_command(path, 12) == [
        "/usr/bin/nvim",
        "-u",
        "NONE",
        "+12",
        str(path),
    ]
    assert user_routines.editor_command(path) == ["/usr/bin/nvim", "-u", "NONE", str(path)]


def test_no_editor_at_all_is_explained(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(UserError, match="no text editor found: set \\$EDITOR"):
        user_routines.editor_argv()


def test_an_editor_that_cannot_start_is_explained(
    monkeypatch: pytest.MonkeyPatch, user_routines: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (user_routines / "mine.toml").write_text(GOOD)
    monkeypatch.setenv("EDITOR", os.fspath(user_routines / "no-such-editor"))
    assert main(["edit", "mine"]) == 1
    assert "cannot start the editor" in capsys.readouterr().err
