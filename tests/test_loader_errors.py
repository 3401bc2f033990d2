# ruff: noqa: E501  (exact messages read better on one line)
"""Broken routine files: every problem is named with file, line, exercise, field, what was
expected and what was found, exactly as the person reads it."""

from __future__ import annotations

from pathlib import Path

import pytest

from backtimer.routine import RoutineError, load_bytes, load_file, load_text

HEAD = '[routine]\nname = "Neck"\n\n'  # lines 1-3; [[exercise]] is line 4, its name line 5
EX1 = 'exercise 1 ("Shrug")'
DURATION = 'expected a duration such as 3, "3s" or "1m30s"'


def ex(body: str) -> str:
    """A routine with one exercise "Shrug"; `body` starts on line 6."""
    return HEAD + '[[exercise]]\nname = "Shrug"\n' + body + "\n"


def head(extra: str) -> str:
    """A routine whose [routine] table has `extra` on line 3."""
    return '[routine]\nname = "Neck"\n' + extra + '\n\n[[exercise]]\nname = "A"\nhold = 3\n'


CASES: list[tuple[str, str, list[str]]] = [
    # --- values of the wrong shape --------------------------------------------------------------
    ("hold-word", ex('hold = "three"'), [f'neck.toml:6: {EX1}: hold: {DURATION}, got "three"']),
    (
        "duration-unit",
        ex('duration = "2min"'),
        [f'neck.toml:6: {EX1}: duration: {DURATION}, got "2min"'],
    ),
    (
        "zero-hold",
        ex("hold = 0"),
        [f"neck.toml:6: {EX1}: hold: expected a duration above 0, got 0"],
    ),
    (
        "negative-hold",
        ex("hold = -3"),
        [f"neck.toml:6: {EX1}: hold: expected a duration above 0, got -3"],
    ),
    (
        "negative-rest",
        ex("hold = 3\nrest = -1"),
        [f"neck.toml:7: {EX1}: rest: expected a duration of 0 or more, got -1"],
    ),
    (
        "too-long",
        ex('duration = "5h"'),
        [f'neck.toml:6: {EX1}: duration: expected at most 4 hours ("4h"), got "5h"'],
    ),
    (
        "reps-too-many",
        ex("reps = 1001"),
        [f"neck.toml:6: {EX1}: reps: expected a whole number from 1 to 1000, got 1001"],
    ),
    (
        "reps-zero",
        ex("hold = 3\nreps = 0"),
        [f"neck.toml:7: {EX1}: reps: expected a whole number from 1 to 1000, got 0"],
    ),
    (
        "reps-float",
        ex("hold = 3\nreps = 2.5"),
        [f"neck.toml:7: {EX1}: reps: expected a whole number from 1 to 1000, got 2.5"],
    ),
    (
        "sets-too-many",
        ex("hold = 3\nsets = 101"),
        [f"neck.toml:7: {EX1}: sets: expected a whole number from 1 to 100, got 101"],
    ),
    (
        "breath-phase-zero",
        ex('hold = 3\nbreath = { inhale = "4s", exhale = 0 }'),
        [f"neck.toml:7: {EX1}: breath: exhale: expected a duration above 0, got 0"],
    ),
    (
        "breath-missing-exhale",
        ex('hold = 3\nbreath = { inhale = "4s" }'),
        [f"neck.toml:7: {EX1}: breath: exhale: missing (required)"],
    ),
    (
        "breath-true",
        ex("hold = 3\nbreath = true"),
        [
            f"neck.toml:7: {EX1}: breath: expected a table such as "
            '{ inhale = "4s", exhale = "6s" } or false, got true'
        ],
    ),
    (
        "sides-one-label",
        ex('hold = 3\nsides = ["left"]'),
        [
            f'neck.toml:7: {EX1}: sides: expected "both", "alternate" or a list of at least two '
            'different labels, got ["left"]'
        ],
    ),
    (
        "sides-word",
        ex('hold = 3\nsides = "each"'),
        [
            f'neck.toml:7: {EX1}: sides: expected "both", "alternate" or a list of at least two '
            'different labels, got "each"'
        ],
    ),
    (
        "phases-empty",
        ex("phases = []"),
        [
            f'neck.toml:6: {EX1}: phases: expected a list of tables such as [{{ label = "Up", '
            'secs = 2 }, { label = "Down", secs = 2 }], got an empty list'
        ],
    ),
    (
        "phase-without-secs",
        ex('phases = [{ label = "Up" }]'),
        [f"neck.toml:6: {EX1}: phases: phase 1: secs: missing (required)"],
    ),
    (
        "phase-breath-word",
        ex('phases = [{ label = "Up", secs = 2, breath = "in" }]'),
        [
            f'neck.toml:6: {EX1}: phases: phase 1: breath: expected one of inhale, exhale, hold, got "in"'
        ],
    ),
    (
        "place",
        head('place = "bed"'),
        [
            'neck.toml:3: routine: place: expected one of chair, standing, floor, anywhere, gym, got "bed"'
        ],
    ),
    (
        "tags-not-a-list",
        head('tags = "neck"'),
        ['neck.toml:3: routine: tags: expected a list of text such as ["a", "b"], got "neck"'],
    ),
    (
        "empty-routine-name",
        '[routine]\nname = ""\n\n[[exercise]]\nname = "A"\nhold = 3\n',
        ['neck.toml:2: routine: name: expected non-empty text, got ""'],
    ),
    (
        "exercise-without-name",
        HEAD + "[[exercise]]\nhold = 3\n",
        ["neck.toml:4: exercise 1: name: missing (required)"],
    ),
    (
        "defaults-tempo-zero",
        HEAD + '[defaults]\ntempo = 0\n\n[[exercise]]\nname = "A"\nreps = 3\n',
        ["neck.toml:5: defaults: tempo: expected a duration above 0, got 0"],
    ),
    # --- unknown keys ---------------------------------------------------------------------------
    (
        "hodl",
        ex("hodl = 3\nreps = 2"),
        [f'neck.toml:6: {EX1}: unknown key "hodl" (did you mean "hold"?)'],
    ),
    (
        "unknown-key-without-a-close-match",
        ex("hold = 3\nwobble = 1"),
        [
            f'neck.toml:7: {EX1}: unknown key "wobble"; expected one of: name, steps, caution, '
            "hold, expect, duration, phases, tempo, reps, sets, sides, rest, rep_rest, set_rest, "
            "side_rest, breath, progress"
        ],
    ),
    (
        "defaults-typo",
        HEAD + '[defaults]\nrest = "15s"\nreps_rest = 2\n\n[[exercise]]\nname = "A"\nhold = 3\n',
        ['neck.toml:6: defaults: unknown key "reps_rest" (did you mean "rep_rest"?)'],
    ),
    (
        "breath-typo",
        ex("hold = 3\nbreath = { inhale = 4, exhale = 4, exhail = 2 }"),
        [f'neck.toml:7: {EX1}: breath: unknown key "exhail" (did you mean "exhale"?)'],
    ),
    (
        "table-typo",
        HEAD + '[[exercises]]\nname = "A"\nhold = 3\n',
        [
            "neck.toml: no exercises: expected at least one [[exercise]] table",
            'neck.toml:4: unknown table "exercises" (did you mean "exercise"?)',
        ],
    ),
    (
        "key-outside-its-table",
        'name = "Neck"\n\n[[exercise]]\nname = "A"\nhold = 3\n',
        [
            'neck.toml: missing the [routine] table (expected [routine] with name = "...")',
            'neck.toml:1: key "name" is outside its table (put it under [routine])',
        ],
    ),
    (
        "single-brackets",
        HEAD + '[exercise]\nname = "A"\nhold = 3\n',
        [
            "neck.toml:4: exercise: expected [[exercise]] tables, got a single [exercise] table (write [[exercise]], with two brackets)"
        ],
    ),
    # --- contradictions -------------------------------------------------------------------------
    (
        "hold-and-duration",
        ex('hold = 3\nduration = "1m"'),
        [f"neck.toml:7: {EX1}: expected one way of working, got both hold and duration"],
    ),
    (
        "phases-and-hold",
        ex('hold = 3\nphases = [{ label = "Up", secs = 2 }]'),
        [f"neck.toml:7: {EX1}: expected one way of working, got both hold and phases"],
    ),
    (
        "self-and-hold",
        ex('hold = 3\ntempo = "self"'),
        [f'neck.toml:7: {EX1}: expected one way of working, got both hold and tempo = "self"'],
    ),
    (
        "duration-with-reps",
        ex('duration = "1m"\nreps = 10'),
        [
            f"neck.toml:7: {EX1}: reps: expected no reps with duration (a timed exercise is one "
            "continuous block; use sets), got 10"
        ],
    ),
    (
        "tempo-with-hold",
        ex('hold = 3\ntempo = "2s"'),
        [
            f"neck.toml:7: {EX1}: tempo: expected no tempo with hold (tempo is the length of a "
            'paced rep), got "2s"'
        ],
    ),
    (
        "alternate-with-sets-and-no-reps",
        ex('hold = 3\nsides = "alternate"\nsets = 2'),
        [
            f'neck.toml:7: {EX1}: sides: expected reps with sides = "alternate" and sets (sides '
            "alternate every rep), got no reps"
        ],
    ),
    (
        "timed-alternate-with-sets",
        ex('duration = 30\nsides = "alternate"\nsets = 2'),
        [
            f'neck.toml:7: {EX1}: sides: expected "both" for a timed exercise with sets (timed '
            'work has no reps to alternate), got "alternate"'
        ],
    ),
    (
        "expect-not-a-duration",
        ex('hold = "max"\nexpect = "a few minutes"'),
        [
            f'neck.toml:7: {EX1}: expect: expected a duration such as 3, "3s" or "1m30s", got '
            '"a few minutes"'
        ],
    ),
    (
        "expect-without-an-open-ended-hold",
        ex('hold = "10s"\nexpect = "3m"'),
        [
            f'neck.toml:7: {EX1}: expect: expected expect only with hold = "max" (it is the usual '
            'length of an open-ended hold), got "3m"'
        ],
    ),
    (
        "no-way-of-working",
        ex('steps = ["Sit tall."]'),
        [
            f"neck.toml:4: {EX1}: expected one way of working: hold, duration, phases, reps, "
            'tempo = "self" or hold = "max"'
        ],
    ),
    # --- progress -------------------------------------------------------------------------------
    (
        "progress-field-the-exercise-has-not",
        ex('duration = "1m"\nprogress = { hold = "+5s", every = "1w", max = "40s" }'),
        [
            f"neck.toml:7: {EX1}: progress: hold: expected one of duration, sets (what this exercise has), got hold"
        ],
    ),
    (
        "progress-every",
        ex('hold = 10\nprogress = { hold = "+5s", every = "weekly", max = "40s" }'),
        [f'neck.toml:7: {EX1}: progress: every: expected "3d", "1w" or "3 sessions", got "weekly"'],
    ),
    (
        "progress-max-below-the-start",
        ex('hold = 10\nprogress = { hold = "+5s", every = "1w", max = "5s" }'),
        [f'neck.toml:7: {EX1}: progress: max: expected at least the starting hold (10s), got "5s"'],
    ),
    (
        "progress-step",
        ex('reps = 10\nprogress = { reps = "two", every = "3 sessions", max = 30 }'),
        [f'neck.toml:7: {EX1}: progress: reps: expected a step such as "+2", got "two"'],
    ),
    (
        "progress-two-fields",
        ex('hold = 10\nreps = 5\nprogress = { hold = "+5s", reps = "+1", every = "1w", max = 30 }'),
        [
            f"neck.toml:8: {EX1}: progress: expected one of hold, reps or sets to grow, got hold and reps"
        ],
    ),
    # --- whole-file problems and syntax ---------------------------------------------------------
    ("no-exercises", HEAD, ["neck.toml: no exercises: expected at least one [[exercise]] table"]),
    (
        "no-routine-table",
        '[[exercise]]\nname = "A"\nhold = 3\n',
        ['neck.toml: missing the [routine] table (expected [routine] with name = "...")'],
    ),
    (
        "syntax-missing-value",
        HEAD + '[[exercise]]\nname = "A"\nhold = \n',
        [
            'neck.toml:6:8: invalid value (expected a value after "=": a number, "text", '
            "true/false, [a list] or { a = table })"
        ],
    ),
    (
        "syntax-unclosed-list",
        HEAD + '[[exercise]]\nname = "A"\nsteps = ["a"\n',
        ['neck.toml:6: unclosed array at the end of the file (a "]" is missing)'],
    ),
    (
        "syntax-key-twice",
        HEAD + '[[exercise]]\nname = "A"\nhold = 3\nhold = 4\n',
        ["neck.toml:7:9: cannot overwrite a value (is this key or table written twice?)"],
    ),
    (
        "empty-file",
        "",
        [
            "neck.toml: the file is empty: a routine needs a [routine] table with a name and at "
            "least one [[exercise]]"
        ],
    ),
    (
        "only-comments",
        "# nothing here\n",
        [
            "neck.toml: the file has only comments: a routine needs a [routine] table with a name "
            "and at least one [[exercise]]"
        ],
    ),
    (
        "two-problems-in-one-exercise",
        ex('hold = "three"\nreps = 0'),
        [
            f'neck.toml:6: {EX1}: hold: {DURATION}, got "three"',
            f"neck.toml:7: {EX1}: reps: expected a whole number from 1 to 1000, got 0",
        ],
    ),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_explained_exactly(text: str, expected: list[str]) -> None:
    with pytest.raises(RoutineError) as err:
        load_text(text, source="neck.toml", routine_id="neck")
    assert str(err.value).splitlines() == expected
    assert err.value.source == "neck.toml"
    assert [str(p) for p in err.value.problems] == expected


def test_there_are_at_least_25_cases() -> None:
    assert len(CASES) >= 25


def test_problems_in_several_exercises_are_all_reported() -> None:
    text = (
        HEAD
        + '[[exercise]]\nname = "A"\nhold = 0\n\n'  # 4-6
        + '[[exercise]]\nname = "B"\nduration = "1m"\nreps = 3\n\n'  # 8-11
        + '[[exercise]]\nname = "C"\nreps = 10\n\n'  # 13-15: fine
        + '[[exercise]]\nname = "D"\nhold = 5\nsides = "everywhere"\n'  # 17-20
    )
    with pytest.raises(RoutineError) as err:
        load_text(text, source="n.toml", routine_id="n")
    assert [(p.line, p.message.split(":")[0]) for p in err.value.problems] == [
        (6, 'exercise 1 ("A")'),
        (11, 'exercise 2 ("B")'),
        (20, 'exercise 4 ("D")'),
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            b"",
            "f.toml: the file is empty: a routine needs a [routine] table with a name and at least one [[exercise]]",
        ),
        (b"\x00\x01\x02binary\xff", "f.toml: not a text file (it contains NUL bytes)"),
        (
            b'[routine]\nname = "Caf\xe9"\n',
            "f.toml:2: not UTF-8 text (byte 0xe9 cannot be read); save it as UTF-8",
        ),
        (
            b"\x89PNG\r\n\x1a\n",
            "f.toml:1: not UTF-8 text (byte 0x89 cannot be read); save it as UTF-8",
        ),
    ],
    ids=["empty", "binary", "latin-1", "png"],
)
def test_files_that_are_not_toml_text(data: bytes, expected: str) -> None:
    with pytest.raises(RoutineError) as err:
        load_bytes(data, source="f.toml", routine_id="f")
    assert str(err.value) == expected


def test_a_utf8_file_with_a_byte_order_mark_loads(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(
        '\ufeff[routine]\nname = "Café"\n[[exercise]]\nname = "A"\nhold = 3\n'.encode()
    )
    assert load_file(path).name == "Café"


def test_an_unreadable_path_is_a_routine_error(tmp_path: Path) -> None:
    with pytest.raises(RoutineError) as err:
        load_file(tmp_path)  # a folder
    assert str(err.value) == (
        f"{tmp_path}: not a routine file: this is a folder, expected a regular .toml file"
    )
