"""The phrase builder: what the voice says at which moment, from the timeline (pure)."""

from __future__ import annotations

import itertools

import pytest

from backtimer import events as ev
from backtimer.describe import number_words, spoken_duration, spoken_work
from backtimer.engine import Engine
from backtimer.routine.library import known_ids, load
from backtimer.routine.loader import load_text
from backtimer.timeline import compile
from backtimer.voice.phrases import VoiceOptions, build, clean, estimate

BUILT_IN = known_ids()


def plan_of(text: str, options: VoiceOptions | None = None):  # type: ignore[no-untyped-def]
    routine = load_text(text, source="test.toml", routine_id="test")
    timeline = compile(routine)
    return routine, timeline, build(routine, timeline, options)


def said(text: str, options: VoiceOptions | None = None) -> list[tuple[float, str]]:
    """(session clock, phrase) for a whole run without pauses, by the estimate."""
    _, timeline, plan = plan_of(text, options)
    chosen = plan.estimated()
    engine = Engine(timeline, max_gap=None)
    out: list[tuple[float, str]] = []
    batches = [engine.start(0.0)]
    t = 0.0
    while engine.state not in ("finished", "stopped"):
        wake = engine.next_wakeup(t)
        assert wake is not None
        t = wake
        batches.append(engine.advance(t))
    for batch in batches:
        key = plan.key_for(batch)
        if key is not None and chosen.get(key):
            out.append((max(e.at for e in batch), str(chosen[key])))
    return out


def test_words_for_numbers_and_durations() -> None:
    assert [number_words(n) for n in (0, 3, 10, 19, 20, 25, 100, 120, 1.5)] == [
        "zero", "three", "ten", "nineteen", "twenty", "twenty five", "one hundred",
        "one hundred twenty", "one point five",
    ]  # fmt: skip
    assert spoken_duration(1) == "one second"
    assert spoken_duration(3) == "three seconds"
    assert spoken_duration(60) == "one minute"
    assert spoken_duration(90) == "one minute thirty seconds"
    assert spoken_duration(7200 + 300) == "two hours five minutes"


def test_neck_routine_is_said_as_backtimer_show_words_it() -> None:
    routine = load("neck")
    assert spoken_work(routine.exercises[0]) == "hold three seconds, ten times"
    assert spoken_work(routine.exercises[1]) == "hold three seconds, ten times, each side"
    plan = build(routine, compile(routine))
    texts = plan.texts()
    assert "Get ready. Neck retraction. Hold three seconds, ten times." in texts
    assert "Rest. Next: Trapezius stretch. Hold three seconds, ten times, each side." in texts
    assert "Done. Neck set: eight exercises, about ten minutes." in texts or any(
        t.startswith("Done. Neck set: eight exercises") for t in texts
    )


@pytest.mark.parametrize("routine_id", BUILT_IN)
def test_every_exercise_gets_a_phrase_that_fits(routine_id: str) -> None:
    routine = load(routine_id)
    timeline = compile(routine)
    plan = build(routine, timeline)
    chosen = plan.estimated()
    for i, ex in enumerate(routine.exercises):
        first = next(s for s in timeline.segments if s.kind == "work" and s.exercise_index == i)
        text = chosen.get(("start", first.index))
        assert text is not None, f"{ex.name}: nothing said when it starts"
        assert clean(ex.name) in text
    for key, slot in plan.slots.items():
        text = chosen[key]
        if text is not None and slot.room is not None:
            assert estimate(text) <= slot.room, f"{text!r} is longer than its {slot.room} s"


