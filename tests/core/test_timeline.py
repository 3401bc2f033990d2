"""The timeline compiler: what the engine runs and `plan` prints, segment by segment."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backtimer.routine.model import Breath, Defaults, Exercise, Phase, Routine, WorkKind
from backtimer.timeline import OPEN_HOLD_ESTIMATE, Cue, Segment, Timeline, compile

LR = ("left", "right")


def routine(*exercises: Exercise, prepare: float = 10.0, **defaults: object) -> Routine:
    return Routine(
        id="t",
        name="Test",
        defaults=Defaults(prepare=prepare, **defaults),  # type: ignore[arg-type]
        exercises=exercises,
    )


def hold(name: str = "Hold it", secs: float = 3.0, reps: int = 1, **kw: object) -> Exercise:
    kw.setdefault("rep_rest", 2.0)
    return Exercise(name=name, kind=WorkKind.HOLD, hold=secs, reps=reps, **kw)  # type: ignore[arg-type]


def shape(tl: Timeline) -> list[tuple[str, object, object, object, float | None]]:
    """(kind or rest reason, rep, set, side, duration) per segment: easy to read in asserts."""
    return [
        (s.reason or s.kind, s.rep, s.set, s.side, s.duration)  # type: ignore[misc]
        for s in tl.segments
    ]


# --- prepare, rests, no trailing rest --------------------------------------------------------


def test_prepare_opens_the_routine_with_a_countdown() -> None:
    tl = compile(routine(hold(secs=3.0, reps=2), prepare=10.0))
    first = tl.segments[0]
    assert (first.kind, first.label, first.duration, first.start) == (
        "prepare",
        "Get ready",
        10.0,
        0.0,
    )
    assert first.exercise == "Hold it"
    assert [(c.at, c.value) for c in first.cues] == [(7.0, 3), (8.0, 2), (9.0, 1)]


def test_no_prepare_when_prepare_is_zero() -> None:
    tl = compile(routine(hold(reps=2), prepare=0.0))
    assert tl.segments[0].kind == "work"
    assert tl.segments[0].start == 0.0


def test_hold_reps_with_rep_rests_and_no_trailing_rest() -> None:
    tl = compile(routine(hold(secs=3.0, reps=3, rep_rest=2.0), prepare=0.0))
    assert shape(tl) == [
        ("work", 1, 1, None, 3.0),
        ("rep", None, 1, None, 2.0),
        ("work", 2, 1, None, 3.0),
        ("rep", None, 1, None, 2.0),
        ("work", 3, 1, None, 3.0),
    ]
    assert [s.start for s in tl.segments] == [0, 3, 5, 8, 10]
    assert tl.total == 13.0
    assert all(s.reps == 3 for s in tl.segments if s.kind == "work")
    assert tl.segments[-1].kind == "work"


def test_rest_between_exercises_but_not_after_the_last() -> None:
    a = hold("A", reps=1, rest=20.0)
    b = hold("B", reps=1, rest=45.0)
    tl = compile(routine(a, b, prepare=0.0))
    assert shape(tl) == [
        ("work", 1, 1, None, 3.0),
        ("exercise", None, 1, None, 20.0),
        ("work", 1, 1, None, 3.0),
    ]
    rest = tl.segments[1]
    assert (rest.label, rest.exercise_index, rest.exercise) == ("Rest", 0, "A")


@pytest.mark.parametrize("field", ["rest", "rep_rest", "set_rest", "side_rest"])
def test_rests_of_zero_are_left_out(field: str) -> None:
    kw: dict[str, object] = {"rest": 0.0, "rep_rest": 0.0, "set_rest": 0.0, "side_rest": 0.0}
    kw[field] = 0.0
    a = hold("A", reps=2, sets=2, sides=LR, **kw)
    tl = compile(routine(a, hold("B", **kw), prepare=0.0))
    assert all(s.kind == "work" for s in tl.segments)
    # 2 sets x 2 sides x 2 reps + B
    assert len(tl.segments) == 9


def test_sets_get_a_set_rest_between_them() -> None:
    ex = Exercise(
        name="Row", kind=WorkKind.PACED, tempo=2.0, reps=2, sets=3, set_rest=30.0, rep_rest=2.0
    )
    tl = compile(routine(ex, prepare=0.0))
    assert shape(tl) == [
        ("work", 1, 1, None, 2.0),
        ("work", 2, 1, None, 2.0),  # paced reps: no rep rest
        ("set", None, 2, None, 30.0),
        ("work", 1, 2, None, 2.0),
        ("work", 2, 2, None, 2.0),
        ("set", None, 3, None, 30.0),
        ("work", 1, 3, None, 2.0),
        ("work", 2, 3, None, 2.0),
    ]
    assert {s.sets for s in tl.segments} == {3}
    assert tl.segments[2].label == "Rest"


# --- sides -----------------------------------------------------------------------------------


def test_sides_both_all_reps_one_side_then_the_other() -> None:
    ex = hold(secs=10.0, reps=2, sides=LR, rep_rest=2.0, side_rest=5.0)
    tl = compile(routine(ex, prepare=0.0))
    assert shape(tl) == [
        ("work", 1, 1, "left", 10.0),
        ("rep", None, 1, "left", 2.0),
        ("work", 2, 1, "left", 10.0),
        ("side", None, 1, "right", 5.0),
        ("work", 1, 1, "right", 10.0),
        ("rep", None, 1, "right", 2.0),
        ("work", 2, 1, "right", 10.0),
    ]
    assert tl.segments[3].label == "Switch sides"


def test_sides_both_with_sets_repeat_both_sides_each_set() -> None:
    ex = Exercise(
        name="Lunge",
        kind=WorkKind.PACED,
        tempo=3.0,
        reps=1,
        sets=2,
        sides=LR,
        side_rest=5.0,
        set_rest=20.0,
    )
    tl = compile(routine(ex, prepare=0.0))
    assert shape(tl) == [
        ("work", 1, 1, "left", 3.0),
        ("side", None, 1, "right", 5.0),
        ("work", 1, 1, "right", 3.0),
        ("set", None, 2, None, 20.0),
        ("work", 1, 2, "left", 3.0),
        ("side", None, 2, "right", 5.0),
        ("work", 1, 2, "right", 3.0),
    ]


def test_sides_alternate_every_rep_and_reps_count_per_side() -> None:
    ex = hold(secs=3.0, reps=2, sides=LR, alternate=True, rep_rest=1.0, side_rest=5.0)
    tl = compile(routine(ex, prepare=0.0))
    assert shape(tl) == [
        ("work", 1, 1, "left", 3.0),
        ("rep", None, 1, "right", 1.0),
        ("work", 1, 1, "right", 3.0),
        ("rep", None, 1, "left", 1.0),
        ("work", 2, 1, "left", 3.0),
        ("rep", None, 1, "right", 1.0),
        ("work", 2, 1, "right", 3.0),
    ]


def test_paced_alternate_has_no_pauses_between_sides() -> None:
    ex = Exercise(name="Tilt", kind=WorkKind.PACED, tempo=2.0, reps=2, sides=LR, alternate=True)
    tl = compile(routine(ex, prepare=0.0))
    assert [(s.rep, s.side) for s in tl.segments] == [
        (1, "left"),
        (1, "right"),
        (2, "left"),
        (2, "right"),
    ]


def test_custom_side_labels() -> None:
    ex = Exercise(
        name="Shoulder rotation",
        kind=WorkKind.PACED,
        tempo=2.0,
        reps=10,
        sides=("forward", "backward"),
        side_rest=3.0,
    )
    tl = compile(routine(ex, prepare=0.0))
    work = [s for s in tl.segments if s.kind == "work"]
    assert [s.side for s in work] == ["forward"] * 10 + ["backward"] * 10
    assert [s.side for s in tl.segments if s.kind == "rest"] == ["backward"]


def test_timed_block_per_side_worked_one_side_then_the_other() -> None:
    for alternate in (False, True):
        ex = Exercise(
            name="Stretch", kind=WorkKind.TIMED, duration=60.0, sides=LR, alternate=alternate
        )
        tl = compile(routine(ex, prepare=0.0, side_rest=5.0))
        assert shape(tl) == [
            ("work", None, 1, "left", 60.0),
            ("side", None, 1, "right", 5.0),
            ("work", None, 1, "right", 60.0),
        ], f"alternate={alternate}"


# --- phases, self-paced, open-ended holds ----------------------------------------------------


def test_phased_reps_run_through_their_phases_with_breath_words() -> None:
    ex = Exercise(
        name="Plank to child",
        kind=WorkKind.PHASED,
        phases=(Phase("Drop the knees", 2.0, "inhale"), Phase("Back to plank", 3.0, "exhale")),
        reps=2,
        rep_rest=2.0,  # phased reps have no rep rests
    )
    tl = compile(routine(ex, prepare=0.0))
    assert [(s.label, s.phase, s.breath, s.rep, s.duration) for s in tl.segments] == [
        ("Drop the knees", "Drop the knees", "inhale", 1, 2.0),
        ("Back to plank", "Back to plank", "exhale", 1, 3.0),
        ("Drop the knees", "Drop the knees", "inhale", 2, 2.0),
        ("Back to plank", "Back to plank", "exhale", 2, 3.0),
    ]
    assert tl.total == 10.0
    assert all(s.cues == () for s in tl.segments)


def test_self_paced_sets_are_open_and_counted_by_an_estimate() -> None:
    ex = Exercise(name="Pull-down", kind=WorkKind.SELF, reps=8, sets=3, set_rest=60.0)
    tl = compile(routine(ex, prepare=0.0, tempo=3.0))
    assert shape(tl) == [
        ("work", None, 1, None, None),
        ("set", None, 2, None, 60.0),
        ("work", None, 2, None, None),
        ("set", None, 3, None, 60.0),
        ("work", None, 3, None, None),
    ]
    work = tl.segments[0]
    assert work.is_open and work.estimate == 24.0 and work.reps == 8
    assert work.label == "Your pace"
    assert tl.has_estimates
    assert tl.total == 3 * 24.0 + 2 * 60.0
    assert tl.fixed_total == 120.0
    assert tl.segments[2].start == 84.0  # starts are counted by estimates


def test_self_paced_estimate_uses_the_exercise_tempo_and_alternating_sides() -> None:
    ex = Exercise(name="Row", kind=WorkKind.SELF, reps=8, tempo=4.0, sides=LR, alternate=True)
    tl = compile(routine(ex, prepare=0.0))
    assert len(tl.segments) == 1
    assert tl.segments[0].estimate == 8 * 2 * 4.0
    assert tl.segments[0].side is None


def test_self_paced_both_sides_is_one_open_set_per_side() -> None:
    ex = Exercise(name="Row", kind=WorkKind.SELF, reps=10, sides=LR, side_rest=5.0)
    tl = compile(routine(ex, prepare=0.0, tempo=2.0))
    assert shape(tl) == [
        ("work", None, 1, "left", None),
        ("side", None, 1, "right", 5.0),
        ("work", None, 1, "right", None),
    ]
    assert tl.total == 20.0 + 5.0 + 20.0


def test_open_ended_holds_count_by_the_open_hold_estimate() -> None:
    ex = Exercise(name="Superman", kind=WorkKind.MAX, reps=3, rep_rest=5.0)
    tl = compile(routine(ex, prepare=0.0))
    assert shape(tl) == [
        ("work", 1, 1, None, None),
        ("rep", None, 1, None, 5.0),
        ("work", 2, 1, None, None),
        ("rep", None, 1, None, 5.0),
        ("work", 3, 1, None, None),
    ]
    assert tl.segments[0].label == "Hold as long as you can"
    assert tl.total == 3 * OPEN_HOLD_ESTIMATE + 10.0


def test_an_open_ended_hold_counts_as_its_expected_length() -> None:
    ex = Exercise(name="Pillar", kind=WorkKind.MAX, expect=180.0, rest=0.0)
    tl = compile(routine(ex, hold(reps=1), prepare=10.0))
    (pillar,) = [s for s in tl.segments if s.exercise_index == 0 and s.kind == "work"]
    assert pillar.is_open and pillar.estimate == 180.0
    assert tl.segments[-1].start == 10.0 + 180.0  # the next exercise starts after it
    assert tl.total == 10.0 + 180.0 + 3.0
    assert tl.has_estimates  # the person still ends it: the total stays an estimate


def test_fixed_routine_has_no_estimates() -> None:
    tl = compile(routine(hold(reps=3), prepare=5.0))
    assert not tl.has_estimates
    assert tl.total == tl.fixed_total == 5.0 + 3 * 3.0 + 2 * 2.0


# --- cue points ------------------------------------------------------------------------------


def test_countdown_cues_in_the_last_three_seconds_of_holds_and_rests() -> None:
    ex = hold(secs=10.0, reps=2, rep_rest=6.0)
    tl = compile(routine(ex, prepare=0.0))
    work, rest = tl.segments[0], tl.segments[1]
    assert work.cues == (Cue(7.0, "tick", 3), Cue(8.0, "tick", 2), Cue(9.0, "tick", 1))
    assert rest.cues == (Cue(3.0, "tick", 3), Cue(4.0, "tick", 2), Cue(5.0, "tick", 1))


def test_short_segments_get_no_countdown() -> None:
    tl = compile(routine(hold(secs=3.0, reps=2, rep_rest=2.0), prepare=4.0))
    assert all(s.cues == () for s in tl.segments)


def test_halfway_cue_only_for_holds_and_timed_work_of_20s_or_more() -> None:
    long_hold = hold("Long", secs=30.0)
    short_hold = hold("Short", secs=19.0)
    timed = Exercise(name="Plank", kind=WorkKind.TIMED, duration=60.0)
    paced = Exercise(name="Pace", kind=WorkKind.PACED, tempo=25.0)
    tl = compile(routine(long_hold, short_hold, timed, paced, prepare=0.0))
    by_name = {s.exercise: s for s in tl.segments if s.kind == "work"}
    assert Cue(15.0, "halfway") in by_name["Long"].cues
    assert all(c.name != "halfway" for c in by_name["Short"].cues)
    assert by_name["Plank"].cues[0] == Cue(30.0, "halfway")
    assert by_name["Pace"].cues == ()


def test_breath_pacer_on_holds_timed_work_and_rests_not_on_paced_reps() -> None:
    pacer = Breath(inhale=4.0, exhale=6.0)
    ex_hold = hold("H", secs=10.0, reps=2, breath=pacer, rep_rest=3.0)
    paced = Exercise(name="P", kind=WorkKind.PACED, tempo=3.0, reps=2, breath=pacer)
    tl = compile(routine(ex_hold, paced, prepare=5.0, breath=pacer))
    assert tl.segments[0].pacer == pacer  # prepare uses the routine's default pacer
    assert all(s.pacer == pacer for s in tl.segments if s.exercise == "H")
    assert all(s.pacer is None for s in tl.segments if s.exercise == "P" and s.kind == "work")


# --- totals ----------------------------------------------------------------------------------


def test_indexes_and_starts_are_consecutive() -> None:
    ex1 = hold("A", secs=5.0, reps=3, sides=LR, sets=2)
    ex2 = Exercise(name="B", kind=WorkKind.SELF, reps=5, sets=2)
    tl = compile(routine(ex1, ex2))
    assert [s.index for s in tl.segments] == list(range(len(tl.segments)))
    for prev, seg in zip(tl.segments, tl.segments[1:], strict=False):
        assert seg.start == pytest.approx(prev.end)
    assert tl.total == pytest.approx(tl.segments[-1].end)


def test_empty_routine_has_an_empty_timeline() -> None:
    tl = compile(routine(prepare=10.0))
    assert tl.segments == () and tl.total == 0


durations = st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 20.0, 60.0])
positive = st.sampled_from([0.5, 1.0, 3.0, 5.0, 20.0, 90.0])


@st.composite
def exercises(draw: st.DrawFn) -> Exercise:
    kind = draw(st.sampled_from(list(WorkKind)))
    sides = draw(st.sampled_from([(), LR, ("a", "b", "c")]))
    kw: dict[str, object] = {
        "name": draw(st.sampled_from(["A", "B", "C"])),
        "kind": kind,
        "reps": draw(st.integers(1, 6)),
        "sets": draw(st.integers(1, 3)),
        "sides": sides,
        "alternate": bool(sides) and draw(st.booleans()),
        "rest": draw(durations),
        "rep_rest": draw(durations),
        "set_rest": draw(durations),
        "side_rest": draw(durations),
    }
    if kind is WorkKind.HOLD:
        kw["hold"] = draw(positive)
    elif kind is WorkKind.TIMED:
        kw["duration"] = draw(positive)
        kw["reps"] = 1
    elif kind is WorkKind.PHASED:
        n = draw(st.integers(1, 3))
        kw["phases"] = tuple(Phase(f"p{i}", draw(positive), "inhale") for i in range(n))
    elif kind is WorkKind.PACED:
        kw["tempo"] = draw(positive)
    elif kind is WorkKind.SELF:
        kw["tempo"] = draw(st.none() | positive)
    return Exercise(**kw)  # type: ignore[arg-type]


@given(st.lists(exercises(), min_size=1, max_size=4), durations)
def test_total_is_the_sum_of_segments_and_the_timeline_is_well_formed(
    exs: list[Exercise], prepare: float
) -> None:
    tl = compile(routine(*exs, prepare=prepare))
    segs: tuple[Segment, ...] = tl.segments
    assert math.isclose(tl.total, sum(s.estimate for s in segs))
    assert math.isclose(tl.total, segs[-1].end)
    assert segs[-1].kind == "work"  # never a trailing rest
    assert (segs[0].kind == "prepare") == (prepare > 0)
    assert all(s.duration is None or s.duration > 0 for s in segs)
    assert all(s.estimate > 0 for s in segs)
    assert all((s.reason is None) == (s.kind != "rest") for s in segs)
    assert all(0 <= c.at < s.estimate for s in segs for c in s.cues)
    # no two rests in a row
    kinds = [s.kind for s in segs]
    assert all(not (a == b == "rest") for a, b in itertools.pairwise(kinds))
    # every exercise is visited, in order
    visited = [s.exercise_index for s in segs if s.kind == "work"]
    assert visited == sorted(visited)
    assert set(visited) == set(range(len(exs)))
    # work segments per exercise: reps x sides x sets (phases x for phased)
    for i, ex in enumerate(exs):
        work = [s for s in segs if s.kind == "work" and s.exercise_index == i]
        reps = 1 if ex.kind in (WorkKind.TIMED, WorkKind.SELF) else ex.reps
        sides = len(ex.sides) or 1
        if ex.kind is WorkKind.SELF and ex.alternate:
            sides = 1
        per = len(ex.phases) if ex.kind is WorkKind.PHASED else 1
        assert len(work) == reps * sides * ex.sets * per
