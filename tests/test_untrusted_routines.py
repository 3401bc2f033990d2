"""A routine file is untrusted input (docs/security.md): control characters, sizes, files
that are not files, numbers that overflow, and one bad file among good ones."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import tomli
from hypothesis import given, settings

from backtimer.routine import limits
from backtimer.routine.library import discover
from backtimer.routine.loader import RoutineError, load_file, load_text, quoted
from backtimer.routine.progression import progress
from backtimer.routine.size import fullest, segment_count, total_seconds
from backtimer.text import csv_cell, visible
from backtimer.timeline import compile as compile_timeline
from tests.strategies import routines

HEAD = '[routine]\nname = "R"\n\n'
ONE = '[[exercise]]\nname = "A"\nhold = 3\n'


def problems(text: str) -> list[str]:
    with pytest.raises(RoutineError) as err:
        load_text(text, source="r.toml", routine_id="r")
    return [str(p) for p in err.value.problems]


def backtimer(*args: str, timeout: float = 20) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "backtimer", *args],
        check=False,
        capture_output=True,
        timeout=timeout,
        env=os.environ | {"COLUMNS": "100"},
    )


# --- control characters ---------------------------------------------------------------------

# (where the text goes, the line of the routine it is on, the field as messages name it)
FIELDS = [
    ('[routine]\nname = "Evil{}"\n\n' + ONE, 2, "routine: name"),
    (HEAD.replace("\n\n", '\ndescription = "Evil{}"\n\n') + ONE, 3, "routine: description"),
    (HEAD.replace("\n\n", '\ntags = ["ok", "Evil{}"]\n\n') + ONE, 3, "routine: tags: item 2"),
    (HEAD.replace("\n\n", '\nequipment = ["Evil{}"]\n\n') + ONE, 3, "routine: equipment: item 1"),
    (HEAD.replace("\n\n", '\ncautions = ["Evil{}"]\n\n') + ONE, 3, "routine: cautions: item 1"),
    (HEAD + '[[exercise]]\nname = "Evil{}"\nhold = 3\n', 5, "exercise 1: name"),
    (HEAD + ONE + 'steps = ["Sit", "Evil{}"]\n', 7, 'exercise 1 ("A"): steps: item 2'),
    (HEAD + ONE + 'caution = "Evil{}"\n', 7, 'exercise 1 ("A"): caution'),
    (HEAD + ONE + 'sides = ["Evil{}", "b"]\n', 7, 'exercise 1 ("A"): sides: item 1'),
    (
        HEAD + '[[exercise]]\nname = "A"\nphases = [{ label = "Evil{}", secs = 2 }]\n',
        6,
        'exercise 1 ("A"): phases: phase 1: label',
    ),
]
# (as TOML writes it, the code point)
CONTROLS = [
    ("\\u001b]52;c;aGk=\\u0007", 0x1B),  # OSC 52: write the clipboard
    ("\\u009b31m", 0x9B),  # CSI as one C1 byte
    ("\\U0000009b", 0x9B),
    ("\\u007f", 0x7F),  # DEL
    ("\\u0090q", 0x90),  # DCS
    ("\\b", 0x08),
    ("\\r", 0x0D),
]


@pytest.mark.parametrize(("template", "line", "field"), FIELDS)
@pytest.mark.parametrize(("escape", "point"), CONTROLS)
def test_a_control_character_in_any_text_field_is_an_error_at_its_line_and_column(
    template: str, line: int, field: str, escape: str, point: int
) -> None:
    text = template.replace("{}", escape)
    column = text.splitlines()[line - 1].index("Evil") + len("Evil") + 1
    if field == "exercise 1: name":  # the exercise is named by its (escaped) name
        name = tomli.loads(f'x = "Evil{escape}"')["x"]
        field = f"exercise 1 ({quoted(name)}): name"
    assert problems(text) == [
        f"r.toml:{line}:{column}: {field}: control character U+{point:04X} is not allowed"
    ]


def test_newline_and_tab_are_text_only_where_text_runs_over_lines() -> None:
    long = HEAD.replace("\n\n", '\ndescription = "one\\ntwo\\tthree"\n\n') + ONE
    long += 'steps = ["""Sit\nstraight"""]\ncaution = "a\\nb"\n'
    routine = load_text(long, source="r.toml", routine_id="r")
    assert routine.description == "one\ntwo\tthree"
    assert routine.exercises[0].steps == ("Sit\nstraight",)
    assert problems('[routine]\nname = "two\\nlines"\n\n' + ONE) == [
        "r.toml:2:12: routine: name: control character U+000A is not allowed"
    ]
    assert problems(HEAD + '[[exercise]]\nname = "a\\tb"\nhold = 3\n') == [
        r'r.toml:5:10: exercise 1 ("a\tb"): name: control character U+0009 is not allowed'
    ]


def test_a_control_character_in_a_key_is_shown_escaped_in_the_message() -> None:
    [message] = problems(HEAD + ONE + '"x\\u001b[2J" = 1\n')
    assert "\x1b" not in message
    assert 'unknown key "x\\u001b[2J"' in message


def test_no_message_of_the_loader_carries_a_control_character() -> None:
    text = (
        '[routine]\nname = "\\u009b\\u001b"\n\n[[exercise]]\nname = "\\u001b\\u0085"\nhold = -1\n'
    )
    text += '[["\\u001b"]]\n'
    with pytest.raises(RoutineError) as err:
        load_text(text, source="r.toml", routine_id="r")
    assert visible(str(err.value), keep="\n") == str(err.value)


# --- files that are not routine files -------------------------------------------------------


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    started = time.monotonic()
    result = backtimer("validate", str(fifo), timeout=15)
    assert time.monotonic() - started < 10
    assert result.returncode == 1
    assert result.stdout.decode() == (
        f"{fifo}: not a routine file: this is a named pipe (FIFO), expected a regular .toml file\n"
    )


def test_a_symlink_to_dev_zero_a_folder_and_a_socket_are_refused(tmp_path: Path) -> None:
    zero = tmp_path / "zero.toml"
    zero.symlink_to("/dev/zero")
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    sock = tmp_path / "s.toml"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(sock))
        for path, kind in [(zero, "a device"), (folder, "a folder"), (sock, "a socket")]:
            with pytest.raises(RoutineError) as err:
                load_file(path)
            assert str(err.value) == (
                f"{path}: not a routine file: this is {kind}, expected a regular .toml file"
            )
    finally:
        server.close()


def test_a_file_over_1_mib_is_refused_and_one_of_exactly_1_mib_is_read(tmp_path: Path) -> None:
    body = (HEAD + ONE).encode()
    exact = tmp_path / "exact.toml"
    exact.write_bytes(body + b"#" * (limits.MAX_FILE_BYTES - len(body) - 1) + b"\n")
    assert exact.stat().st_size == limits.MAX_FILE_BYTES
    assert load_file(exact).name == "R"
    over = tmp_path / "over.toml"
    over.write_bytes(body + b"#" * (limits.MAX_FILE_BYTES - len(body)) + b"\n")
    with pytest.raises(RoutineError) as err:
        load_file(over)
    assert str(err.value) == (
        f"{over}: the file is too big for a routine (1,048,577 bytes; at most 1,048,576 bytes, "
        "1 MiB)"
    )


def test_a_sparse_file_of_a_gigabyte_is_refused_without_reading_it(tmp_path: Path) -> None:
    huge = tmp_path / "huge.toml"
    with huge.open("wb") as f:
        f.truncate(1 << 30)
    started = time.monotonic()
    with pytest.raises(RoutineError, match="too big for a routine"):
        load_file(huge)
    assert time.monotonic() - started < 0.5


def test_a_fifo_and_a_broken_file_in_the_routines_folder_show_up_broken_in_list(
    user_routines: Path,
) -> None:
    os.mkfifo(user_routines / "pipe.toml")
    (user_routines / "digits.toml").write_text(
        HEAD + ONE + 'progress = { hold = "+1s", every = "' + "9" * 400 + 'd", max = 5 }\n'
    )
    (user_routines / "mine.toml").write_text(HEAD + ONE)
    result = backtimer("list", "--json", timeout=30)
    assert result.returncode == 0, result.stderr
    import json

    rows = {row["id"]: row for row in json.loads(result.stdout)}
    assert rows["pipe"]["error"].endswith(
        "this is a named pipe (FIFO), expected a regular .toml file"
    )
    assert "every: expected at most 365 days" in rows["digits"]["error"]
    assert rows["mine"]["error"] is None and rows["mine"]["name"] == "R"
    assert rows["neck"]["error"] is None  # the built-in ones are unaffected


# --- sizes ------------------------------------------------------------------------------------


def test_sides_phases_exercises_and_lists_have_upper_bounds() -> None:
    sides = ", ".join(f'"s{i}"' for i in range(200))
    assert problems(HEAD + ONE + f"sides = [{sides}]\n") == [
        'r.toml:7: exercise 1 ("A"): sides: expected at most 8 sides, got 200'
    ]
    phases = ", ".join('{ label = "x", secs = 1 }' for _ in range(21))
    assert problems(HEAD + f'[[exercise]]\nname = "A"\nphases = [{phases}]\n') == [
        'r.toml:6: exercise 1 ("A"): phases: expected at most 20 phases, got 21'
    ]
    assert problems(HEAD + ONE * 101) == [
        "r.toml:304: exercise: expected at most 100 exercises, got 101"
    ]
    steps = ", ".join('"x"' for _ in range(51))
    assert problems(HEAD + ONE + f"steps = [{steps}]\n") == [
        'r.toml:7: exercise 1 ("A"): steps: expected at most 50 items, got 51'
    ]
    assert problems(f'[routine]\nname = "{"x" * 201}"\n\n' + ONE) == [
        "r.toml:2: routine: name: expected at most 200 characters, got 201"
    ]


def test_a_routine_that_compiles_to_too_many_segments_names_the_exercise_and_the_limit() -> None:
    text = HEAD + ONE + '[[exercise]]\nname = "Big"\nhold = 2\nreps = 100\nsets = 20\n'
    text += 'sides = "alternate"\n'
    assert problems(text) == [
        'r.toml:7: exercise 2 ("Big"): the routine compiles to 8,002 segments (this exercise '
        "7,999); a routine has at most 2,000: fewer reps, sets, sides or phases"
    ]


def test_the_limits_hold_at_full_growth_so_history_never_makes_a_routine_too_big() -> None:
    text = HEAD + '[[exercise]]\nname = "A"\nhold = 3\nreps = 10\nsets = 2\n'
    text += 'progress = { reps = "+10", every = "1 session", max = 1000 }\n'
    assert problems(text) == [
        'r.toml:4: exercise 1 ("A"): the routine compiles to 4,000 segments at its fullest '
        "progression (this exercise 3,999); a routine has at most 2,000: fewer reps, sets, "
        "sides or phases"
    ]
    assert load_text(text.replace("max = 1000", "max = 400"), source="r", routine_id="r")
    long = HEAD + '[[exercise]]\nname = "A"\nduration = "4h"\nsets = 3\nrest = "4h"\n' + ONE * 2
    assert problems(long) == [
        "r.toml: the routine lasts 16 h 1 min; a routine lasts at most 12 hours"
    ]


def test_numbers_of_hundreds_of_digits_are_errors_not_crashes() -> None:
    nines = "9" * 400
    assert problems(HEAD + f'[[exercise]]\nname = "A"\nhold = {nines}\n') == [
        'r.toml:6: exercise 1 ("A"): hold: expected at most 4 hours ("4h"), got a number of '
        "400 digits"
    ]
    text = HEAD + '[[exercise]]\nname = "A"\nreps = 3\n'
    text += f'progress = {{ reps = "+{nines}", every = "{nines} sessions", max = 5 }}\n'
    assert problems(text) == [
        'r.toml:7: exercise 1 ("A"): progress: reps: expected a step of at most 1000, got '
        '"+999999999999999999999999999999999999..."',
        'r.toml:7: exercise 1 ("A"): progress: every: expected at most 1000 sessions, got '
        '"9999999999999999999999999999999999999..."',
    ]
    assert problems(f"a = {'9' * 5000}\n") == [
        "r.toml: a value cannot be read: Exceeds the limit (4300 digits) for integer string "
        "conversion: value has 5000 digits"
    ]


def test_every_3000000d_is_refused_and_the_longest_every_survives_any_history() -> None:
    text = HEAD + ONE + 'progress = { hold = "+1s", every = "3000000d", max = 5 }\n'
    assert problems(text) == [
        'r.toml:7: exercise 1 ("A"): progress: every: expected at most 365 days (52 weeks), '
        'got "3000000d"'
    ]
    ok = HEAD + ONE + 'progress = { hold = "+1s", every = "52w", max = 5 }\n'
    routine = load_text(ok, source="r.toml", routine_id="r")
    last = date.max - timedelta(days=10)
    far = [date.min, last, datetime(9999, 12, 31, 23, 0, tzinfo=UTC)]
    grown = progress(routine, far, last)
    assert grown.levels[0].next_date is None  # past the last date there is: no date, no crash
    assert compile_timeline(grown.routine).total > 0


def test_one_bad_file_never_breaks_the_library(
    user_routines: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (user_routines / "good.toml").write_text(HEAD + ONE)
    (user_routines / "bad.toml").write_text(HEAD + ONE.replace('"A"', '"Boom"'))
    from backtimer.routine import loader

    real = loader._Checker.exercise

    def boom(self: loader._Checker, index: int, raw: dict[str, object], defaults: object) -> object:
        if raw.get("name") == "Boom":
            raise OverflowError("a fault nobody foresaw")
        return real(self, index, raw, defaults)  # type: ignore[arg-type]

    monkeypatch.setattr(loader._Checker, "exercise", boom)
    entries = {e.id: e for e in discover()}
    assert entries["good"].ok
    assert str(entries["bad"].error) == (
        f"{user_routines / 'bad.toml'}: cannot read this routine "
        "(OverflowError: a fault nobody foresaw)"
    )


@settings(max_examples=60, deadline=None)
@given(routines())
def test_segment_count_and_total_agree_with_the_timeline(routine: object) -> None:
    from backtimer.routine.model import Routine

    assert isinstance(routine, Routine)
    timeline = compile_timeline(routine)
    assert segment_count(routine) == len(timeline.segments)
    assert total_seconds(routine) == pytest.approx(timeline.total)
    full = fullest(routine)
    assert segment_count(full) == len(compile_timeline(full).segments)


# --- text safety ----------------------------------------------------------------------------


def test_visible_writes_every_control_character_as_its_code() -> None:
    assert visible("Evil\x1b]52;c;aGk=\x07") == "Evil\\x1b]52;c;aGk=\\x07"
    assert visible("\x9b31m\x7f\x00") == "\\x9b31m\\x7f\\x00"
    assert visible("a\nb\tc") == "a\\x0ab\\x09c"
    assert visible("a\nb\tc\x1b", keep="\n\t") == "a\nb\tc\\x1b"
    assert visible("bad\ud800") == "bad\\ud800"
    assert visible("Nacken – Übung ☺ 首") == "Nacken – Übung ☺ 首"


def test_csv_cell_makes_formulas_inert() -> None:
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert csv_cell(start + "HYPERLINK(x)").startswith("'")
    assert csv_cell('=HYPERLINK("http://x","y")') == '\'=HYPERLINK("http://x","y")'
    assert csv_cell("\tcmd") == "'\\x09cmd"
    assert csv_cell("Neck set") == "Neck set"
    assert csv_cell("a\x1bb") == "a\\x1bb"
