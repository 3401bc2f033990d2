"""Progression: how exercises grow over the weeks (`progress = { ... }` in a routine).

Pure: given a routine, the dates of the completed sessions of that routine (from the
history store) and today, work out the effective routine and each growing exercise's level.

Rules (documented in docs/routines.md):
- `every = "N sessions"`: one step per N completed sessions.
- `every = "Nd"` / `"Nw"`: time is cut into periods of that length, starting on the day of
  the first completed session; a step is earned for each period that has ended and that
  had at least one completed session. Weeks off do not count, so a pause never makes
  the exercise jump ahead.
- A value never grows past `max`; with no sessions the base values apply.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from backtimer.routine.durations import human
from backtimer.routine.model import Exercise, Progress, Routine


@dataclass(frozen=True)
class Level:
    """Where one growing exercise stands today."""

    exercise_index: int
    exercise: str
    field: str  # hold | duration | reps | sets
    base: float
    current: float
    max: float
    steps: int  # steps earned so far (before the cap)
    next_date: date | None = None  # day-based: the day it next grows (None at max)
    sessions_to_next: int | None = None  # session-based: completed sessions still needed
    needs_session: bool = False  # day-based: no session yet in the current period

    @property
    def at_max(self) -> bool:
        return self.current >= self.max


@dataclass(frozen=True)
class Progression:
    routine: Routine  # the effective routine (current levels applied)
    levels: tuple[Level, ...]


def _day(value: date) -> date | None:
    """The local day of a session (history stores aware UTC start times); None for a time
    that has no local day (out of range)."""
    if isinstance(value, datetime):
        try:
            return (value.astimezone() if value.tzinfo else value).date()
        except (OverflowError, ValueError, OSError):
            return None
    return value


def _after(first: date, days: int) -> date | None:
    """`days` after `first`, or None past the last date Python can hold."""
    try:
        return first + timedelta(days=days)
    except OverflowError:
        return None


def _base(ex: Exercise, field: str) -> float:
    value = getattr(ex, field)
    return float(value if value is not None else 1)


def level_of(index: int, ex: Exercise, progress: Progress, sessions: Sequence[date],
             today: date) -> Level:  # fmt: skip
    """The level of one exercise; `sessions` are completed session days up to today."""
    base = _base(ex, progress.field)
    days = sorted(d for d in (_day(s) for s in sessions) if d is not None and d <= today)
    next_date: date | None = None
    to_next: int | None = None
    needs = False
    if progress.every_sessions:
        every = progress.every_sessions
        steps = len(days) // every
        to_next = every - len(days) % every
    else:
        period = max(1, math.ceil(progress.every_days or 7))
        steps = 0
        if days:
            first = days[0]
            done = (today - first).days // period  # periods that have ended
            had = {(d - first).days // period for d in days}
            steps = sum(1 for k in range(done) if k in had)
            next_date = _after(first, (done + 1) * period)
            needs = done not in had
    current = min(base + steps * progress.step, progress.max)
    if current >= progress.max:
        next_date, to_next, needs = None, None, False
    return Level(
        exercise_index=index,
        exercise=ex.name,
        field=progress.field,
        base=base,
        current=current,
        max=progress.max,
        steps=steps,
        next_date=next_date,
        sessions_to_next=to_next,
        needs_session=needs,
    )


def _at_level(ex: Exercise, level: Level) -> Exercise:
    if level.field == "hold":
        return replace(ex, hold=level.current)
    if level.field == "duration":
        return replace(ex, duration=level.current)
    if level.field == "reps":
        return replace(ex, reps=int(level.current))
    return replace(ex, sets=int(level.current))


def progress(routine: Routine, sessions: Sequence[date], today: date) -> Progression:
    """The routine at today's levels, and the level of every exercise that grows."""
    exercises: list[Exercise] = []
    levels: list[Level] = []
    for index, ex in enumerate(routine.exercises):
        if ex.progress is None:
            exercises.append(ex)
            continue
        level = level_of(index, ex, ex.progress, sessions, today)
        levels.append(level)
        exercises.append(_at_level(ex, level))
    return Progression(routine=replace(routine, exercises=tuple(exercises)), levels=tuple(levels))


def _value(field: str, amount: float) -> str:
    if field in ("hold", "duration"):
        return human(amount)
    return f"{int(amount)} {field}"


def level_text(level: Level, today: date) -> str:
    """For people, e.g. "hold 15 s (from 10 s, up to 40 s); grows on 2026-12-07 (in 5 days)"."""
    now = _value(level.field, level.current)
    text = f"{level.field} {now}" if level.field in ("hold", "duration") else now
    text += f" (from {_value(level.field, level.base)}, up to {_value(level.field, level.max)})"
    if level.at_max:
        return text + "; at its maximum"
    if level.sessions_to_next is not None:
        n = level.sessions_to_next
        return text + f"; grows after {n} more session{'' if n == 1 else 's'}"
    if level.next_date is None:
        return text + "; starts growing after your first session"
    days = (level.next_date - today).days
    when = f"{level.next_date.isoformat()} (in {days} day{'' if days == 1 else 's'})"
    if level.needs_session:
        return text + f"; grows on {when} if you do a session before then"
    return text + f"; grows on {when}"
