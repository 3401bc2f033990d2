"""The routine model: what a routine file says, as frozen dataclasses.

Every value here is already resolved: an exercise carries its effective rests,
tempo and breath pacer (the routine's `[defaults]` applied), so the timeline
compiler never needs to look at the defaults again. `Routine.defaults` is kept
so that a routine can be written back to TOML the way its author wrote it.

All durations are float seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from backtimer.routine.limits import MAX_DURATION, MAX_REPS, MAX_SETS

__all__ = ["MAX_DURATION", "MAX_REPS", "MAX_SETS"]  # re-exported: limits.py is their home

PLACES = ("chair", "standing", "floor", "anywhere", "gym")
BREATH_WORDS = ("inhale", "exhale", "hold")


class WorkKind(StrEnum):
    """The one way an exercise is worked."""

    HOLD = "hold"  # each rep is a hold of `hold` seconds
    TIMED = "timed"  # one continuous block of `duration` seconds per set/side
    PHASED = "phased"  # each rep runs through `phases`
    PACED = "paced"  # reps, each `tempo` seconds long
    SELF = "self"  # self-paced reps: the user says when the set is done
    MAX = "max"  # open-ended hold: counts up until the user ends it


@dataclass(frozen=True)
class Breath:
    """A breath pacer: inhale, optional hold, exhale (seconds)."""

    inhale: float
    exhale: float
    hold: float = 0.0

    @property
    def cycle(self) -> float:
        return self.inhale + self.hold + self.exhale


@dataclass(frozen=True)
class Phase:
    """One part of a phased rep, e.g. "Drop the knees", breathing in, 2 s."""

    label: str
    secs: float
    breath: str | None = None  # one of BREATH_WORDS


@dataclass(frozen=True)
class Progress:
    """How an exercise grows over time, e.g. hold +5 s every week up to 40 s.

    `field` is the value that grows ("hold", "duration", "reps" or "sets"); exactly one
    of `every_days` / `every_sessions` is set.
    """

    field: str
    step: float
    max: float
    every_days: float | None = None
    every_sessions: int | None = None


@dataclass(frozen=True)
class Defaults:
    """The routine's `[defaults]` table, with backtimer's own defaults filled in."""

    prepare: float = 10.0
    rest: float = 15.0
    rep_rest: float = 2.0
    set_rest: float = 30.0
    side_rest: float = 5.0
    tempo: float = 3.0
    breath: Breath | None = None


@dataclass(frozen=True)
class Exercise:
    name: str
    kind: WorkKind
    steps: tuple[str, ...] = ()
    caution: str | None = None
    hold: float | None = None  # HOLD
    expect: float | None = None  # MAX: the expected length of one hold (estimates only)
    duration: float | None = None  # TIMED
    phases: tuple[Phase, ...] = ()  # PHASED
    tempo: float | None = None  # PACED: effective seconds per rep
    reps: int = 1  # per side when alternate
    sets: int = 1
    sides: tuple[str, ...] = ()  # () = not sided; ("left", "right") for "both"/"alternate"
    alternate: bool = False  # sides alternate every rep
    rest: float = 15.0  # after this exercise
    rep_rest: float = 2.0
    set_rest: float = 30.0
    side_rest: float = 5.0
    breath: Breath | None = None  # pacer during holds, timed work and rests
    progress: Progress | None = None

    @property
    def sided(self) -> bool:
        return bool(self.sides)


@dataclass(frozen=True)
class Routine:
    id: str
    name: str
    description: str = ""
    tags: tuple[str, ...] = ()
    place: str = "anywhere"
    equipment: tuple[str, ...] = ()
    cautions: tuple[str, ...] = ()
    defaults: Defaults = field(default_factory=Defaults)
    exercises: tuple[Exercise, ...] = ()

    @property
    def prepare(self) -> float:
        return self.defaults.prepare
