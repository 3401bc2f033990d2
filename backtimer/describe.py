"""How an exercise is worked and rested, in words people read.

Pure (no Textual, no Rich): used by `backtimer show`, the plain runner and the TUI's
rest screen ("Next: Trapezius stretch — hold 3 s x 10, alternate sides").
"""

from __future__ import annotations

from backtimer.routine.durations import duration_text, human
from backtimer.routine.model import Breath, Exercise, WorkKind
from backtimer.timeline import open_hold_estimate

DEFAULT_SIDES = ("left", "right")


def _times(n: int) -> str:
    return f" x {n}" if n > 1 else ""


def _reps(n: int) -> str:
    return f"{n} rep" if n == 1 else f"{n} reps"


def _base(ex: Exercise) -> str:
    if ex.kind is WorkKind.HOLD:
        assert ex.hold is not None
        return f"hold {human(ex.hold)}{_times(ex.reps)}"
    if ex.kind is WorkKind.TIMED:
        assert ex.duration is not None
        return human(ex.duration)
    if ex.kind is WorkKind.PHASED:
        parts = " / ".join(f"{p.breath}: {p.label}" if p.breath else p.label for p in ex.phases)
        count = len(ex.phases)
        return f"{count} phase{'s' if count != 1 else ''}{_times(ex.reps)} ({parts})"
    if ex.kind is WorkKind.PACED:
        return _reps(ex.reps)
    if ex.kind is WorkKind.SELF:
        return f"{_reps(ex.reps)} at your own pace"
    return f"as long as you can{_times(ex.reps)}"  # MAX


def side_text(side: str | None) -> str:
    """How a side reads, lower case: "left side", "right side"; a routine's own label
    as it is written ("forwards")."""
    if not side:
        return ""
    return f"{side} side" if side in DEFAULT_SIDES else side


def _sides(ex: Exercise) -> str:
    if not ex.sides:
        return ""
    if tuple(ex.sides) == DEFAULT_SIDES:
        return ", alternate sides" if ex.alternate else ", each side"
    labels = " / ".join(ex.sides)
    return f", alternating {labels}" if ex.alternate else f", each way ({labels})"


def work_text(ex: Exercise) -> str:
    """E.g. "hold 3 s x 10", "hold 10 s x 5, each side", "10 reps, alternate sides",
    "1 min, each side", "3 sets x 8 reps at your own pace", "as long as you can x 10",
    "2 phases x 10 (inhale: Drop the knees / exhale: Back to plank)"."""
    text = _base(ex)
    if ex.sets > 1:
        if ex.kind in (WorkKind.PACED, WorkKind.SELF):
            text = f"{ex.sets} sets x {text}"
        else:
            text = f"{text}, {ex.sets} sets"
    return text + _sides(ex)


def _has_rep_rests(ex: Exercise) -> bool:
    if ex.kind not in (WorkKind.HOLD, WorkKind.TIMED, WorkKind.MAX):
        return False
    alternating = ex.alternate and ex.sided and ex.kind is not WorkKind.TIMED
    return ex.kind is not WorkKind.TIMED and (ex.reps > 1 or alternating)


def _has_side_rests(ex: Exercise) -> bool:
    if not ex.sided:
        return False
    if ex.kind is WorkKind.SELF and ex.alternate:
        return False
    return not ex.alternate or ex.kind is WorkKind.TIMED


def rests_text(ex: Exercise, *, last: bool = False) -> str:
    """The rests this exercise has, e.g. "2 s between reps, 5 s to switch sides, 15 s after";
    "" when it has none. `last`: the routine's last exercise (no rest after it)."""
    parts: list[str] = []
    if _has_rep_rests(ex) and ex.rep_rest > 0:
        parts.append(f"{human(ex.rep_rest)} between reps")
    if _has_side_rests(ex) and ex.side_rest > 0:
        parts.append(f"{human(ex.side_rest)} to switch sides")
    if ex.sets > 1 and ex.set_rest > 0:
        parts.append(f"{human(ex.set_rest)} between sets")
    if not last and ex.rest > 0:
        parts.append(f"{human(ex.rest)} after")
    return ", ".join(parts)


def breath_steps(breath: Breath) -> list[tuple[str, float]]:
    """The pacer's steps in order: inhale, hold (when there is one), exhale."""
    steps = [("inhale", breath.inhale), ("hold", breath.hold), ("exhale", breath.exhale)]
    return [(word, seconds) for word, seconds in steps if word != "hold" or seconds > 0]


def breath_text(breath: Breath | None, *, terse: bool = False) -> str:
    """The breath pacer in words: "breathe in 4 s, hold 2 s, out 6 s", or tersely, for a
    line of the plain runner, "(inhale 4s / hold 2s / exhale 6s)"; "" without a pacer."""
    if breath is None:
        return ""
    steps = breath_steps(breath)
    if terse:
        return "(" + " / ".join(f"{word} {duration_text(s)}" for word, s in steps) + ")"
    spoken = {"inhale": "in", "hold": "hold", "exhale": "out"}
    return "breathe " + ", ".join(f"{spoken[word]} {human(s)}" for word, s in steps)


def open_note(ex: Exercise) -> str:
    """How an open exercise is timed, for people: "" for fixed ones."""
    if ex.kind is WorkKind.SELF:
        return "say when each set is done; the rest starts then"
    if ex.kind is WorkKind.MAX:
        return (
            f"counts up until you end it; the time is recorded "
            f"(planned as {human(open_hold_estimate(ex))} each)"
        )
    return ""
