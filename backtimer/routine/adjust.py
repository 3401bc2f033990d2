"""Adjust an exercise's numbers by a sensible step (the app's "customise" screen).

Pure. Seconds move by 1 s below 10 s and by 5 s from 10 s up (snapping to whole 5 s);
reps and sets by 1. Nothing goes below its minimum (1 s of work, 0 s of rest, 1 rep,
1 set) or past the format's maximum, and a value that progresses never passes its
progression's `max` (the loader would refuse the file).
"""

from __future__ import annotations

import math
from dataclasses import replace

from backtimer.routine.durations import human
from backtimer.routine.model import MAX_DURATION, MAX_REPS, MAX_SETS, Exercise, WorkKind

LABELS = {
    "hold": "hold",
    "duration": "duration",
    "reps": "reps",
    "sets": "sets",
    "rest": "rest after",
    "rep_rest": "between reps",
    "set_rest": "between sets",
    "side_rest": "switch sides",
}
SECONDS = ("hold", "duration", "rest", "rep_rest", "set_rest", "side_rest")


def fields_of(ex: Exercise) -> tuple[str, ...]:
    """The numbers of this exercise a person can adjust, in the order shown."""
    out: list[str] = []
    if ex.kind is WorkKind.HOLD:
        out.append("hold")
    if ex.kind is WorkKind.TIMED:
        out.append("duration")
    else:
        out.append("reps")
    out += ["sets", "rest"]
    if ex.kind in (WorkKind.HOLD, WorkKind.MAX) and (ex.reps > 1 or (ex.alternate and ex.sided)):
        out.append("rep_rest")
    if ex.sets > 1:
        out.append("set_rest")
    if ex.sided:
        out.append("side_rest")
    return tuple(out)


def value_text(ex: Exercise, field: str) -> str:
    value = getattr(ex, field)
    if field in SECONDS:
        return human(float(value or 0))
    return str(value)


def step_seconds(value: float, direction: int) -> float:
    """One step up (+1) or down (-1): 1 s below 10 s, else to the next multiple of 5 s."""
    if direction > 0:
        return value + 1 if value < 10 else (math.floor(value / 5) + 1) * 5.0
    if value <= 10:
        return value - 1
    return max(10.0, (math.ceil(value / 5) - 1) * 5.0)


def adjust(ex: Exercise, field: str, direction: int) -> tuple[Exercise, str]:
    """The exercise with `field` one step up or down, and a note when it could not move
    (e.g. "hold stops at 40 s, where its progression ends")."""
    if field not in fields_of(ex):
        return ex, f"{ex.name} has no {LABELS.get(field, field)} to change"
    current = getattr(ex, field)
    if field in SECONDS:
        low = 1.0 if field in ("hold", "duration") else 0.0
        new: float = step_seconds(float(current or 0), direction)
        new = min(max(new, low), MAX_DURATION)
    else:
        top = MAX_REPS if field == "reps" else MAX_SETS
        new = min(max(int(current) + direction, 1), top)
    note = ""
    progress = ex.progress
    if progress is not None and progress.field == field and new > progress.max:
        new = progress.max
        shown = human(new) if field in SECONDS else str(int(new))
        note = f"{LABELS[field]} stops at {shown}, where its progression ends"
    if new == current:
        least = "least" if direction < 0 else "most"
        return ex, note or f"{LABELS[field]} is already at its {least}"
    return _with(ex, field, new), note


def _with(ex: Exercise, field: str, value: float) -> Exercise:
    if field == "hold":
        return replace(ex, hold=value)
    if field == "duration":
        return replace(ex, duration=value)
    if field == "reps":
        return replace(ex, reps=int(value))
    if field == "sets":
        return replace(ex, sets=int(value))
    if field == "rest":
        return replace(ex, rest=value)
    if field == "rep_rest":
        return replace(ex, rep_rest=value)
    if field == "set_rest":
        return replace(ex, set_rest=value)
    return replace(ex, side_rest=value)
