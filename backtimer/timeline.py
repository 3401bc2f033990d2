"""Compile a routine into a flat, ordered list of segments.

The timeline is what the engine runs, what `backtimer plan` prints and what the
UI shows progress over. Each segment is one thing the person does now: get ready,
a hold, a paced rep, one phase of a phased rep, a timed stretch, a self-paced
set, an open-ended hold, or a rest (between reps, sets, sides or exercises).

Rules (documented in docs/routines.md):
- a prepare segment opens the routine unless `prepare` is 0;
- rests of 0 s are left out, and there is no rest after the very last work segment;
- sets: a set rest between sets; the rest after an exercise comes after its last set;
- rep rests (`rep_rest`) only between holds, timed blocks and open-ended holds; paced and
  phased reps follow each other without a pause;
- sides "both": per set, all reps on the first side, a side rest, all on the next;
  sides "alternate": sides alternate every rep (after a rep rest), `reps` counts per side;
  a timed block with alternate sides is worked one side after the other like "both", and
  a self-paced set with alternate sides stays one open segment (the person alternates);
- countdown cue points (3, 2, 1) sit in the last three seconds of prepare and rest
  segments (before work starts) and of holds and timed work (before they end),
  when the segment lasts at least 5 s;
- a halfway cue sits in the middle of holds and timed work of 20 s or more;
- open segments (self-paced sets, open-ended holds) have duration None and count
  towards totals by an estimate: reps x tempo for a self-paced set (reps x sides when
  the set alternates sides; the exercise's tempo, else the routine's default tempo);
  an open-ended hold counts as its `expect` (the length its source or author expects),
  30 s when it has none.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from backtimer.routine.model import Breath, Exercise, Routine, WorkKind

# Any: the Segment fields a segment is built with (checked by Segment itself).

SegmentKind = Literal["prepare", "work", "rest"]
RestReason = Literal["rep", "set", "side", "exercise"]

COUNTDOWN_MIN = 5.0  # a segment needs this many seconds to get a 3-2-1 countdown
HALFWAY_MIN = 20.0  # holds of this length or more get a halfway cue
OPEN_HOLD_ESTIMATE = 30.0

REST_LABELS: dict[str, str] = {
    "rep": "Relax",
    "set": "Rest",
    "side": "Switch sides",
    "exercise": "Rest",
}
WORK_LABELS: dict[WorkKind, str] = {
    WorkKind.HOLD: "Hold",
    WorkKind.TIMED: "Go",
    WorkKind.PACED: "Rep",
    WorkKind.SELF: "Your pace",
    WorkKind.MAX: "Hold as long as you can",
}


@dataclass(frozen=True)
class Cue:
    """A point inside a segment where something is announced.

    `at` is seconds from the segment's start; `name` is "tick" (with `value` 3, 2 or 1:
    the seconds left) or "halfway".
    """

    at: float
    name: Literal["tick", "halfway"]
    value: int | None = None


@dataclass(frozen=True)
class Segment:
    index: int
    kind: SegmentKind
    exercise_index: int
    exercise: str
    label: str
    start: float  # offset from the routine's start, by estimates for open segments
    duration: float | None  # None: open (self-paced set or open-ended hold)
    estimate: float  # == duration when fixed
    reason: RestReason | None = None  # rests only
    work: WorkKind | None = None  # work segments only
    rep: int | None = None
    reps: int | None = None
    set: int = 1
    sets: int = 1
    side: str | None = None
    phase: str | None = None
    breath: str | None = None  # breath word of a phase: inhale / exhale / hold
    pacer: Breath | None = None  # breath pacer shown during this segment
    cues: tuple[Cue, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.duration is None

    @property
    def end(self) -> float:
        return self.start + self.estimate


@dataclass(frozen=True)
class Timeline:
    routine_id: str
    name: str
    segments: tuple[Segment, ...] = field(default_factory=tuple)

    @property
    def total(self) -> float:
        """Total seconds, open segments counted by their estimate."""
        return sum(s.estimate for s in self.segments)

    @property
    def fixed_total(self) -> float:
        return sum(s.duration for s in self.segments if s.duration is not None)

    @property
    def has_estimates(self) -> bool:
        return any(s.is_open for s in self.segments)

    @property
    def work_total(self) -> float:
        return sum(s.estimate for s in self.segments if s.kind == "work")


def _countdown(duration: float) -> tuple[Cue, ...]:
    if duration < COUNTDOWN_MIN:
        return ()
    return tuple(Cue(at=duration - n, name="tick", value=n) for n in (3, 2, 1))


def _work_cues(ex: Exercise, duration: float) -> tuple[Cue, ...]:
    if ex.kind not in (WorkKind.HOLD, WorkKind.TIMED):
        return ()
    cues: list[Cue] = []
    if duration >= HALFWAY_MIN:
        cues.append(Cue(at=duration / 2, name="halfway"))
    cues.extend(_countdown(duration))
    return tuple(cues)


class _Builder:
    def __init__(self, routine: Routine) -> None:
        self.routine = routine
        self.segments: list[Segment] = []
        self.offset = 0.0

    def add(self, *, estimate: float | None = None, **kw: Any) -> None:
        duration = kw.get("duration")
        if estimate is None:
            assert duration is not None, "an open segment needs an estimate"
            estimate = duration
        seg = Segment(index=len(self.segments), start=self.offset, estimate=float(estimate), **kw)
        self.segments.append(seg)
        self.offset += seg.estimate

    def rest(
        self,
        *,
        ex_index: int,
        ex: Exercise,
        reason: RestReason,
        seconds: float,
        set_no: int,
        side: str | None,
        pacer: Breath | None,
    ) -> None:
        if seconds <= 0:
            return
        self.add(
            kind="rest",
            reason=reason,
            exercise_index=ex_index,
            exercise=ex.name,
            label=REST_LABELS[reason],
            duration=float(seconds),
            set=set_no,
            sets=ex.sets,
            side=side,
            pacer=pacer,
            cues=_countdown(seconds),
        )


def _alternates(ex: Exercise) -> bool:
    """Sides alternate rep by rep: only for exercises worked in reps (hold, paced, phased,
    open-ended holds). A timed block "alternating" sides is worked one side after the other
    (like "both"); a self-paced set alternates inside the one open segment."""
    return ex.alternate and bool(ex.sides) and ex.kind not in (WorkKind.TIMED, WorkKind.SELF)


def _items(ex: Exercise, side_block: str | None) -> Iterator[tuple[int | None, str | None]]:
    """(rep, side) pairs of one set on one side block."""
    if ex.kind in (WorkKind.TIMED, WorkKind.SELF):
        yield None, side_block
    elif _alternates(ex):
        for rep in range(1, ex.reps + 1):
            for side in ex.sides:
                yield rep, side
    else:
        for rep in range(1, ex.reps + 1):
            yield rep, side_block


def self_paced_estimate(ex: Exercise, tempo: float) -> float:
    """Seconds a self-paced set is counted as: reps x tempo (reps per side when the sides
    alternate inside the set)."""
    per_rep = ex.tempo if ex.tempo else tempo
    sides = len(ex.sides) if ex.alternate and ex.sides else 1
    return ex.reps * sides * per_rep


def open_hold_estimate(ex: Exercise) -> float:
    """Seconds one open-ended hold is counted as: its `expect`, else 30 s."""
    return ex.expect if ex.expect is not None else OPEN_HOLD_ESTIMATE


def _work(
    b: _Builder, *, i: int, ex: Exercise, rep: int | None, set_no: int, side: str | None
) -> None:
    common: dict[str, Any] = {
        "kind": "work",
        "work": ex.kind,
        "exercise_index": i,
        "exercise": ex.name,
        "set": set_no,
        "sets": ex.sets,
        "side": side,
    }
    if ex.kind is WorkKind.PHASED:
        for phase in ex.phases:
            b.add(
                **common,
                label=phase.label,
                rep=rep,
                reps=ex.reps,
                duration=phase.secs,
                phase=phase.label,
                breath=phase.breath,
            )
    elif ex.kind is WorkKind.HOLD:
        assert ex.hold is not None
        b.add(
            **common,
            label=WORK_LABELS[ex.kind],
            rep=rep,
            reps=ex.reps,
            duration=ex.hold,
            pacer=ex.breath,
            cues=_work_cues(ex, ex.hold),
        )
    elif ex.kind is WorkKind.TIMED:
        assert ex.duration is not None
        b.add(
            **common,
            label=WORK_LABELS[ex.kind],
            duration=ex.duration,
            pacer=ex.breath,
            cues=_work_cues(ex, ex.duration),
        )
    elif ex.kind is WorkKind.PACED:
        tempo = ex.tempo if ex.tempo else b.routine.defaults.tempo
        b.add(**common, label=WORK_LABELS[ex.kind], rep=rep, reps=ex.reps, duration=tempo)
    elif ex.kind is WorkKind.SELF:
        b.add(
            **common,
            label=WORK_LABELS[ex.kind],
            reps=ex.reps,
            duration=None,
            estimate=self_paced_estimate(ex, b.routine.defaults.tempo),
        )
    else:  # MAX
        b.add(
            **common,
            label=WORK_LABELS[ex.kind],
            rep=rep,
            reps=ex.reps,
            duration=None,
            estimate=open_hold_estimate(ex),
            pacer=ex.breath,
        )


def _exercise(b: _Builder, i: int, ex: Exercise) -> None:
    blocks: list[str | None] = list(ex.sides) if ex.sides and not _alternates(ex) else [None]
    if ex.kind is WorkKind.SELF and ex.alternate:
        blocks = [None]  # the person alternates inside the self-paced set
    rep_rest = ex.rep_rest if ex.kind in (WorkKind.HOLD, WorkKind.TIMED, WorkKind.MAX) else 0.0
    for set_no in range(1, ex.sets + 1):
        if set_no > 1:
            b.rest(
                ex_index=i,
                ex=ex,
                reason="set",
                seconds=ex.set_rest,
                set_no=set_no,
                side=None,
                pacer=ex.breath,
            )
        for block_no, block in enumerate(blocks):
            if block_no > 0:
                b.rest(
                    ex_index=i,
                    ex=ex,
                    reason="side",
                    seconds=ex.side_rest,
                    set_no=set_no,
                    side=block,
                    pacer=ex.breath,
                )
            for n, (rep, side) in enumerate(_items(ex, block)):
                if n > 0:
                    b.rest(
                        ex_index=i,
                        ex=ex,
                        reason="rep",
                        seconds=rep_rest,
                        set_no=set_no,
                        side=side,
                        pacer=ex.breath,
                    )
                _work(b, i=i, ex=ex, rep=rep, set_no=set_no, side=side)


def compile(routine: Routine) -> Timeline:
    """The routine's timeline (see the module docstring for the rules)."""
    b = _Builder(routine)
    if routine.prepare > 0 and routine.exercises:
        first = routine.exercises[0]
        b.add(
            kind="prepare",
            exercise_index=0,
            exercise=first.name,
            label="Get ready",
            duration=routine.prepare,
            sets=first.sets,
            pacer=routine.defaults.breath,
            cues=_countdown(routine.prepare),
        )
    for i, ex in enumerate(routine.exercises):
        if i > 0:
            prev = routine.exercises[i - 1]
            b.rest(
                ex_index=i - 1,
                ex=prev,
                reason="exercise",
                seconds=prev.rest,
                set_no=prev.sets,
                side=None,
                pacer=routine.defaults.breath,
            )
        _exercise(b, i, ex)
    return Timeline(routine_id=routine.id, name=routine.name, segments=tuple(b.segments))
