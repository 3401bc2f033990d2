"""What the engine tells its adapters (UI, plain runner, audio, history).

Events are plain frozen dataclasses. `at` is always the session clock: seconds of
the routine's own time since the session started, paused time excluded, so an
event's `at` equals the timeline's schedule when the person never paused,
skipped or waited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from backtimer.timeline import Segment

# partial: ran to its end, but at least one exercise was skipped (not "completed")
Status = Literal["completed", "partial", "stopped", "pain"]
PauseReason = Literal["user", "suspend"]


@dataclass(frozen=True)
class SegmentStarted:
    at: float
    segment: Segment


@dataclass(frozen=True)
class SegmentEnded:
    at: float
    segment: Segment
    skipped: bool = False  # ended by skip / skip exercise / stop rather than by time or done


@dataclass(frozen=True)
class RepStarted:
    at: float
    segment: Segment  # rep / reps / set / side are on the segment


@dataclass(frozen=True)
class PhaseChanged:
    at: float
    segment: Segment
    label: str
    breath: str | None


@dataclass(frozen=True)
class BreathStep:
    """The breath pacer moved on: "inhale", "hold" or "exhale" for `seconds`."""

    at: float
    step: Literal["inhale", "hold", "exhale"]
    seconds: float
    segment: Segment | None = None  # the segment whose pacer this is


@dataclass(frozen=True)
class Countdown:
    """`value` (3, 2, 1) seconds are left in `segment` (from the timeline's cue points)."""

    at: float
    segment: Segment
    value: int


@dataclass(frozen=True)
class Halfway:
    at: float
    segment: Segment


@dataclass(frozen=True)
class ExerciseStarted:
    at: float
    index: int
    name: str


@dataclass(frozen=True)
class ExerciseResult:
    """Planned vs done for one exercise."""

    index: int
    name: str
    planned_reps: int  # reps per set (per side when sided) as planned
    planned_sets: int
    planned_sides: int  # 0 when not sided
    planned_seconds: float  # work seconds planned (open segments by estimate)
    done_reps: int = 0  # work repetitions completed (each side counts)
    done_sets: int = 0
    done_sides: int = 0
    worked_seconds: float = 0.0
    held_seconds: tuple[float, ...] = ()  # open-ended holds: time held each rep
    skipped: bool = False

    @property
    def done(self) -> bool:
        """Every planned set was done (the history's "exercises done" counts the same)."""
        return not self.skipped and self.done_sets >= self.planned_sets


@dataclass(frozen=True)
class ExerciseFinished:
    at: float
    result: ExerciseResult


@dataclass(frozen=True)
class ExerciseSkipped:
    at: float
    result: ExerciseResult


@dataclass(frozen=True)
class WaitingForUser:
    """An open segment began: the timer counts up until `done`."""

    at: float
    segment: Segment
    mode: Literal["self", "max"]


@dataclass(frozen=True)
class Paused:
    at: float
    reason: PauseReason
    gap: float = 0.0  # for "suspend": how long the clock gap was


@dataclass(frozen=True)
class Resumed:
    at: float


@dataclass(frozen=True)
class Summary:
    routine_id: str
    name: str
    status: Status
    total_seconds: float  # session clock at the end (pauses excluded)
    paused_seconds: float
    worked_seconds: float
    planned_work_seconds: float
    exercises: tuple[ExerciseResult, ...] = field(default_factory=tuple)

    @property
    def skipped(self) -> tuple[ExerciseResult, ...]:
        return tuple(e for e in self.exercises if e.skipped)

    @property
    def all_done(self) -> bool:
        return all(e.done for e in self.exercises)

    @property
    def done_text(self) -> str:
        """ "4 of 6 exercises done" (the summary and `history` count the same way)."""
        done = sum(e.done for e in self.exercises)
        noun = "exercise" if len(self.exercises) == 1 else "exercises"
        return f"{done} of {len(self.exercises)} {noun} done"


@dataclass(frozen=True)
class SessionFinished:
    at: float
    summary: Summary


@dataclass(frozen=True)
class SessionStopped:
    """Ended early: by the user (status "stopped") or because it hurts ("pain")."""

    at: float
    summary: Summary
    message: str = ""


Event = (
    SegmentStarted
    | SegmentEnded
    | RepStarted
    | PhaseChanged
    | BreathStep
    | Countdown
    | Halfway
    | ExerciseStarted
    | ExerciseFinished
    | ExerciseSkipped
    | WaitingForUser
    | Paused
    | Resumed
    | SessionFinished
    | SessionStopped
)
