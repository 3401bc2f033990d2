"""Loading routine files: what each field of the format turns into."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backtimer.routine import RoutineError, load_file, load_text
from backtimer.routine.loader import quoted
from backtimer.routine.model import Breath, Defaults, Phase, Progress, WorkKind

HEAD = '[routine]\nname = "Test"\n\n'


def one(body: str, defaults: str = "") -> object:
    text = HEAD + (f"[defaults]\n{defaults}\n\n" if defaults else "") + "[[exercise]]\n" + body
    return load_text(text, source="t.toml", routine_id="t").exercises[0]


def test_a_full_routine_loads_with_every_field() -> None:
    text = """
[routine]
name = "Neck set"
description = "Eight gentle neck exercises."
tags = ["neck", "office"]
place = "chair"
equipment = []
cautions = ["Stop at once if you feel sharp pain."]

[defaults]
prepare = "5s"
rest = "20s"
rep_rest = 1
set_rest = "1m"
side_rest = "3s"
tempo = 2.5
breath = { inhale = "4s", exhale = "6s" }

[[exercise]]
name = "Neck retraction"
steps = ["Sit tall.", "Draw the chin back."]
caution = "Go gently."
hold = "3s"
reps = 10
"""
    routine = load_text(text, source="neck.toml", routine_id="neck")
    assert routine.id == "neck"
    assert routine.name == "Neck set"
    assert routine.description == "Eight gentle neck exercises."
    assert routine.tags == ("neck", "office")
    assert routine.place == "chair"
    assert routine.equipment == ()
    assert routine.cautions == ("Stop at once if you feel sharp pain.",)
    assert routine.defaults == Defaults(
        prepare=5, rest=20, rep_rest=1, set_rest=60, side_rest=3, tempo=2.5,
        breath=Breath(inhale=4, exhale=6),
    )  # fmt: skip
    (ex,) = routine.exercises
    assert ex.name == "Neck retraction"
    assert ex.steps == ("Sit tall.", "Draw the chin back.")
    assert ex.caution == "Go gently."
    assert (ex.kind, ex.hold, ex.reps, ex.sets) == (WorkKind.HOLD, 3.0, 10, 1)
    # the defaults are resolved into the exercise
    assert (ex.rest, ex.rep_rest, ex.set_rest, ex.side_rest) == (20, 1, 60, 3)
    assert ex.breath == Breath(inhale=4, exhale=6)
    assert ex.tempo is None


def test_backtimers_own_defaults_apply_without_a_defaults_table() -> None:
    ex = one('name = "Shrug"\nreps = 10\n')
    assert (ex.kind, ex.reps, ex.tempo) == (WorkKind.PACED, 10, 3.0)  # type: ignore[attr-defined]
    assert (ex.rest, ex.rep_rest, ex.set_rest, ex.side_rest) == (15, 2, 30, 5)  # type: ignore[attr-defined]
    assert ex.breath is None  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("body", "kind", "attrs"),
    [
        ('hold = "3s"', WorkKind.HOLD, {"hold": 3.0, "reps": 1}),
        ("hold = 1.5\nreps = 4", WorkKind.HOLD, {"hold": 1.5, "reps": 4}),
        ('hold = "max"\nreps = 10', WorkKind.MAX, {"hold": None, "reps": 10}),
        ('hold = "max"\nexpect = "3m"', WorkKind.MAX, {"expect": 180.0, "reps": 1}),
        ('duration = "1m30s"\nsets = 3', WorkKind.TIMED, {"duration": 90.0, "sets": 3}),
        ("reps = 10", WorkKind.PACED, {"tempo": 3.0, "reps": 10}),
        ('reps = 10\ntempo = "2s"', WorkKind.PACED, {"tempo": 2.0}),
        ('tempo = "self"\nreps = 12\nsets = 3', WorkKind.SELF, {"tempo": 3.0, "reps": 12}),
        (
            'phases = [{ label = "Up", breath = "inhale", secs = 2 }, '
            '{ label = "Down", secs = "3s" }]',
            WorkKind.PHASED,
            {"phases": (Phase("Up", 2.0, "inhale"), Phase("Down", 3.0, None)), "reps": 1},
        ),
    ],
)
def test_the_way_of_working_decides_the_kind(
    body: str, kind: WorkKind, attrs: dict[str, object]
) -> None:
    ex = one(f'name = "X"\n{body}\n')
    assert ex.kind is kind  # type: ignore[attr-defined]
    for key, value in attrs.items():
        assert getattr(ex, key) == value, key


def test_self_paced_keeps_the_routines_tempo_for_estimates() -> None:
    ex = one('name = "Row"\ntempo = "self"\nreps = 10\n', defaults='tempo = "4s"')
    assert ex.tempo == 4.0  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("sides", "labels", "alternate"),
    [
        ('"both"', ("left", "right"), False),
        ('"alternate"', ("left", "right"), True),
        ('["clockwise", "counter-clockwise"]', ("clockwise", "counter-clockwise"), False),
    ],
)
def test_sides(sides: str, labels: tuple[str, ...], alternate: bool) -> None:
    ex = one(f'name = "Twist"\nhold = 10\nreps = 5\nsides = {sides}\n')
    assert ex.sides == labels  # type: ignore[attr-defined]
    assert ex.alternate is alternate  # type: ignore[attr-defined]


def test_exercise_overrides_and_breath_false() -> None:
    defaults = 'rest = "30s"\nbreath = { inhale = 4, exhale = 6 }'
    ex = one('name = "A"\nhold = 5\nrest = 0\nbreath = false\n', defaults=defaults)
    assert ex.rest == 0.0  # type: ignore[attr-defined]
    assert ex.breath is None  # type: ignore[attr-defined]
    ex = one(
        'name = "A"\nhold = 5\nbreath = { inhale = "4s", hold = "2s", exhale = "6s" }\n', defaults
    )
    assert ex.breath == Breath(inhale=4, exhale=6, hold=2)  # type: ignore[attr-defined]
    assert ex.rest == 30.0  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("body", "progress"),
    [
        (
            'hold = "10s"\nprogress = { hold = "+5s", every = "1w", max = "40s" }',
            Progress(field="hold", step=5, max=40, every_days=7),
        ),
        (
            'reps = 10\nprogress = { reps = "+2", every = "3 sessions", max = 30 }',
            Progress(field="reps", step=2, max=30, every_sessions=3),
        ),
        (
            'hold = 3\nreps = 15\nprogress = { sets = "+1", every = "10d", max = 3 }',
            Progress(field="sets", step=1, max=3, every_days=10),
        ),
        (
            'duration = "1m"\nprogress = { duration = 10, every = "2 weeks", max = "2m" }',
            Progress(field="duration", step=10, max=120, every_days=14),
        ),
    ],
)
def test_progress(body: str, progress: Progress) -> None:
    assert one(f'name = "P"\n{body}\n').progress == progress  # type: ignore[attr-defined]


def test_load_file_takes_the_id_from_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "my-neck.toml"
    path.write_text(HEAD + '[[exercise]]\nname = "A"\nhold = 3\n', encoding="utf-8")
    assert load_file(path).id == "my-neck"
    assert load_file(path, routine_id="other").id == "other"


def test_load_file_reports_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(RoutineError) as err:
        load_file(tmp_path / "gone.toml")
    assert (
        str(err.value)
        == f"{tmp_path / 'gone.toml'}: cannot read the file: No such file or directory"
    )


def test_all_problems_of_a_file_are_reported_together_in_file_order() -> None:
    text = (
        '[routine]\nname = "Neck"\nplace = "bed"\n\n'
        '[[exercise]]\nname = "Tilt"\nhodl = 3\n\n'
        '[[exercise]]\nname = "Shrug"\nhold = "three"\n'
    )
    with pytest.raises(RoutineError) as err:
        load_text(text, source="neck.toml", routine_id="neck")
    assert str(err.value).splitlines() == [
        "neck.toml:3: routine: place: expected one of chair, standing, floor, anywhere, gym, "
        'got "bed"',
        'neck.toml:5: exercise 1 ("Tilt"): expected one way of working: hold, duration, phases, '
        'reps, tempo = "self" or hold = "max"',
        'neck.toml:7: exercise 1 ("Tilt"): unknown key "hodl" (did you mean "hold"?)',
        'neck.toml:11: exercise 2 ("Shrug"): hold: expected a duration such as 3, "3s" or '
        '"1m30s", got "three"',
    ]
    assert [p.line for p in err.value.problems] == [3, 5, 7, 11]
    assert err.value.first_line == 3


def test_a_user_routine_file_on_disk_with_errors_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(HEAD + '[[exercise]]\nname = "A"\nhold = 0\n', encoding="utf-8")
    with pytest.raises(RoutineError) as err:
        load_file(path)
    assert str(err.value) == f'{path}:6: exercise 1 ("A"): hold: expected a duration above 0, got 0'


@settings(max_examples=500)
@given(st.text())
def test_names_in_messages_are_quoted_as_json_would(text: str) -> None:
    # Problem messages quote what the author wrote ("exercise 2 (\"Neck tilt\")"); the
    # loader does it without json, which it no longer imports on every load. It escapes
    # more than json.dumps(ensure_ascii=False): DEL, C1 and surrogates too, so a message
    # never carries a control character to the terminal.
    assert json.loads(quoted(text)) == text
    assert not re.search(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]", quoted(text))
    if not re.search(r"[\x7f-\x9f\ud800-\udfff]", text):
        assert quoted(text) == json.dumps(text, ensure_ascii=False)
