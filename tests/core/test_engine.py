"""The session engine, driven by a fake clock (simulated time: whole routines in milliseconds)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from backtimer.engine import PAIN_MESSAGE, Engine
from backtimer.events import (
    BreathStep,
    Countdown,
    ExerciseFinished,
    ExerciseSkipped,
    ExerciseStarted,
    Halfway,
    Paused,
    PhaseChanged,
    RepStarted,
    Resumed,
    SegmentEnded,
    SegmentStarted,
    SessionFinished,
    SessionStopped,
    WaitingForUser,
)
from backtimer.paths import builtin_routines_dir
from backtimer.routine.model import Breath
from backtimer.timeline import compile
from tests.helpers.engine_helpers import (
    drive,
    hold,
    maxhold,
    phased,
    routine,
    selfpaced,
    timed,
    timeline,
)

BUILTINS = sorted(builtin_routines_dir().glob("*.toml"))


def kinds(events: list[object]) -> list[str]:
    return [type(e).__name__ for e in events]


# ---------------------------------------------------------------- full runs


@pytest.mark.parametrize("path", BUILTINS, ids=[p.stem for p in BUILTINS])
def test_every_builtin_routine_runs_on_schedule(path: Path) -> None:
    from backtimer.routine.loader import load_file

    tl = compile(load_file(path))
    engine = Engine(tl, max_gap=None)
    origin = 5000.25
    run = drive(engine, origin)
    starts = run.starts()
    # Every segment started once, in timeline order.
    assert [s.segment.index for s in starts] == list(range(len(tl.segments)))
    for ev, seen in zip(run.events, run.seen_at, strict=True):
        if isinstance(ev, SegmentStarted):
            # On the schedule: at == the timeline's start (open segments done at their estimate).
            assert ev.at == pytest.approx(ev.segment.start, abs=1e-9)
            # ... and it came out when the fake clock reached that moment, not later.
            assert seen == pytest.approx(origin + ev.segment.start, abs=1e-9)
            if not tl.has_estimates:
                assert ev.at == ev.segment.start
    assert isinstance(run.events[-1], SessionFinished)
    summary = run.events[-1].summary
    assert summary.status == "completed"
    assert summary.total_seconds == pytest.approx(tl.total, abs=1e-9)
    assert summary.worked_seconds == pytest.approx(tl.work_total, abs=1e-9)
    for result in summary.exercises:
        assert not result.skipped
        assert result.done_sets == result.planned_sets
        assert result.worked_seconds == pytest.approx(result.planned_seconds, abs=1e-9)
    assert kinds(run.events).count("ExerciseStarted") == len(summary.exercises)


def test_the_builtin_routines_are_there() -> None:
    assert any(p.stem == "neck" for p in BUILTINS)


def test_events_of_a_hold_exercise_in_order() -> None:
    tl = timeline(hold("Neck retraction", secs=3.0, reps=2, rep_rest=2.0), prepare=5.0)
    run = drive(Engine(tl, max_gap=None), 0.0)
    assert kinds(run.events) == [
        "SegmentStarted",  # prepare 0..5
        "Countdown", "Countdown", "Countdown",  # 2, 3, 4 s
        "SegmentEnded",
        "ExerciseStarted",
        "SegmentStarted", "RepStarted",  # hold 5..8
        "SegmentEnded",
        "SegmentStarted",  # relax 8..10
        "SegmentEnded",
        "SegmentStarted", "RepStarted",  # hold 10..13
        "SegmentEnded",
        "ExerciseFinished",
        "SessionFinished",
    ]  # fmt: skip
    ticks = [(e.at, e.value) for e in run.events if isinstance(e, Countdown)]
    assert ticks == [(2.0, 3), (3.0, 2), (4.0, 1)]
    reps = [(e.at, e.segment.rep, e.segment.reps) for e in run.events if isinstance(e, RepStarted)]
    assert reps == [(5.0, 1, 2), (10.0, 2, 2)]
    finished = next(e for e in run.events if isinstance(e, ExerciseFinished))
    assert (finished.at, finished.result.done_reps, finished.result.worked_seconds) == (13, 2, 6)


def test_breath_pacer_cycles_from_the_segment_start_with_halfway_and_countdown() -> None:
    pacer = Breath(inhale=4.0, hold=2.0, exhale=6.0)
    tl = timeline(timed("Child's pose", secs=20.0, breath=pacer), prepare=0)
    run = drive(Engine(tl, max_gap=None), 0.0)
    steps = [(e.at, e.step, e.seconds) for e in run.events if isinstance(e, BreathStep)]
    assert steps == [
        (0.0, "inhale", 4.0),
        (4.0, "hold", 2.0),
        (6.0, "exhale", 6.0),
        (12.0, "inhale", 4.0),
        (16.0, "hold", 2.0),
        (18.0, "exhale", 6.0),
    ]
    assert [e.at for e in run.events if isinstance(e, Halfway)] == [10.0]
    assert [(e.at, e.value) for e in run.events if isinstance(e, Countdown)] == [
        (17.0, 3),
        (18.0, 2),
        (19.0, 1),
    ]
    # Time order across breath steps and cues.
    ats = [e.at for e in run.events]
    assert ats == sorted(ats)


def test_phases_report_label_and_breath_and_one_rep_start_per_rep() -> None:
    tl = timeline(phased(phases=(2.0, 3.0), reps=2), prepare=0)
    run = drive(Engine(tl, max_gap=None), 0.0)
    changes = [(e.at, e.label, e.breath) for e in run.events if isinstance(e, PhaseChanged)]
    assert changes == [
        (0.0, "phase 1", "inhale"),
        (2.0, "phase 2", "exhale"),
        (5.0, "phase 1", "inhale"),
        (7.0, "phase 2", "exhale"),
    ]
    assert [e.at for e in run.events if isinstance(e, RepStarted)] == [0.0, 5.0]
    assert run.events[-1].summary.exercises[0].done_reps == 2  # type: ignore[union-attr]


# ---------------------------------------------------------------- exact deadlines


def test_ten_hour_session_last_boundary_is_exact() -> None:
    # 0.1 + 0.7 + 13.3 s phases: adding them up one by one drifts in binary floating
    # point; the engine sums exactly and rounds once.
    ex = phased("Long", phases=(0.1, 0.7, 13.3), reps=1000, sets=3, set_rest=0.3)
    tl = timeline(ex, prepare=0)
    durations = [s.duration for s in tl.segments]
    exact = float(sum(Fraction(d) for d in durations if d is not None))
    naive = 0.0
    for d in durations:
        assert d is not None
        naive += d
    assert exact > 10 * 3600
    assert naive != exact  # the test would catch a tick-by-tick or running-sum engine
    engine = Engine(tl, max_gap=None)
    origin = 81234.5
    engine.start(origin)
    now = origin
    last_wakeup = None
    while engine.state == "running":
        # Big, late steps (one call per simulated 10 minutes), then the final boundary.
        wake = engine.next_wakeup(now)
        assert wake is not None
        last_wakeup = wake
        now = min(now + 600.0, wake) if engine.index < len(tl.segments) - 1 else wake
        events = engine.advance(now)
    assert isinstance(events[-1], SessionFinished)
    assert events[-1].at == exact
    assert events[-1].summary.total_seconds == exact
    assert last_wakeup == origin + exact


def test_one_late_advance_emits_everything_once_in_order() -> None:
    tl = timeline(
        hold("A", secs=6.0, reps=3, breath=Breath(4.0, 6.0)),
        phased("B", phases=(1.5, 2.5), reps=3),
        timed("C", secs=25.0, sides=("left", "right")),
        prepare=5.0,
    )
    stepped = drive(Engine(tl, max_gap=None), 0.0).events
    assert tl.total < 600
    engine = Engine(tl, max_gap=None)
    late = engine.start(0.0) + engine.advance(600.0)
    assert late == stepped
    assert len(set(map(repr, late))) == len(late)
    assert engine.state == "finished"


def test_late_advance_lands_in_the_right_segment() -> None:
    tl = timeline(hold("A", secs=10.0, reps=3, rep_rest=5.0), prepare=5.0)
    engine = Engine(tl, max_gap=None)
    engine.start(100.0)
    events = engine.advance(100.0 + 22.5)  # prepare 0-5, hold 5-15, relax 15-20, hold 20-30
    assert engine.segment is tl.segments[3]
    assert engine.remaining(122.5) == pytest.approx(7.5)
    assert [e.segment.index for e in events if isinstance(e, SegmentStarted)] == [1, 2, 3]


# ---------------------------------------------------------------- pause / resume


@pytest.mark.parametrize("pause_at", [0.0, 3.2501, 5.0, 7.777, 12.0])
def test_pause_keeps_the_remainder_exactly(pause_at: float) -> None:
    tl = timeline(hold("A", secs=10.0, reps=2, rep_rest=5.0), prepare=5.0)
    engine = Engine(tl, max_gap=None)
    origin = 1000.0
    engine.start(origin)
    engine.advance(origin + pause_at)
    left = engine.remaining(origin + pause_at)
    seg = engine.segment
    clock = (origin + pause_at) - origin  # the session clock as float arithmetic gives it
    paused = engine.pause(origin + pause_at)
    assert paused[-1] == Paused(at=clock, reason="user")
    assert engine.state == "paused"
    assert engine.next_wakeup(origin + 400) is None
    assert engine.advance(origin + 400.0) == []  # nothing happens while paused
    assert engine.remaining(origin + 400.0) == left
    resumed = engine.resume(origin + 500.0)
    assert resumed[-1] == Resumed(at=clock)
    assert engine.segment is seg
    assert engine.remaining(origin + 500.0) == pytest.approx(left, abs=1e-9)
    # Every later boundary moved by exactly the 500 - pause_at paused seconds.
    assert engine.next_wakeup(origin + 500.0) is not None
    events = engine.advance(origin + 500.0 + 1000.0)
    starts = [(e.at, e.segment.index) for e in events if isinstance(e, SegmentStarted)]
    assert all(at == tl.segments[i].start for at, i in starts)
    assert engine.summary.paused_seconds == pytest.approx(500.0 - pause_at)
    assert engine.summary.total_seconds == tl.total


def test_toggle_pause_and_session_clock_excludes_pauses() -> None:
    engine = Engine(timeline(timed("A", secs=60.0), prepare=0), max_gap=None)
    engine.start(0.0)
    engine.toggle_pause(10.0)
    assert engine.session_elapsed(50.0) == 10.0
    engine.toggle_pause(50.0)
    assert engine.state == "running"
    assert engine.session_elapsed(55.0) == pytest.approx(15.0)
    assert engine.next_wakeup(55.0) == 40.0 + 30.0  # the halfway cue at 30 s session time


# ---------------------------------------------------------------- skip / back


def test_skip_at_a_boundary_and_back_rules() -> None:
    tl = timeline(hold("A", secs=10.0, reps=2, rep_rest=5.0), prepare=5.0)
    engine = Engine(tl, max_gap=None)
    engine.start(0.0)
    engine.advance(5.0)  # exactly the boundary: in the first hold now
    assert engine.index == 1
    events = engine.skip(5.0)
    assert kinds(events) == ["SegmentEnded", "SegmentStarted"]
    assert events[0] == SegmentEnded(at=5.0, segment=tl.segments[1], skipped=True)
    assert engine.index == 2  # relax, 5 s from now
    assert engine.next_wakeup(5.0) == 7.0  # its countdown "3" at 3 s before its end
    # back within the first 2 s: the previous segment, from its start, full length
    events = engine.back(6.5)
    assert engine.index == 1
    assert engine.remaining(6.5) == 10.0
    assert [e.segment.index for e in events if isinstance(e, SegmentStarted)] == [1]
    # back after 2 s: the start of this same segment
    engine.back(9.0)
    assert engine.index == 1
    assert engine.remaining(9.0) == 10.0
    # back on the very first segment: restart it
    engine2 = Engine(tl, max_gap=None)
    engine2.start(0.0)
    engine2.back(1.0)
    assert engine2.index == 0
    assert engine2.remaining(1.0) == 5.0


def test_skip_exercise_and_restart_exercise() -> None:
    tl = timeline(hold("A", reps=3), hold("B", reps=2), prepare=5.0)
    engine = Engine(tl, max_gap=None)
    engine.start(0.0)
    engine.advance(5.0 + 3.0 + 2.0 + 1.0)  # into A's second hold
    events = engine.skip_exercise(11.0)
    skipped = [e for e in events if isinstance(e, ExerciseSkipped)]
    assert len(skipped) == 1 and skipped[0].result.name == "A" and skipped[0].result.skipped
    assert skipped[0].result.done_reps == 1
    seg = engine.segment
    assert seg is not None and seg.kind == "rest" and seg.reason == "exercise"
    # In the rest before B, restart goes back to A with a clean tally.
    events = engine.restart_exercise(12.0)
    assert engine.segment is not None and engine.segment.exercise == "A"
    assert engine.segment.rep == 1
    assert [e.name for e in events if isinstance(e, ExerciseStarted)] == ["A"]
    run_rest = engine.advance(10_000.0)
    final = run_rest[-1]
    assert isinstance(final, SessionFinished)
    a, b = final.summary.exercises
    assert (a.done_reps, a.skipped) == (3, False)
    assert (b.done_reps, b.skipped) == (2, False)


def test_skip_exercise_from_the_rest_skips_the_one_coming_up() -> None:
    tl = timeline(hold("A", reps=1), hold("B", reps=2), hold("C", reps=1), prepare=0)
    engine = Engine(tl, max_gap=None)
    engine.start(0.0)
    engine.advance(4.0)  # A: 0-3, rest before B: 3-8
    events = engine.skip_exercise(4.0)
    assert [e.result.name for e in events if isinstance(e, ExerciseSkipped)] == ["B"]
    final = engine.advance(1000.0)[-1]
    assert isinstance(final, SessionFinished)
    assert [e.name for e in final.summary.skipped] == ["B"]


# ---------------------------------------------------------------- adjust / done / stop


def test_adjust_adds_and_removes_time_but_never_below_one_second() -> None:
    engine = Engine(timeline(timed("A", secs=30.0), prepare=0), max_gap=None)
    engine.start(0.0)
    engine.adjust(10.0, +10.0)
    assert engine.remaining(10.0) == 30.0
    engine.adjust(10.0, -10.0)
    engine.adjust(10.0, -10.0)
    assert engine.remaining(10.0) == 10.0
    engine.adjust(10.0, -10.0)
    assert engine.remaining(10.0) == 1.0
    engine.adjust(10.5, -10.0)  # 0.5 s left: stays 0.5
    assert engine.remaining(10.5) == 0.5
    events = engine.advance(11.0)
    assert isinstance(events[-1], SessionFinished)
    assert events[-1].summary.worked_seconds == 11.0


def test_adjust_moves_the_countdown_with_the_end() -> None:
    engine = Engine(timeline(timed("A", secs=30.0), prepare=0), max_gap=None)
    engine.start(0.0)
    engine.advance(28.0)  # ticks at 27 (3) and 28 (2) done
    engine.adjust(28.0, +10.0)
    events = engine.advance(100.0)
    assert [(e.at, e.value) for e in events if isinstance(e, Countdown)] == [
        (37.0, 3),
        (38.0, 2),
        (39.0, 1),
    ]


def test_done_on_an_open_ended_hold_records_the_time_held() -> None:
    tl = timeline(maxhold("Plank", reps=2, rep_rest=4.0), prepare=0)
    engine = Engine(tl, max_gap=None)
    events = engine.start(0.0)
    assert isinstance(events[-1], WaitingForUser) and events[-1].mode == "max"
    assert engine.state == "waiting"
    assert engine.next_wakeup(0.0) is None  # nothing is due until the person says so
    assert engine.elapsed(42.5) == 42.5  # counts up
    assert engine.remaining(42.5) is None
    engine.done(42.5)
    assert engine.state == "running"  # the rep rest, 4 s
    assert engine.next_wakeup(42.5) == 46.5
    engine.advance(46.5)
    engine.done(50.0)
    final = engine.summary
    assert final.status == "completed"
    assert final.exercises[0].held_seconds == (42.5, 3.5)
    assert final.exercises[0].done_reps == 2


def test_self_paced_set_done_counts_its_reps_and_sets() -> None:
    tl = timeline(selfpaced("Squats", reps=8, sets=2, set_rest=10.0), prepare=0)
    engine = Engine(tl, max_gap=None)
    events = engine.start(0.0)
    assert isinstance(events[-1], WaitingForUser) and events[-1].mode == "self"
    engine.done(20.0)
    engine.advance(30.0)
    engine.skip(31.0)  # second set skipped
    result = engine.summary.exercises[0]
    assert (result.done_reps, result.done_sets, result.planned_sets) == (8, 1, 2)


def test_stop_and_pain_end_the_session_with_their_status() -> None:
    tl = timeline(hold("A", reps=3), prepare=5.0)
    engine = Engine(tl, max_gap=None)
    engine.start(0.0)
    events = engine.stop(6.0)
    assert isinstance(events[-1], SessionStopped)
    assert events[-1].summary.status == "stopped" and events[-1].at == 6.0
    assert engine.state == "stopped"
    assert engine.advance(100.0) == [] and engine.skip(100.0) == []
    engine = Engine(tl, max_gap=None)
    engine.start(0.0)
    engine.pause(6.0)
    events = engine.pain(30.0)
    stopped = events[-1]
    assert isinstance(stopped, SessionStopped)
    assert stopped.summary.status == "pain"
    assert stopped.message == PAIN_MESSAGE and "doctor" in stopped.message
    assert stopped.summary.paused_seconds == 24.0
    assert stopped.summary.worked_seconds == 1.0


def test_empty_timeline_finishes_at_once() -> None:
    engine = Engine(timeline(prepare=0), max_gap=None)
    events = engine.start(3.0)
    assert kinds(events) == ["SessionFinished"]
    assert engine.state == "finished"


# ---------------------------------------------------------------- suspend


def test_machine_sleep_pauses_where_the_gap_began() -> None:
    tl = timeline(timed("A", secs=60.0), prepare=0)
    engine = Engine(tl, max_gap=5.0)
    engine.start(100.0, boot=5000.0)
    engine.advance(101.0, boot=5001.0)
    engine.advance(102.0, boot=5002.0)
    # The lid closes: monotonic stands still for 2 h, the boot clock keeps running.
    events = engine.advance(103.0, boot=5003.0 + 7200.0)
    assert events == [Paused(at=2.0, reason="suspend", gap=7201.0)]
    assert engine.state == "paused"
    assert engine.remaining(103.0) == 58.0  # nothing of the gap was counted
    engine.resume(400.0)
    assert engine.remaining(400.0) == 58.0
    assert engine.session_elapsed(401.0) == 3.0


def test_stopped_process_pauses_at_the_last_call() -> None:
    engine = Engine(timeline(timed("A", secs=60.0), prepare=0), max_gap=5.0)
    engine.start(0.0)
    engine.advance(4.0)
    events = engine.advance(30.0)  # e.g. Ctrl-Z then fg: 26 s with no call
    assert events == [Paused(at=4.0, reason="suspend", gap=26.0)]
    assert engine.advance(31.0) == []


def test_no_suspend_for_normal_gaps_or_a_paused_session() -> None:
    engine = Engine(timeline(timed("A", secs=60.0), prepare=0), max_gap=5.0)
    engine.start(0.0, boot=0.0)
    assert engine.advance(4.9, boot=4.95) == []  # within max_gap, boot barely ahead
    assert engine.advance(9.0, boot=13.0) == []  # boot 4 s ahead: under the 5 s rule
    engine.pause(9.0)
    assert engine.advance(5000.0, boot=90000.0) == []  # paused: gaps do not matter
    engine.resume(5000.0)
    assert engine.state == "running"
    assert engine.advance(5001.0, boot=90001.0) == []


# ---------------------------------------------------------------- reading


def test_progress_and_summary_so_far() -> None:
    tl = timeline(timed("A", secs=30.0), timed("B", secs=30.0), prepare=0)  # + 5 s rest
    engine = Engine(tl, max_gap=None)
    assert engine.state == "ready" and engine.progress(0.0) == 0.0
    engine.start(0.0)
    engine.advance(32.5)
    assert engine.progress(32.5) == pytest.approx(32.5 / 65.0)
    so_far = engine.summary
    assert so_far.worked_seconds == 30.0 and so_far.exercises[0].done_reps == 1
    engine.advance(65.0)
    assert engine.progress(65.0) == 1.0
    assert engine.summary.status == "completed"


def test_exercise_finished_and_started_around_the_rest_between_exercises() -> None:
    tl = timeline(hold("A", reps=1), hold("B", reps=1), prepare=0)
    run = drive(Engine(tl, max_gap=None), 0.0)
    names = [
        (type(e).__name__, getattr(e, "at", None))
        for e in run.events
        if isinstance(e, ExerciseStarted | ExerciseFinished)
    ]
    assert names == [
        ("ExerciseStarted", 0.0),
        ("ExerciseFinished", 3.0),  # when the rest before B begins
        ("ExerciseStarted", 8.0),
        ("ExerciseFinished", 11.0),
    ]
    rest_start = next(e for e in run.starts() if e.segment.kind == "rest")
    assert rest_start.segment.exercise == "A" and rest_start.segment.reason == "exercise"


def test_built_in_style_routine_from_code_runs_everything() -> None:
    r = routine(
        hold("A", reps=2, sides=("left", "right")),
        selfpaced("B", reps=5),
        maxhold("C", reps=1),
        phased("D", reps=2, sets=2),
        prepare=3.0,
    )
    tl = compile(r)
    run = drive(Engine(tl, max_gap=None), 0.0, open_after=7.0)
    summary = run.events[-1].summary  # type: ignore[union-attr]
    assert summary.status == "completed"
    a, b, c, d = summary.exercises
    assert (a.done_reps, a.done_sides, a.planned_sides) == (4, 2, 2)
    assert b.done_reps == 5
    assert c.held_seconds == (7.0,)
    assert (d.done_reps, d.done_sets) == (4, 2)


def test_a_session_with_a_skipped_exercise_is_partial_not_completed() -> None:
    tl = timeline(timed("A", secs=30.0), timed("B", secs=30.0), timed("C", secs=30.0), prepare=0)
    engine = Engine(tl, max_gap=None)
    engine.start(0.0)
    engine.advance(10.0)
    engine.skip_exercise(10.0)  # A: 10 s of 30, then on
    engine.advance(200.0)
    summary = engine.summary
    assert engine.state == "finished"
    assert summary.status == "partial"
    assert summary.done_text == "2 of 3 exercises done"
    whole = Engine(tl, max_gap=None)
    whole.start(0.0)
    whole.advance(200.0)
    assert whole.summary.status == "completed"
    assert whole.summary.done_text == "3 of 3 exercises done"