def test_a_run_says_each_thing_at_its_moment() -> None:
    routine = """
[routine]
name = "Two things"
[defaults]
prepare = "10s"
[[exercise]]
name = "Bridge"
hold = "30s"
reps = 2
rep_rest = "5s"
rest = "15s"
[[exercise]]
name = "Twist"
duration = "20s"
sides = "both"
side_rest = "5s"
"""
    out = said(routine)
    assert out == [
        (0.0, "Get ready. Bridge. Hold thirty seconds, two times."),
        (7.0, "Three."),
        (8.0, "Two."),
        (9.0, "One."),
        (10.0, "Bridge. Hold thirty seconds, two times."),
        (25.0, "Halfway."),
        (42.0, "Three."),  # the 5 s rest between reps counts down to work too
        (43.0, "Two."),
        (44.0, "One."),
        (45.0, "Last one."),
        (60.0, "Halfway."),
        (75.0, "Rest. Next: Twist. Twenty seconds, each side."),
        (87.0, "Three."),
        (88.0, "Two."),
        (89.0, "One."),
        (90.0, "Twist. Twenty seconds, each side."),
        (100.0, "Halfway."),
        (110.0, "Switch sides."),
        (112.0, "Three."),
        (113.0, "Two."),
        (114.0, "One."),
        (125.0, "Halfway."),
        (135.0, "Done. Two things: two exercises, two minutes."),
    ]


def test_a_phrase_too_long_for_its_segment_is_shortened_to_the_name() -> None:
    out = said(
        """
[routine]
name = "Short"
[defaults]
prepare = "4s"
[[exercise]]
name = "Neck retraction"
hold = "2s"
reps = 3
rep_rest = "2s"
"""
    )
    assert out[0] == (0.0, "Get ready. Neck retraction.")
    assert out[1] == (4.0, "Neck retraction.")
    for (at, text), (nxt, _) in itertools.pairwise(out):
        assert at + estimate(text) <= nxt


def test_own_side_labels_are_said_and_sets_are_counted() -> None:
    out = dict(
        said(
            """
[routine]
name = "Sides"
[defaults]
prepare = "5s"
[[exercise]]
name = "Lean"
duration = "10s"
sides = ["forwards", "backwards"]
side_rest = "4s"
sets = 2
set_rest = "10s"
"""
        )
    )
    assert "Backwards." in out.values()
    assert "Rest. Next: set two of two." in out.values()
    assert "Last set." in out.values()
    assert "Switch sides." not in out.values()


def test_countdown_and_breath_words_are_options() -> None:
    text = """
[routine]
name = "Breathe"
[defaults]
prepare = "10s"
breath = { inhale = "4s", exhale = "4s" }
[[exercise]]
name = "Sit"
duration = "40s"
"""
    plain = [t for _, t in said(text, VoiceOptions(countdown=False))]
    assert "Three." not in plain and "In." not in plain
    both = said(text, VoiceOptions(countdown=True, breath=True))
    # the breath word at a moment that has more to say gives way (0 s, 8 s and 10 s)
    assert both[:8] == [
        (0.0, "Get ready. Sit. Forty seconds."),
        (4.0, "Out."),
        (7.0, "Three."),
        (8.0, "Two."),
        (9.0, "One."),
        (10.0, "Sit. Forty seconds."),
        (14.0, "Out."),
        (18.0, "In."),
    ]


def test_pause_resume_and_done_short_when_something_was_skipped() -> None:
    _routine, timeline, plan = plan_of(
        """
[routine]
name = "Pause"
[[exercise]]
name = "A"
hold = "10s"
[[exercise]]
name = "B"
hold = "10s"
"""
    )
    chosen = plan.estimated()
    engine = Engine(timeline, max_gap=None)
    engine.start(0.0)
    assert chosen[plan.key_for(engine.pause(12.0))] == "Paused."  # type: ignore[index]
    assert chosen[plan.key_for(engine.resume(20.0))] == "Go on."  # type: ignore[index]
    engine.skip_exercise(21.0)
    end = engine.advance(1000.0)
    assert any(isinstance(e, ev.SessionFinished) for e in end)
    assert chosen[plan.key_for(end)] == "Done."  # type: ignore[index]


def test_names_from_a_shared_file_are_cleaned_before_they_are_spoken() -> None:
    assert clean("Cat\x1b[31m <camel> [[h@l@U]]") == "Cat 31m camel h@l@U"
    assert clean("x" * 300) == "x" * 80
    assert clean(" .. ") == "Next exercise"
