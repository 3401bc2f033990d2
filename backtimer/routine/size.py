"""How big a routine is: its segment count and total time, worked out from the model
without compiling the timeline (the loader checks them against routine/limits.py).

Pure: the model only. The functions follow the timeline's rules (backtimer/timeline.py);
a property test keeps them equal to what timeline.compile builds.
"""

from __future__ import annotations

from dataclasses import replace

from backtimer.routine.model import Exercise, Routine, WorkKind

OPEN_HOLD_ESTIMATE = 30.0  # seconds an open-ended hold without `expect` counts for

_REP_RESTS = (WorkKind.HOLD, WorkKind.TIMED, WorkKind.MAX)


def _alternates(ex: Exercise) -> bool:
    return ex.alternate and bool(ex.sides) and ex.kind not in (WorkKind.TIMED, WorkKind.SELF)


def _shape(ex: Exercise) -> tuple[int, int, int]:
    """(side blocks per set, items per block, work segments per item)."""
    alternates = _alternates(ex)
    blocks = len(ex.sides) if ex.sides and not alternates else 1
    if ex.kind is WorkKind.SELF and ex.alternate:
        blocks = 1
    if ex.kind in (WorkKind.TIMED, WorkKind.SELF):
        items = 1
    else:
        items = ex.reps * (len(ex.sides) if alternates else 1)
    per_item = len(ex.phases) if ex.kind is WorkKind.PHASED else 1
    return blocks, items, per_item


def _rests(ex: Exercise) -> tuple[int, int, int]:
    """(rep rests, side rests, set rests) of the whole exercise, zero-length ones left out."""
    blocks, items, _ = _shape(ex)
    rep_rest = ex.rep_rest if ex.kind in _REP_RESTS else 0.0
    reps = ex.sets * blocks * (items - 1) if rep_rest > 0 else 0
    sides = ex.sets * (blocks - 1) if ex.side_rest > 0 else 0
    sets = ex.sets - 1 if ex.set_rest > 0 else 0
    return reps, sides, sets


def exercise_segments(ex: Exercise) -> int:
    """Segments of one exercise, its work and the rests inside it (not the rest after it)."""
    blocks, items, per_item = _shape(ex)
    return ex.sets * blocks * items * per_item + sum(_rests(ex))


def _work_seconds(ex: Exercise, tempo: float) -> float:
    """Seconds of one work item (a rep, a timed block or a self-paced set)."""
    if ex.kind is WorkKind.HOLD:
        return ex.hold or 0.0
    if ex.kind is WorkKind.TIMED:
        return ex.duration or 0.0
    if ex.kind is WorkKind.PHASED:
        return sum(p.secs for p in ex.phases)
    if ex.kind is WorkKind.PACED:
        return ex.tempo or tempo
    if ex.kind is WorkKind.SELF:
        sides = len(ex.sides) if ex.alternate and ex.sides else 1
        return ex.reps * sides * (ex.tempo or tempo)
    return ex.expect if ex.expect is not None else OPEN_HOLD_ESTIMATE


def exercise_seconds(ex: Exercise, tempo: float) -> float:
    """Seconds of one exercise (open segments by the timeline's estimates), without the
    rest after it."""
    blocks, items, _ = _shape(ex)
    rep_rests, side_rests, set_rests = _rests(ex)
    rep_rest = ex.rep_rest if ex.kind in _REP_RESTS else 0.0
    work = ex.sets * blocks * items * _work_seconds(ex, tempo)
    return work + rep_rests * rep_rest + side_rests * ex.side_rest + set_rests * ex.set_rest


def segment_count(routine: Routine) -> int:
    """How many segments the routine compiles to (timeline.compile's length)."""
    exercises = routine.exercises
    count = 1 if routine.prepare > 0 and exercises else 0
    for i, ex in enumerate(exercises):
        count += exercise_segments(ex)
        if i + 1 < len(exercises) and ex.rest > 0:
            count += 1
    return count


def total_seconds(routine: Routine) -> float:
    """The routine's total time (timeline.compile's total, open segments by estimate)."""
    exercises = routine.exercises
    total = routine.prepare if exercises else 0.0
    for i, ex in enumerate(exercises):
        total += exercise_seconds(ex, routine.defaults.tempo)
        if i + 1 < len(exercises):
            total += ex.rest
    return total


def at_full_growth(ex: Exercise) -> Exercise:
    """The exercise with its progression at `max`: the most a routine can ever compile to."""
    p = ex.progress
    if p is None:
        return ex
    if p.field == "hold":
        return replace(ex, hold=max(ex.hold or 0.0, p.max))
    if p.field == "duration":
        return replace(ex, duration=max(ex.duration or 0.0, p.max))
    if p.field == "reps":
        return replace(ex, reps=max(ex.reps, int(p.max)))
    return replace(ex, sets=max(ex.sets, int(p.max)))


def fullest(routine: Routine) -> Routine:
    """The routine with every exercise at full growth."""
    return replace(routine, exercises=tuple(at_full_growth(ex) for ex in routine.exercises))
