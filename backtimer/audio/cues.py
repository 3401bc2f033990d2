"""Cue names and which engine events trigger which cue. Pure: no I/O.

| cue            | when                                                              |
|----------------|-------------------------------------------------------------------|
| tick           | each of the last 3 s before work starts and before a hold ends    |
| go             | work starts (after get ready or a rest)                           |
| rest           | work ends: a rest begins                                          |
| switch         | a side rest begins (switch sides)                                 |
| rep            | the next paced / phased rep starts straight after the previous    |
| inhale/exhale  | breath pacer steps (off by default)                               |
| halfway        | the middle of holds and timed work of 20 s or more                |
| exercise_done  | an exercise is finished                                           |
| routine_done   | the routine is finished                                           |
| break_due      | a desk break is due (played by the break reminder, not the engine) |

When one batch of events would play several cues at the same moment, only the
most important plays (a new cue cuts the previous one anyway): e.g. the end of
the last rep of an exercise plays `exercise_done`, not `rest`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from backtimer import events as ev
from backtimer.timeline import Segment, Timeline

# higher wins when several cues fall at the same moment
PRIORITY: dict[str, int] = {
    "routine_done": 100,
    "break_due": 90,
    "switch": 80,
    "exercise_done": 70,
    "go": 60,
    "rest": 50,
    "halfway": 40,
    "tick": 30,
    "rep": 20,
    "inhale": 10,
    "exhale": 10,
}

SAME_MOMENT = 0.05  # seconds of session clock


def _previous(timeline: Timeline | None, seg: Segment) -> Segment | None:
    if timeline is None or seg.index <= 0 or seg.index > len(timeline.segments):
        return None
    prev = timeline.segments[seg.index - 1]
    return prev if prev.index == seg.index - 1 else None


def _work_start_cue(timeline: Timeline | None, seg: Segment) -> str | None:
    prev = _previous(timeline, seg)
    if prev is not None and prev.kind == "work" and prev.exercise_index == seg.exercise_index:
        # straight on from the previous work segment: a new rep, or the next phase of one
        if (prev.rep, prev.set, prev.side) != (seg.rep, seg.set, seg.side):
            return "rep"
        return None
    return "go"


def cue_for(event: object, timeline: Timeline | None = None) -> str | None:
    """The cue one event triggers, or None."""
    match event:
        case ev.Countdown():
            return "tick"
        case ev.Halfway():
            return "halfway"
        case ev.SegmentStarted(segment=seg):
            if seg.kind == "work":
                return _work_start_cue(timeline, seg)
            if seg.kind == "rest":
                return "switch" if seg.reason == "side" else "rest"
            return None
        case ev.BreathStep(step=step):
            return step if step in ("inhale", "exhale") else None
        case ev.ExerciseFinished():
            return "exercise_done"
        case ev.SessionFinished():
            return "routine_done"
    return None


def cues_for(
    events: Iterable[object],
    timeline: Timeline | None = None,
    audible: Callable[[str], bool] | None = None,
) -> list[str]:
    """Cues to play for a batch of events, in order; of the (audible) cues at the same
    moment only the most important one is kept."""
    out: list[tuple[float, str]] = []
    for event in events:
        name = cue_for(event, timeline)
        if name is None or (audible is not None and not audible(name)):
            continue
        at = float(getattr(event, "at", 0.0))
        if out and abs(out[-1][0] - at) <= SAME_MOMENT:
            if PRIORITY[name] > PRIORITY[out[-1][1]]:
                out[-1] = (at, name)
            continue
        out.append((at, name))
    return [name for _, name in out]
