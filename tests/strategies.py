"""Hypothesis strategies that build valid routines (as the loader would produce them).

`routines()` is public: the loader, writer, timeline and engine property tests use it.
Routines stay small (1-4 exercises, few reps and sets) so a whole routine runs in
simulated time in a few milliseconds.
"""

from __future__ import annotations

from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

from backtimer.routine.limits import MAX_SEGMENTS, MAX_TOTAL
from backtimer.routine.model import (
    BREATH_WORDS,
    PLACES,
    Breath,
    Defaults,
    Exercise,
    Phase,
    Progress,
    Routine,
    WorkKind,
)
from backtimer.routine.size import fullest, segment_count, total_seconds

# Seconds as people write them: whole seconds, minutes, and a few halves.
work_seconds = st.one_of(
    st.integers(1, 90).map(float),
    st.sampled_from([0.5, 1.5, 2.5, 120.0, 300.0, 3600.0]),
)
rest_seconds = st.one_of(st.integers(0, 60).map(float), st.sampled_from([0.5, 90.0, 120.0]))

# Any text a routine may hold: no control characters (the loader refuses them).
texts = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=24
).filter(lambda s: s.strip() != "")
words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz -", min_size=1, max_size=12).filter(
    lambda s: s.strip() != ""
)

breaths = st.builds(
    Breath,
    inhale=st.integers(1, 8).map(float),
    exhale=st.integers(1, 10).map(float),
    hold=st.sampled_from([0.0, 0.0, 1.0, 2.0]),
)

defaults_st = st.builds(
    Defaults,
    prepare=rest_seconds,
    rest=rest_seconds,
    rep_rest=rest_seconds,
    set_rest=rest_seconds,
    side_rest=rest_seconds,
    tempo=st.integers(1, 6).map(float),
    breath=st.none() | breaths,
)

phases_st = st.lists(
    st.builds(
        Phase, label=words, secs=work_seconds, breath=st.none() | st.sampled_from(BREATH_WORDS)
    ),
    min_size=1,
    max_size=3,
)


@st.composite
def exercises(draw: st.DrawFn, defaults: Defaults) -> Exercise:
    kind = draw(st.sampled_from(list(WorkKind)))
    fields: dict[str, Any] = {
        "name": draw(texts),
        "kind": kind,
        "steps": tuple(draw(st.lists(texts, max_size=3))),
        "caution": draw(st.none() | texts),
        "sets": draw(st.integers(1, 3)),
    }
    if kind is WorkKind.HOLD:
        fields["hold"] = draw(work_seconds)
    elif kind is WorkKind.TIMED:
        fields["duration"] = draw(work_seconds)
    elif kind is WorkKind.PHASED:
        fields["phases"] = tuple(draw(phases_st))
    elif kind is WorkKind.PACED:
        fields["tempo"] = draw(st.just(defaults.tempo) | st.integers(1, 6).map(float))
    elif kind is WorkKind.SELF:
        fields["tempo"] = defaults.tempo  # the loader keeps the default tempo for estimates
    elif kind is WorkKind.MAX:
        fields["expect"] = draw(st.none() | work_seconds)
    fields["reps"] = 1 if kind is WorkKind.TIMED else draw(st.integers(1, 5))

    sides = draw(st.sampled_from(["none", "both", "alternate", "labels"]))
    if sides in ("both", "alternate"):
        fields["sides"] = ("left", "right")
        fields["alternate"] = sides == "alternate"
        if sides == "alternate" and kind is WorkKind.TIMED:
            fields["sets"] = 1  # "alternate" with sets needs reps, and timed work has none
    elif sides == "labels":
        fields["sides"] = tuple(draw(st.lists(words, min_size=2, max_size=3, unique=True)))

    for key in ("rest", "rep_rest", "set_rest", "side_rest"):
        fields[key] = draw(st.just(getattr(defaults, key)) | rest_seconds)
    fields["breath"] = draw(st.just(defaults.breath) | st.none() | breaths)
    fields["progress"] = draw(st.none() | progressions(kind, fields))
    return Exercise(**fields)


def progressions(kind: WorkKind, fields: dict[str, Any]) -> st.SearchStrategy[Progress]:
    choices = ["sets"]
    if kind is WorkKind.HOLD:
        choices.append("hold")
    if kind is WorkKind.TIMED:
        choices.append("duration")
    else:
        choices.append("reps")

    @st.composite
    def build(draw: st.DrawFn) -> Progress:
        field = draw(st.sampled_from(choices))
        timed = field in ("hold", "duration")
        step = draw(st.integers(1, 10).map(float))
        base = float(fields[field])
        top = base + draw(st.integers(0, 60 if timed else 20))
        every = draw(st.sampled_from(["days", "sessions"]))
        return Progress(
            field=field,
            step=step,
            max=top,
            every_days=float(draw(st.integers(1, 30))) if every == "days" else None,
            every_sessions=draw(st.integers(1, 10)) if every == "sessions" else None,
        )

    return build()


@st.composite
def routines(draw: st.DrawFn, max_exercises: int = 4) -> Routine:
    """A valid routine, as load_text would return it."""
    defaults = draw(defaults_st)
    routine = Routine(
        id=draw(st.from_regex(r"[a-z][a-z0-9-]{0,15}", fullmatch=True)),
        name=draw(texts),
        description=draw(st.just("") | texts),
        tags=tuple(draw(st.lists(words, max_size=3))),
        place=draw(st.sampled_from(PLACES)),
        equipment=tuple(draw(st.lists(words, max_size=2))),
        cautions=tuple(draw(st.lists(texts, max_size=2))),
        defaults=defaults,
        exercises=tuple(draw(st.lists(exercises(defaults), min_size=1, max_size=max_exercises))),
    )
    # within the size limits, at full growth (an hour-long hold x reps x sets can pass 12 h)
    full = fullest(routine)
    assume(segment_count(full) <= MAX_SEGMENTS and total_seconds(full) <= MAX_TOTAL)
    return routine
