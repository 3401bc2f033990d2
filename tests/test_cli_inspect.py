"""`backtimer list / show / plan / validate` as a person (or a script) sees them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backtimer import paths
from backtimer.cli.main import main

DESK = """\
[routine]
name = "Desk test"
description = "A short routine for the tests."
place = "chair"
equipment = ["chair"]
cautions = ["Stop if it hurts."]

[defaults]
prepare = "5s"
rest = "10s"
rep_rest = "2s"
side_rest = "3s"

[[exercise]]
name = "Chin tuck"
steps = ["Sit tall.", "Draw the chin back."]
caution = "Go gently."
hold = "3s"
reps = 2

[[exercise]]
name = "Side bend"
hold = "5s"
reps = 1
sides = "both"

[[exercise]]
name = "Shrug"
reps = 3
tempo = "2s"
"""

SELF_PACED = """\
[routine]
name = "Gym test"

[defaults]
prepare = 0
tempo = "3s"
set_rest = "1m"

[[exercise]]
name = "Row"
tempo = "self"
reps = 8
sets = 2
"""

BROKEN = """\
[routine]
name = "Broken"

[[exercise]]
name = "Shrug"
hodl = 3
"""


@pytest.fixture(autouse=True)
def narrow(monkeypatch: pytest.MonkeyPatch) -> None:
    """Piped output: Rich falls back to COLUMNS; tables must stay readable at 80."""
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.delenv("FORCE_COLOR", raising=False)


@pytest.fixture
def desk(tmp_path: Path) -> Path:
    f = tmp_path / "desk.toml"
    f.write_text(DESK, encoding="utf-8")
    return f


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def builtin_ids() -> list[str]:
    return sorted(p.stem for p in paths.builtin_routines_dir().glob("*.toml"))


# --- list ------------------------------------------------------------------------------------


def test_list_shows_every_builtin_in_a_table_that_fits_80_columns(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "list")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].split() == ["id", "name", "place", "ex.", "time", "from"]
    for rid in builtin_ids():
        row = next(line for line in lines if line.split()[0] == rid)
        assert row.rstrip().endswith("built-in")
    assert max(len(line.rstrip()) for line in lines) <= 80
    assert "\x1b[" not in out  # no colour codes when piped


def test_list_marks_user_routines_and_broken_ones(
    capsys: pytest.CaptureFixture[str], user_routines: Path
) -> None:
    (user_routines / "desk.toml").write_text(DESK, encoding="utf-8")
    (user_routines / "broken.toml").write_text(BROKEN, encoding="utf-8")
    code, out, _ = run(capsys, "list")
    assert code == 0
    desk = next(line for line in out.splitlines() if line.startswith("desk "))
    assert desk.split() == ["desk", "Desk", "test", "chair", "3", "52", "s", "user"]
    broken = [line for line in out.splitlines() if line.startswith("broken !")]
    assert len(broken) == 1
    assert "broken:" in broken[0]
    assert "validate" in out  # tells how to see every problem
    # Piped, the problem is not wrapped inside the table: it stands whole on one line.
    problem = next(line for line in out.splitlines() if line.startswith("broken: "))
    code, as_json, _ = run(capsys, "list", "--json")
    error = next(r["error"] for r in json.loads(as_json) if r["id"] == "broken")
    assert error.startswith(f"{user_routines / 'broken.toml'}:4: ") and len(error) > 100
    assert problem.rstrip() == f"broken: {error}"


def test_list_json_for_scripts(capsys: pytest.CaptureFixture[str], user_routines: Path) -> None:
    (user_routines / "broken.toml").write_text(BROKEN, encoding="utf-8")
    (user_routines / "gym.toml").write_text(SELF_PACED, encoding="utf-8")
    code, out, _ = run(capsys, "list", "--json")
    assert code == 0
    rows = {r["id"]: r for r in json.loads(out)}
    assert set(builtin_ids()) <= set(rows)
    gym = rows["gym"]
    assert gym == {
        "id": "gym",
        "name": "Gym test",
        "place": "anywhere",
        "exercises": 1,
        "total_seconds": 2 * 8 * 3.0 + 60.0,
        "estimated": True,
        "origin": "user",
        "path": str(user_routines / "gym.toml"),
        "error": None,
    }
    assert rows["broken"]["name"] is None
    first_problem = f"{user_routines / 'broken.toml'}:"
    assert rows["broken"]["error"].startswith(first_problem)  # the first problem, one line
    assert "\n" not in rows["broken"]["error"]


# --- show ------------------------------------------------------------------------------------


def test_show_reads_like_a_routine_sheet(capsys: pytest.CaptureFixture[str], desk: Path) -> None:
    code, out, err = run(capsys, "show", str(desk))
    assert code == 0 and err == ""
    assert out == (
        f"Desk test  (desk, {desk})\n"
        "A short routine for the tests.\n"
        "place: chair · time: 52 s\n"
        "equipment: chair\n"
        "\n"
        "Cautions\n"
        "  ! Stop if it hurts.\n"
        "\n"
        "Get ready: 5 s\n"
        "\n"
        "1. Chin tuck — hold 3 s x 2\n"
        "   - Sit tall.\n"
        "   - Draw the chin back.\n"
        "   ! Go gently.\n"
        "   rests: 2 s between reps, 10 s after\n"
        "\n"
        "2. Side bend — hold 5 s, each side\n"
        "   rests: 3 s to switch sides, 10 s after\n"
        "\n"
        "3. Shrug — 3 reps\n"
        "\n"
        "Total: 52 s\n"
    )


def test_show_states_estimates_as_estimates(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    f = tmp_path / "gym.toml"
    f.write_text(SELF_PACED, encoding="utf-8")
    code, out, _ = run(capsys, "show", str(f))
    assert code == 0
    assert "1. Row — 2 sets x 8 reps at your own pace" in out
    assert "time: ~1 min 48 s" in out
    assert "Total: about 1 min 48 s (an estimate: 1 min is timed;" in " ".join(out.split("\n"))


def test_show_builtin_by_id(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "show", "neck")
    assert code == 0
    assert out.startswith("Neck set  (neck, built-in)\n")
    assert "\n1. " in out and "Total: " in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_show_unknown_id_is_a_one_line_message(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "show", "nek")
    assert code == 1 and out == ""
    assert err.startswith("backtimer: unknown routine 'nek' (did you mean 'neck'?); known: ")
    assert "Traceback" not in err


def test_show_broken_routine_lists_its_problems(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    f = tmp_path / "broken.toml"
    f.write_text(BROKEN, encoding="utf-8")
    code, out, err = run(capsys, "show", str(f))
    assert code == 1 and out == ""
    assert err.startswith(f"backtimer: {f}:")
    assert f'{f}:6: exercise 1 ("Shrug"): unknown key "hodl" (did you mean "hold"?)\n' in err
    assert "Traceback" not in err


# --- plan ------------------------------------------------------------------------------------


def test_plan_json_schema(capsys: pytest.CaptureFixture[str], desk: Path) -> None:
    code, out, _ = run(capsys, "plan", str(desk), "--json")
    assert code == 0
    plan = json.loads(out)
    assert list(plan) == ["id", "name", "total_seconds", "segments", "level", "levels"]
    assert (plan["level"], plan["levels"]) == ("current", [])  # nothing in it grows
    assert (plan["id"], plan["name"], plan["total_seconds"]) == ("desk", "Desk test", 52.0)
    segs = plan["segments"]
    assert list(segs[0]) == [
        "index",
        "kind",
        "reason",
        "exercise",
        "exercise_index",
        "label",
        "rep",
        "reps",
        "set",
        "sets",
        "side",
        "start",
        "duration",
        "breath",
    ]
    brief = [(s["kind"], s["reason"], s["exercise_index"], s["rep"], s["side"]) for s in segs]
    assert brief == [
        ("prepare", None, 0, None, None),
        ("work", None, 0, 1, None),
        ("rest", "rep", 0, None, None),
        ("work", None, 0, 2, None),
        ("rest", "exercise", 0, None, None),
        ("work", None, 1, 1, "left"),
        ("rest", "side", 1, None, "right"),
        ("work", None, 1, 1, "right"),
        ("rest", "exercise", 1, None, None),
        ("work", None, 2, 1, None),
        ("work", None, 2, 2, None),
        ("work", None, 2, 3, None),
    ]
    assert sum(s["duration"] for s in segs) == plan["total_seconds"]
    assert [s["index"] for s in segs] == list(range(len(segs)))


def test_plan_json_open_segments_have_null_duration(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    f = tmp_path / "gym.toml"
    f.write_text(SELF_PACED, encoding="utf-8")
    _, out, _ = run(capsys, "plan", str(f), "--json")
    plan = json.loads(out)
    assert [s["duration"] for s in plan["segments"]] == [None, 60.0, None]
    assert [s["start"] for s in plan["segments"]] == [0.0, 24.0, 84.0]
    assert plan["total_seconds"] == 108.0


def test_plan_table(capsys: pytest.CaptureFixture[str], desk: Path) -> None:
    code, out, _ = run(capsys, "plan", str(desk))
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Desk test (desk): 12 segments"
    assert lines[1].split() == ["#", "start", "secs", "what", "rep", "set", "side"]
    assert lines[2].split() == ["0", "0:00", "5", "Chin", "tuck:", "Get", "ready"]
    assert lines[-1] == "Total: 52 s"
    assert max(len(line.rstrip()) for line in lines) <= 80


# --- validate --------------------------------------------------------------------------------


def test_validate_all_valid(capsys: pytest.CaptureFixture[str], desk: Path) -> None:
    code, out, err = run(capsys, "validate", str(desk))
    assert (code, out, err) == (0, f"ok  {desk}\n", "")


def test_validate_builtin_folder(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate", str(paths.builtin_routines_dir()))
    assert code == 0
    assert len(out.splitlines()) == len(builtin_ids())
    assert all(line.startswith("ok  ") for line in out.splitlines())


def test_validate_prints_every_problem_of_every_file(
    capsys: pytest.CaptureFixture[str], desk: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text(BROKEN + 'reps = "many"\n', encoding="utf-8")
    syntax = tmp_path / "syntax.toml"
    syntax.write_text("[routine\nname = 1\n", encoding="utf-8")
    missing = tmp_path / "missing.toml"
    code, out, err = run(capsys, "validate", str(desk), str(broken), str(syntax), str(missing))
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == f"ok  {desk}"
    assert any(line.startswith(f"{broken}:6: ") and '"hodl"' in line for line in lines)
    assert any(line.startswith(f"{broken}:7: ") and "reps" in line for line in lines)
    assert any(line.startswith(f"{syntax}:1:") for line in lines)
    assert lines[-1] == f"{missing}: no such file"
    assert err == "3 of 4 files have problems\n"
    assert "Traceback" not in out + err


def test_square_brackets_in_names_are_printed_as_written(
    capsys: pytest.CaptureFixture[str], user_routines: Path
) -> None:
    text = '[routine]\nname = "Mine [bold]x"\n\n[[exercise]]\nname = "Tilt [red]"\nhold = 3\n'
    (user_routines / "mine.toml").write_text(text, encoding="utf-8")
    for argv in (["list"], ["show", "mine"], ["plan", "mine"]):
        code, out, _ = run(capsys, *argv)
        assert code == 0
        assert "Mine [bold]x" in out, argv
        if argv[0] != "list":
            assert "Tilt [red]" in out, argv


def test_validate_a_folder_without_routines(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = run(capsys, "validate", str(tmp_path))
    assert (code, out) == (1, "")
    assert err == f"backtimer: no .toml files in {tmp_path}\n"


def test_readme_capture_of_list_names_exactly_the_builtin_routines(
    capsys: pytest.CaptureFixture[str],
) -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("$ backtimer list\n", 1)[1].split("```", 1)[0]
    lines = block.splitlines()
    _, out, _ = run(capsys, "list")
    assert lines[0] == out.splitlines()[0].rstrip()  # the same columns
    captured = [line.split()[0] for line in lines[1:] if line.rstrip().endswith("built-in")]
    assert captured == builtin_ids(), "refresh the capture in README.md with `backtimer list`"


def test_half_width_pane_keeps_the_columns_people_need(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, user_routines: Path
) -> None:
    monkeypatch.setenv("COLUMNS", "50")
    (user_routines / "desk.toml").write_text(DESK, encoding="utf-8")
    _, out, _ = run(capsys, "list")
    lines = out.splitlines()
    assert lines[0].split() == ["id", "name", "time"]
    assert next(line for line in lines if line.startswith("desk *")).split() == [
        "desk",
        "*",
        "Desk",
        "test",
        "52",
        "s",
    ]
    assert f"* yours, from {user_routines}" in out
    table = [line for line in lines if not line.startswith(("*", "~", "!"))]  # not the notes
    assert max(len(line.rstrip()) for line in table) <= 50

    _, out, _ = run(capsys, "plan", "desk")
    lines = out.splitlines()
    assert lines[1].split() == ["start", "secs", "what"]
    assert "Side bend: Hold · left" in out
    assert "Chin tuck: Hold 2/2" in out
    assert max(len(line.rstrip()) for line in lines) <= 50
