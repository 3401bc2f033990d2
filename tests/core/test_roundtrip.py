"""Writing a routine with tomli-w and loading it back gives the same routine, and its
timeline lasts exactly as long as its parts say. Bad input of any shape gives a
RoutineError, never another exception."""

from __future__ import annotations

import math
import tomllib
from typing import Any

import tomli_w
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from backtimer.routine.errors import RoutineError
from backtimer.routine.loader import load_bytes, load_text
from backtimer.routine.model import Exercise, Routine, WorkKind
from backtimer.routine.writer import to_data, to_toml
from backtimer.timeline import OPEN_HOLD_ESTIMATE, compile
from tests.helpers.strategies import routines

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def expected_seconds(ex: Exercise) -> float:
    """How long one exercise lasts, worked out from the model by hand (not by the compiler)."""
    # "alternate" alternates every rep; a timed block is worked side after side like
    # "both", and a self-paced set stays one open segment in which the person alternates
    sides = len(ex.sides) or 1
    alternates = ex.alternate and ex.kind not in (WorkKind.TIMED, WorkKind.SELF)
    blocks = 1 if alternates or (ex.alternate and ex.kind is WorkKind.SELF) else sides
    if ex.kind in (WorkKind.TIMED, WorkKind.SELF):
        items = 1
    else:
        items = ex.reps * (sides if alternates else 1)
    work = {
        WorkKind.HOLD: ex.hold,
        WorkKind.TIMED: ex.duration,
        WorkKind.PHASED: sum(p.secs for p in ex.phases),
        WorkKind.PACED: ex.tempo,
        WorkKind.SELF: ex.reps * (ex.tempo or 0.0) * (sides if ex.alternate else 1),
        WorkKind.MAX: OPEN_HOLD_ESTIMATE if ex.expect is None else ex.expect,
    }[ex.kind]
    assert work is not None
    rep_rest = ex.rep_rest if ex.kind in (WorkKind.HOLD, WorkKind.TIMED, WorkKind.MAX) else 0.0
    per_set = blocks * (items * work + (items - 1) * rep_rest) + (blocks - 1) * ex.side_rest
    return ex.sets * per_set + (ex.sets - 1) * ex.set_rest


def expected_total(routine: Routine) -> float:
    total = routine.prepare + sum(expected_seconds(ex) for ex in routine.exercises)
    return total + sum(ex.rest for ex in routine.exercises[:-1])


@FAST
@given(routines())
def test_written_routine_loads_back_equal(routine: Routine) -> None:
    text = to_toml(routine)
    assert load_text(text, source="r.toml", routine_id=routine.id) == routine


@FAST
@given(routines())
def test_timeline_total_is_the_sum_of_its_parts(routine: Routine) -> None:
    loaded = load_text(to_toml(routine), source="r.toml", routine_id=routine.id)
    timeline = compile(loaded)
    assert math.isclose(timeline.total, sum(s.estimate for s in timeline.segments))
    assert math.isclose(timeline.total, expected_total(loaded), abs_tol=1e-6)


def test_writer_writes_only_what_differs_from_the_defaults() -> None:
    text = (
        '[routine]\nname = "N"\nplace = "chair"\n\n[defaults]\nrest = "20s"\n\n'
        '[[exercise]]\nname = "A"\nhold = "3s"\nreps = 10\nrest = "20s"\n\n'
        '[[exercise]]\nname = "B"\nduration = 90\nrest = 45\nbreath = { inhale = 4, exhale = 6 }\n'
    )
    routine = load_text(text, source="n.toml", routine_id="n")
    data = to_data(routine)
    assert data["defaults"] == {"rest": "20s"}
    assert data["exercise"][0] == {"name": "A", "hold": "3s", "reps": 10}
    assert data["exercise"][1] == {
        "name": "B",
        "duration": "1m30s",
        "rest": "45s",
        "breath": {"inhale": "4s", "exhale": "6s"},
    }


# --- never anything but RoutineError -------------------------------------------------------------

toml_scalars = st.one_of(
    st.booleans(),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["3s", "1m30s", "max", "self", "both", "alternate", "+5s", "1w", "0", "-1"]),
    st.dates(),
)
toml_values = st.recursive(
    toml_scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(["label", "secs", "inhale", "exhale", "x"]), inner, max_size=3
        )
    ),
    max_leaves=8,
)
KEYS = [
    "name", "hold", "duration", "phases", "tempo", "reps", "sets", "sides", "rest", "breath",
    "progress", "steps", "caution", "hodl", "prepare", "place", "tags",
]  # fmt: skip


def only_routine_errors(load: Any) -> None:
    try:
        load()
    except RoutineError as err:
        assert err.problems, "a RoutineError names at least one problem"
        assert all(str(p).startswith("f.toml") for p in err.problems)


@FAST
@given(st.text(max_size=300))
def test_any_text_gives_a_routine_or_a_routine_error(text: str) -> None:
    only_routine_errors(lambda: load_text(text, source="f.toml", routine_id="f"))


@FAST
@given(st.binary(max_size=300))
def test_any_bytes_give_a_routine_or_a_routine_error(data: bytes) -> None:
    only_routine_errors(lambda: load_bytes(data, source="f.toml", routine_id="f"))


@FAST
@given(
    st.dictionaries(st.sampled_from(KEYS), toml_values, max_size=4),
    st.dictionaries(st.sampled_from(KEYS), toml_values, max_size=3),
    st.dictionaries(st.sampled_from(KEYS), toml_values, max_size=3),
)
def test_any_toml_gives_a_routine_or_a_routine_error(
    exercise: dict[str, Any], head: dict[str, Any], defaults: dict[str, Any]
) -> None:
    data = {"routine": head, "defaults": defaults, "exercise": [exercise]}
    try:
        text = tomli_w.dumps(data)
    except (TypeError, ValueError):
        assume(False)  # tomli-w cannot write this value: not a loader case
        return
    only_routine_errors(lambda: load_text(text, source="f.toml", routine_id="f"))


@FAST
@given(routines(max_exercises=2), st.data())
def test_a_valid_routine_with_one_value_changed_gives_a_routine_or_an_error(
    routine: Routine, data: st.DataObject
) -> None:
    doc = to_data(routine)
    table = data.draw(st.sampled_from(["routine", "defaults", "exercise"]))
    target = doc.setdefault(table, {}) if table != "exercise" else doc["exercise"][0]
    target[data.draw(st.sampled_from(KEYS))] = data.draw(toml_values)
    text = tomli_w.dumps(doc)
    tomllib.loads(text)  # tomli-w wrote valid TOML
    only_routine_errors(lambda: load_text(text, source="f.toml", routine_id="f"))


def test_every_built_in_routine_round_trips() -> None:
    from backtimer.paths import builtin_routines_dir
    from backtimer.routine.loader import load_file

    files = sorted(builtin_routines_dir().glob("*.toml"))
    assert files, "the built-in library has routines"
    for path in files:
        routine = load_file(path)
        assert load_text(to_toml(routine), source=path.name, routine_id=routine.id) == routine
