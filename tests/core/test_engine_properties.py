"""Hypothesis properties of the engine: any routine, any sequence of controls."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from backtimer.engine import Engine
from backtimer.events import (
    Event,
    ExerciseStarted,
    SegmentEnded,
    SegmentStarted,
    SessionFinished,
    SessionStopped,
)
from backtimer.routine.model import Breath, Defaults, Exercise, Phase, Routine, WorkKind
from backtimer.timeline import compile
from tests.helpers import strategies

FORWARD = ("advance", "pause", "resume", "toggle", "skip", "skip_exercise", "done")
ALL = (*FORWARD, "back", "restart", "add", "remove", "stop", "pain")

# Lean routines (numbers only, no text to generate) so that each property runs in well under
# a second; tests/strategies.routines() (the loader's full strategy) is used once below.
secs = st.sampled_from([0.5, 1.0, 1.5, 2.0, 3.0, 5.0, 7.0, 20.0, 30.0])
rests = st.sampled_from([0.0, 0.0, 1.0, 2.0, 5.0, 10.0])
pacers = st.none() | st.builds(
    Breath, inhale=st.sampled_from([1.0, 4.0]), exhale=st.sampled_from([2.0, 6.0]), hold=rests
)


@st.composite
def lean_exercise(draw: st.DrawFn, i: int) -> Exercise:
    kind = draw(st.sampled_from(list(WorkKind)))
    sides = draw(st.sampled_from([(), ("left", "right")]))
    alternate = bool(sides) and kind not in (WorkKind.SELF, WorkKind.TIMED) and draw(st.booleans())
    return Exercise(
        name=f"E{i}",
        kind=kind,
        hold=draw(secs) if kind is WorkKind.HOLD else None,
        duration=draw(secs) if kind is WorkKind.TIMED else None,
        phases=tuple(Phase(f"p{j}", draw(secs), "inhale") for j in range(draw(st.integers(1, 3))))
        if kind is WorkKind.PHASED
        else (),
        tempo=draw(secs) if kind in (WorkKind.PACED, WorkKind.SELF) else None,
        reps=1 if kind is WorkKind.TIMED else draw(st.integers(1, 3)),
        sets=draw(st.integers(1, 2)),
        sides=sides,
        alternate=alternate,
        rest=draw(rests),
        rep_rest=draw(rests),
        set_rest=draw(rests),
        side_rest=draw(rests),
        breath=draw(pacers),
    )


@st.composite
def lean_routines(draw: st.DrawFn) -> Routine:
    n = draw(st.integers(1, 3))
    return Routine(
        id="r",
        name="R",
        defaults=Defaults(prepare=draw(rests), breath=draw(pacers)),
        exercises=tuple(draw(lean_exercise(i)) for i in range(n)),
    )


steps = st.one_of(
    st.floats(0.001, 4.0, allow_nan=False),
    st.floats(4.0, 40.0, allow_nan=False),
    st.sampled_from([0.5, 1.0, 2.0, 3.0]),
)


def apply(engine: Engine, op: str, now: float) -> list[Event]:
    if op == "advance":
        return engine.advance(now)
    if op in ("add", "remove"):
        return engine.adjust(now, 10.0 if op == "add" else -10.0)
    method = {
        "toggle": "toggle_pause",
        "restart": "restart_exercise",
    }.get(op, op)
    result: list[Event] = getattr(engine, method)(now)
    return result


def play(routine: Routine, ops: list[tuple[str, float]]) -> tuple[Engine, list[Event]]:
    tl = compile(routine)
    engine = Engine(tl, max_gap=None)
    now = 500.0
    events = engine.start(now)
    for op, step in ops:
        now += step
        events += apply(engine, op, now)
    # Finish quickly: resume if paused, then skip whatever is left.
    now += 1.0
    events += engine.resume(now)
    for _ in range(len(tl.segments) + 2):
        if engine.state in ("finished", "stopped"):
            break
        events += engine.skip(now)
    assert engine.state in ("finished", "stopped")
    return engine, events


def spent_in_work(events: list[Event]) -> float:
    """Seconds between each work segment's start and end, as the events tell it."""
    total = 0.0
    open_at: float | None = None
    for e in events:
        if isinstance(e, SegmentStarted):
            assert open_at is None, "a segment started before the previous one ended"
            open_at = e.at
        elif isinstance(e, SegmentEnded):
            assert open_at is not None, "a segment ended that never started"
            if e.segment.kind == "work":
                total += e.at - open_at
            open_at = None
    return total


