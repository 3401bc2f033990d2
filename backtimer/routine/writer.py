"""Write a routine back to TOML (tomli-w) so that the loader reads it back equal.

Only what differs from the defaults is written: `[defaults]` keys that differ from
backtimer's own defaults, exercise keys that differ from the routine's `[defaults]`.
"""

from __future__ import annotations

from typing import Any

import tomli_w

from backtimer.routine.durations import duration_text, parse_duration
from backtimer.routine.model import Breath, Defaults, Exercise, Progress, Routine, WorkKind

# Any: TOML values of several types, as tomli-w takes them.


def duration_value(seconds: float) -> str | float:
    """The canonical text ("1m30s") when it reads back exactly, else the number itself."""
    text = duration_text(seconds)
    try:
        if parse_duration(text) == seconds:
            return text
    except ValueError:
        pass
    return seconds


def breath_value(breath: Breath | None) -> dict[str, Any] | bool:
    if breath is None:
        return False
    out: dict[str, Any] = {"inhale": duration_value(breath.inhale)}
    if breath.hold:
        out["hold"] = duration_value(breath.hold)
    out["exhale"] = duration_value(breath.exhale)
    return out


def progress_value(progress: Progress) -> dict[str, Any]:
    timed = progress.field in ("hold", "duration")
    step = duration_value(progress.step) if timed else int(progress.step)
    out: dict[str, Any] = {progress.field: f"+{step}" if isinstance(step, str | int) else step}
    if progress.every_sessions is not None:
        n = progress.every_sessions
        out["every"] = f"{n} session" if n == 1 else f"{n} sessions"
    else:
        days = int(progress.every_days or 1)
        out["every"] = f"{days // 7}w" if days % 7 == 0 else f"{days}d"
    out["max"] = duration_value(progress.max) if timed else int(progress.max)
    return out


def _defaults(defaults: Defaults) -> dict[str, Any]:
    base = Defaults()
    out: dict[str, Any] = {}
    for key in ("prepare", "rest", "rep_rest", "set_rest", "side_rest", "tempo"):
        value = getattr(defaults, key)
        if value != getattr(base, key):
            out[key] = duration_value(value)
    if defaults.breath is not None:
        out["breath"] = breath_value(defaults.breath)
    return out


def _exercise(ex: Exercise, defaults: Defaults) -> dict[str, Any]:
    out: dict[str, Any] = {"name": ex.name}
    if ex.steps:
        out["steps"] = list(ex.steps)
    if ex.caution is not None:
        out["caution"] = ex.caution
    if ex.kind is WorkKind.HOLD and ex.hold is not None:
        out["hold"] = duration_value(ex.hold)
    elif ex.kind is WorkKind.MAX:
        out["hold"] = "max"
        if ex.expect is not None:
            out["expect"] = duration_value(ex.expect)
    elif ex.kind is WorkKind.TIMED and ex.duration is not None:
        out["duration"] = duration_value(ex.duration)
    elif ex.kind is WorkKind.PHASED:
        out["phases"] = [
            {"label": p.label, "secs": duration_value(p.secs)}
            | ({"breath": p.breath} if p.breath else {})
            for p in ex.phases
        ]
    elif ex.kind is WorkKind.SELF:
        out["tempo"] = "self"
    elif ex.kind is WorkKind.PACED and ex.tempo is not None and ex.tempo != defaults.tempo:
        out["tempo"] = duration_value(ex.tempo)
    # reps alone marks paced reps; "alternate" with sets needs reps said out loud
    alternate_sets = ex.alternate and ex.sets != 1 and ex.kind is not WorkKind.TIMED
    if ex.reps != 1 or ex.kind is WorkKind.PACED or alternate_sets:
        out["reps"] = ex.reps
    if ex.sets != 1:
        out["sets"] = ex.sets
    if ex.sides:
        if ex.alternate:
            out["sides"] = "alternate"
        elif ex.sides == ("left", "right"):
            out["sides"] = "both"
        else:
            out["sides"] = list(ex.sides)
    for key in ("rest", "rep_rest", "set_rest", "side_rest"):
        value = getattr(ex, key)
        if value != getattr(defaults, key):
            out[key] = duration_value(value)
    if ex.breath != defaults.breath:
        out["breath"] = breath_value(ex.breath)
    if ex.progress is not None:
        out["progress"] = progress_value(ex.progress)
    return out


def to_data(routine: Routine) -> dict[str, Any]:
    """The routine as the TOML document's data (what tomllib would read)."""
    head: dict[str, Any] = {"name": routine.name}
    if routine.description:
        head["description"] = routine.description
    if routine.tags:
        head["tags"] = list(routine.tags)
    head["place"] = routine.place
    head["equipment"] = list(routine.equipment)
    if routine.cautions:
        head["cautions"] = list(routine.cautions)
    data: dict[str, Any] = {"routine": head}
    defaults = _defaults(routine.defaults)
    if defaults:
        data["defaults"] = defaults
    data["exercise"] = [_exercise(ex, routine.defaults) for ex in routine.exercises]
    return data


def to_toml(routine: Routine) -> str:
    return tomli_w.dumps(to_data(routine))