SETTINGS = settings(
    max_examples=int(os.environ.get("ENGINE_EXAMPLES", "100")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@SETTINGS
@given(lean_routines(), st.lists(st.tuples(st.sampled_from(FORWARD), steps), max_size=25))
def test_forward_controls_keep_order_and_account_for_every_second(
    routine: Routine, ops: list[tuple[str, float]]
) -> None:
    engine, events = play(routine, ops)
    tl = engine.timeline
    started = [e.segment.index for e in events if isinstance(e, SegmentStarted)]
    # Segments start in timeline order (skips allowed, never twice).
    assert started == sorted(set(started))
    # No event is emitted twice.
    assert len(set(events)) == len(events)
    # Time never runs backwards.
    ats = [e.at for e in events]
    assert ats == sorted(ats)
    # A fixed work segment that was not skipped lasted exactly its duration.
    begun: dict[int, float] = {}
    skipped_seconds = 0.0
    for e in events:
        if isinstance(e, SegmentStarted):
            begun[e.segment.index] = e.at
        if isinstance(e, SegmentEnded) and e.segment.kind == "work":
            spent = e.at - begun[e.segment.index]
            if e.segment.duration is not None and not e.skipped:
                assert abs(spent - e.segment.duration) < 1e-6
            skipped_seconds += e.segment.estimate - spent
    never = sum(s.estimate for s in tl.segments if s.kind == "work" and s.index not in begun)
    # Worked time = the timeline's work minus what was skipped (open segments: estimate
    # minus what the person took, which may be negative when they took longer).
    summary = engine.summary
    assert abs(summary.worked_seconds - (tl.work_total - skipped_seconds - never)) < 1e-6
    assert abs(summary.worked_seconds - spent_in_work(events)) < 1e-6
    final = events[-1]
    assert isinstance(final, SessionFinished)
    assert final.summary == summary
    # Ran to its end: "completed" only when every exercise was done, else "partial".
    assert summary.status == ("completed" if summary.all_done else "partial")
    # Every exercise reached was started once (skip-exercise may jump one entirely).
    starts = [e.index for e in events if isinstance(e, ExerciseStarted)]
    assert starts == sorted(set(starts))


@SETTINGS
@given(lean_routines(), st.lists(st.tuples(st.sampled_from(ALL), steps), max_size=30))
def test_any_controls_end_cleanly_and_account_for_work(
    routine: Routine, ops: list[tuple[str, float]]
) -> None:
    engine, events = play(routine, ops)
    ats = [e.at for e in events]
    assert ats == sorted(ats)
    ends = [e for e in events if isinstance(e, SessionFinished | SessionStopped)]
    assert len(ends) == 1 and ends[0] is events[-1]
    summary = engine.summary
    assert summary.status in ("completed", "partial", "stopped", "pain")
    assert abs(summary.worked_seconds - spent_in_work(events)) < 1e-6
    assert summary.total_seconds == events[-1].at
    for result in summary.exercises:
        # back / restart never count a rep twice
        sides = max(1, result.planned_sides)
        assert result.done_reps <= result.planned_reps * result.planned_sets * sides
        assert result.done_sets <= result.planned_sets
        assert result.done_sides <= result.planned_sides


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(strategies.routines(max_exercises=2), st.lists(steps, min_size=1, max_size=20))
def test_late_calls_give_the_same_events_as_prompt_ones(
    routine: Routine, gaps: list[float]
) -> None:
    tl = compile(routine)
    prompt = Engine(tl, max_gap=None)
    late = Engine(tl, max_gap=None)
    a = prompt.start(0.0)
    b = late.start(0.0)
    now = 0.0
    for gap in gaps:
        target = now + gap
        # the prompt one wakes at every deadline on the way
        while (w := prompt.next_wakeup(now)) is not None and w <= target:
            now = w
            a += prompt.advance(now)
        now = target
        a += prompt.advance(now)
        b += late.advance(now)
    assert a == b


@SETTINGS
@given(
    lean_routines(),
    st.floats(0.0, 1.0, exclude_max=True),
    st.floats(0.001, 100_000.0),
    st.floats(0.0, 1e6, allow_nan=False),
)
def test_pause_anywhere_keeps_the_remainder_exactly(
    routine: Routine, where: float, length: float, origin: float
) -> None:
    tl = compile(routine)
    engine = Engine(tl, max_gap=None)
    engine.start(origin)
    now = origin + where * tl.total
    engine.advance(now)
    assume(engine.segment is not None)  # float rounding can land exactly on the end
    seg, left = engine.segment, engine.remaining(now)
    engine.pause(now)
    later = now + length
    engine.resume(later)
    assert engine.segment is seg
    assert engine.remaining(later) == left  # exactly: the session clock restarts where it stopped
    assert engine.summary.paused_seconds == later - now
