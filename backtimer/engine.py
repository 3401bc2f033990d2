"""The session engine: an exact countdown state machine over a compiled Timeline.

Pure: it never sleeps, never reads a clock and never imports Textual. The caller passes
the current monotonic time (and, optionally, a sleep-aware reading: CLOCK_BOOTTIME on
Linux, the wall clock elsewhere) and gets back every event that happened since the last
call, in order. The rules are written down in docs/engine.md:

- Deadlines are absolute. Every fixed segment ends at an anchor time + the exact sum of
  the durations since that anchor (summed as fractions, rounded once). An anchor is set at
  the start of the session and wherever the plan changes (skip, back, restart, adjust,
  the end of an open segment). Nothing is counted in ticks, so the last boundary of a long
  session is as exact as the first.
- An event's `at` is the session clock (seconds since the start, paused time excluded) at
  which it was due, not the time advance() happened to be called.
- Suspend: see `Engine.advance`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Literal

from backtimer.events import (
    BreathStep,
    Countdown,
    Event,
    ExerciseFinished,
    ExerciseResult,
    ExerciseSkipped,
    ExerciseStarted,
    Halfway,
    Paused,
    PhaseChanged,
    RepStarted,
    Resumed,
    SegmentEnded,
    SegmentStarted,
    SessionFinished,
    SessionStopped,
    Status,
    Summary,
    WaitingForUser,
)
from backtimer.routine.model import WorkKind
from backtimer.timeline import Segment, Timeline

State = Literal["ready", "running", "paused", "waiting", "finished", "stopped"]

BACK_GRACE = 2.0  # back within this many seconds of a segment's start: previous segment
MIN_LEFT = 1.0  # adjust never leaves less than this (unless less was left already)
SUSPEND_MIN = 5.0  # the sleep-aware clock must run this much ahead to count as a suspend
EPSILON = 1e-9  # an event due within this of `now` is due (float rounding of origin + at)
PAIN_MESSAGE = (
    "Stopped because it hurts. Rest now and do not push through pain. "
    "If the pain stays, comes back or spreads, see a doctor or a physiotherapist "
    "before you exercise again."
)


@dataclass
class _Tally:
    """Planned vs done for one exercise, while the session runs."""

    index: int
    name: str
    planned_reps: int
    planned_sets: int
    planned_sides: int
    planned_seconds: float
    done_reps: int = 0
    done_sets: int = 0
    sides: set[str] = field(default_factory=set)
    worked: float = 0.0
    held: list[float] = field(default_factory=list)
    credited: set[int] = field(default_factory=set)
    skipped: bool = False

    def result(self) -> ExerciseResult:
        return ExerciseResult(
            index=self.index,
            name=self.name,
            planned_reps=self.planned_reps,
            planned_sets=self.planned_sets,
            planned_sides=self.planned_sides,
            planned_seconds=self.planned_seconds,
            done_reps=self.done_reps,
            done_sets=self.done_sets,
            done_sides=len(self.sides),
            worked_seconds=self.worked,
            held_seconds=tuple(self.held),
            skipped=self.skipped,
        )

    def reset(self) -> None:
        self.done_reps = self.done_sets = 0
        self.sides = set()
        self.held = []
        self.credited = set()
        self.skipped = False


def _rep_key(seg: Segment) -> tuple[int, int, str | None, int | None] | None:
    if seg.kind != "work" or seg.work is not WorkKind.PHASED:
        return None
    return (seg.exercise_index, seg.set, seg.side, seg.rep)


def _owner(seg: Segment) -> int | None:
    """The exercise a segment is part of (a rest after an exercise belongs to none)."""
    if seg.kind == "work" or (seg.kind == "rest" and seg.reason != "exercise"):
        return seg.exercise_index
    return None


class Engine:
    """Runs one session over `timeline`. See docs/engine.md and docs/architecture.md.

    `max_gap`: the caller promises to call advance() at least this often while the
    session runs (None: no promise, e.g. tests that jump ahead on purpose).
    """

    def __init__(self, timeline: Timeline, max_gap: float | None = 5.0) -> None:
        self.timeline = timeline
        self.max_gap = max_gap
        segs = timeline.segments
        self._segs = segs
        cum = [Fraction(0)]
        for s in segs:
            cum.append(cum[-1] + Fraction(s.estimate))
        self._cum = cum
        keys = [_rep_key(s) for s in segs]
        self._rep_start = [
            s.kind == "work" and s.rep is not None and (k is None or i == 0 or keys[i - 1] != k)
            for i, (s, k) in enumerate(zip(segs, keys, strict=True))
        ]
        self._rep_end = [
            k is None or i + 1 == len(segs) or keys[i + 1] != k for i, k in enumerate(keys)
        ]
        self._set_end = [False] * len(segs)
        last_of_set: dict[tuple[int, int], int] = {}
        for s in segs:
            if s.kind == "work":
                last_of_set[(s.exercise_index, s.set)] = s.index
        for idx in last_of_set.values():
            self._set_end[idx] = True
        self._tallies: dict[int, _Tally] = {}
        for s in segs:
            if s.kind != "work":
                continue
            t = self._tallies.get(s.exercise_index)
            if t is None:
                t = self._tallies[s.exercise_index] = _Tally(
                    index=s.exercise_index,
                    name=s.exercise,
                    planned_reps=s.reps or 1,
                    planned_sets=s.sets,
                    planned_sides=0,
                    planned_seconds=0.0,
                )
            t.planned_seconds += s.estimate
            if s.side is not None:
                t.sides.add(s.side)
        for t in self._tallies.values():
            t.planned_sides = len(t.sides)
            t.sides = set()

        self._started = False
        self._ended: Status | None = None
        self._end_at = 0.0
        self._final: Summary | None = None
        # The session clock reads `_ref_at` at monotonic `_ref_mono` (set at start and resume).
        self._ref_mono = 0.0
        self._ref_at = 0.0
        self._high = 0.0  # the latest `at` handed out: control events never go before it
        self._paused = False
        self._paused_at = 0.0  # session clock while paused
        self._pause_mono = 0.0  # monotonic time the pause began
        self._paused_total = 0.0
        self._last_now: float | None = None
        self._boot_ref: tuple[float, float] | None = None  # (monotonic, boot), last reading
        self._i = -1
        self._anchor_idx = 0
        self._anchor_at = 0.0
        self._seg_start = 0.0
        self._seg_end: float | None = None
        self._cues: list[tuple[float, Literal["tick", "halfway"], int]] = []
        self._cue_pos = 0
        self._breath: list[tuple[float, Literal["inhale", "hold", "exhale"], float]] = []
        self._breath_cycle = 0.0
        self._breath_j = 0
        self._active: int | None = None

    # ----------------------------------------------------------------- reading
    @property
    def state(self) -> State:
        if self._ended == "completed":
            return "finished"
        if self._ended is not None:
            return "stopped"
        if not self._started:
            return "ready"
        if self._paused:
            return "paused"
        return "waiting" if self.segment is not None and self.segment.is_open else "running"

    @property
    def segment(self) -> Segment | None:
        if not self._started or self._ended is not None or self._i < 0:
            return None
        return self._segs[self._i]

    @property
    def index(self) -> int:
        """Index of the current segment (-1 before the start)."""
        return self._i

    @property
    def paused_seconds(self) -> float:
        return self._paused_total

    def session_elapsed(self, now: float) -> float:
        if not self._started:
            return 0.0
        if self._ended is not None:
            return self._end_at
        return self._clock(now)

    def elapsed(self, now: float) -> float:
        if self.segment is None:
            return 0.0
        return max(0.0, self._clock(now) - self._seg_start)

    def remaining(self, now: float) -> float | None:
        if self.segment is None or self._seg_end is None:
            return None
        return max(0.0, self._seg_end - self._clock(now))

    def progress(self, now: float) -> float:
        total = self.timeline.total
        if self._ended == "completed" or total <= 0:
            return 1.0 if self._ended == "completed" else 0.0
        seg = self.segment
        if seg is None:
            return 0.0
        done = seg.start + min(self.elapsed(now), seg.estimate)
        return max(0.0, min(1.0, done / total))

    def next_wakeup(self, now: float) -> float | None:
        """The monotonic time of the next thing that will happen, or None (paused, waiting
        for the person with nothing else due, or over). May lie in the past when overdue."""
        if self.segment is None or self._paused:
            return None
        due = self._next_item()
        times = [t for t in (due[0] if due else None, self._seg_end) if t is not None]
        if not times:
            return None
        return self._ref_mono + (min(times) - self._ref_at)

    @property
    def summary(self) -> Summary:
        """The final summary once the session is over; before that, the summary so far
        (status "stopped": what it would be if the session ended now)."""
        if self._final is not None:
            return self._final
        return self._summary("stopped", self._clock_or_end())

    # ----------------------------------------------------------------- driving
    def start(self, now: float, boot: float | None = None) -> list[Event]:
        if self._started:
            return self.advance(now, boot)
        self._started = True
        self._ref_mono, self._ref_at = now, 0.0
        self._note_time(now, boot)
        events: list[Event] = []
        if not self._segs:
            self._finish(0.0, events)
            return events
        self._enter(0, 0.0, events, anchor=True)
        self._run_until(0.0, events)
        return events

    def advance(self, now: float, boot: float | None = None) -> list[Event]:
        """Everything due up to `now`, in order.

        Suspend rule: while the session runs, if the sleep-aware clock moved more than
        max(5 s, max_gap) further than the monotonic clock since the last reading (the
        machine slept and monotonic time stood still), or the monotonic clock moved more
        than `max_gap` since the last call (the process was stopped, or the caller broke
        its promise to call often enough), the engine pauses itself at the last call: the
        session clock stops where it was last seen, nothing in the gap is emitted, and
        Paused(reason="suspend", gap=...) reports how long the gap was.
        """
        events: list[Event] = []
        if not self._started or self._ended is not None:
            self._note_time(now, boot)
            return events
        if not self._paused:
            gap = self._gap(now, boot)
            if gap is not None and self._last_now is not None:
                at = self._at(self._last_now)
                self._paused = True
                self._paused_at = at
                self._pause_mono = self._last_now
                self._note_time(now, boot)
                events.append(Paused(at=at, reason="suspend", gap=gap))
                return events
        self._note_time(now, boot)
        if not self._paused:
            self._run_until(self._clock(now), events)
        return events

    # ----------------------------------------------------------------- controls
    def pause(self, now: float) -> list[Event]:
        events = self.advance(now)
        if self.segment is not None and not self._paused:
            at = self._at(now)
            self._paused = True
            self._paused_at = at
            self._pause_mono = now
            events.append(Paused(at=at, reason="user"))
        return events

    def resume(self, now: float) -> list[Event]:
        events = self.advance(now)
        if self.segment is not None and self._paused:
            self._paused = False
            self._paused_total += max(0.0, now - self._pause_mono)
            self._ref_mono, self._ref_at = now, self._paused_at
            events.append(Resumed(at=self._paused_at))
        return events

    def toggle_pause(self, now: float) -> list[Event]:
        return self.resume(now) if self._paused else self.pause(now)

    def skip(self, now: float) -> list[Event]:
        """End the current segment now and go on to the next one."""
        events = self.advance(now)
        if self.segment is None:
            return events
        at = self._at(now)
        self._leave(at, events, skipped=True)
        self._go(self._i + 1, at, events)
        self._settle(at, events)
        return events

    def skip_exercise(self, now: float) -> list[Event]:
        """Skip the exercise being done, or the one coming up (from prepare or the rest
        before it): go on to what follows its last work segment."""
        events = self.advance(now)
        seg = self.segment
        if seg is None:
            return events
        at = self._at(now)
        target = self._about(seg)
        last = max(s.index for s in self._segs if s.kind == "work" and s.exercise_index == target)
        self._leave(at, events, skipped=True)
        tally = self._tallies[target]
        tally.skipped = True
        if self._active == target:
            self._active = None
        events.append(ExerciseSkipped(at=at, result=tally.result()))
        self._go(max(last, self._i) + 1, at, events)
        self._settle(at, events)
        return events

    def back(self, now: float) -> list[Event]:
        """To the start of this segment, or of the previous one within the first 2 s."""
        events = self.advance(now)
        if self.segment is None:
            return events
        at = self._at(now)
        target = self._i - 1 if self._i > 0 and at - self._seg_start < BACK_GRACE else self._i
        self._leave(at, events, skipped=True)
        self._enter(target, at, events, anchor=True, quiet=True)
        self._settle(at, events)
        return events

    def restart_exercise(self, now: float) -> list[Event]:
        """Back to the first work segment of this exercise (the one just done, in the rest
        after it). Its reps, sets and holds start from zero again; the seconds already
        worked stay worked."""
        events = self.advance(now)
        seg = self.segment
        if seg is None:
            return events
        at = self._at(now)
        target = seg.exercise_index
        first = min(s.index for s in self._segs if s.kind == "work" and s.exercise_index == target)
        self._leave(at, events, skipped=True)
        self._tallies[target].reset()
        if self._active == target:
            self._active = None
        self._enter(first, at, events, anchor=True, quiet=True)
        self._settle(at, events)
        return events

    def adjust(self, now: float, delta: float) -> list[Event]:
        """Add (or with a negative delta remove) time on the current fixed segment; never
        leaves less than 1 s (a segment that had less keeps what it had)."""
        events = self.advance(now)
        if self.segment is None or self._seg_end is None:
            return events
        at = self._at(now)
        left = self._seg_end - at
        end = self._seg_end + delta if left + delta >= MIN_LEFT else at + min(left, MIN_LEFT)
        self._seg_end = end
        self._anchor_idx, self._anchor_at = self._i + 1, end
        self._load_cues(after=at)
        return events

    def done(self, now: float) -> list[Event]:
        """End an open segment (a self-paced set, an open-ended hold) as done."""
        events = self.advance(now)
        if self.segment is None or self._seg_end is not None:
            return events
        at = self._at(now)
        self._leave(at, events, skipped=False)
        self._go(self._i + 1, at, events)
        self._settle(at, events)
        return events

    def stop(self, now: float) -> list[Event]:
        return self._stop(now, "stopped", "")

    def pain(self, now: float) -> list[Event]:
        return self._stop(now, "pain", PAIN_MESSAGE)

    # ----------------------------------------------------------------- internals
    def _clock(self, now: float) -> float:
        return self._paused_at if self._paused else self._ref_at + (now - self._ref_mono)

    def _at(self, now: float) -> float:
        """The session clock for a control at `now`, never before an event already out."""
        self._high = max(self._clock(now), self._high)
        return self._high

    def _clock_or_end(self) -> float:
        if self._ended is not None:
            return self._end_at
        if self._last_now is None:
            return 0.0
        return self._clock(self._last_now)

    def _note_time(self, now: float, boot: float | None) -> None:
        self._last_now = now
        if boot is not None:
            self._boot_ref = (now, boot)

    def _gap(self, now: float, boot: float | None) -> float | None:
        if self._last_now is None:
            return None
        moved = now - self._last_now
        if self.max_gap is not None and moved > self.max_gap:
            return moved
        if boot is not None and self._boot_ref is not None:
            ref_now, ref_boot = self._boot_ref
            slept = (boot - ref_boot) - (now - ref_now)
            if slept > max(SUSPEND_MIN, self.max_gap or 0.0):
                return boot - ref_boot
        return None

    def _about(self, seg: Segment) -> int:
        """The exercise a control such as skip-exercise means: the one being done, or the
        one coming up when resting before it."""
        if seg.kind == "rest" and seg.reason == "exercise":
            return min(seg.exercise_index + 1, max(self._tallies))
        return seg.exercise_index

    def _stop(self, now: float, status: Status, message: str) -> list[Event]:
        events = self.advance(now)
        if self._ended is not None:
            return events
        if not self._started:
            self._started = True
            self._ref_mono, self._ref_at = now, 0.0
        at = self._at(now)
        if self._paused:
            self._paused_total += max(0.0, now - self._pause_mono)
            self._paused = False
        if self.segment is not None:
            self._leave(at, events, skipped=True)
        self._active = None
        self._ended = status
        self._end_at = at
        self._final = self._summary(status, at)
        events.append(SessionStopped(at=at, summary=self._final, message=message))
        return events

    def _summary(self, status: Status, at: float) -> Summary:
        results = tuple(self._tallies[k].result() for k in sorted(self._tallies))
        return Summary(
            routine_id=self.timeline.routine_id,
            name=self.timeline.name,
            status=status,
            total_seconds=at,
            paused_seconds=self._paused_total,
            worked_seconds=sum(r.worked_seconds for r in results),
            planned_work_seconds=self.timeline.work_total,
            exercises=results,
        )

    def _settle(self, at: float, events: list[Event]) -> None:
        if not self._paused:
            self._run_until(at, events)

    def _run_until(self, now_at: float, events: list[Event]) -> None:
        limit = now_at + EPSILON
        while self.segment is not None:
            item = self._next_item()
            end = self._seg_end
            if item is not None and item[0] <= limit and (end is None or item[0] < end):
                self._high = max(self._high, item[0])
                events.append(item[1])
                self._pop_item(item)
                continue
            if end is not None and end <= limit:
                self._high = max(self._high, end)
                self._leave(end, events, skipped=False)
                self._go(self._i + 1, end, events, anchor=False)
                continue
            break

    def _next_item(self) -> tuple[float, Event, str] | None:
        """The next cue or breath step of the current segment: (at, event, source)."""
        seg = self._segs[self._i]
        best: tuple[float, Event, str] | None = None
        if self._breath:
            n = len(self._breath)
            cycles, k = divmod(self._breath_j, n)
            offset, step, secs = self._breath[k]
            at = self._seg_start + cycles * self._breath_cycle + offset
            if self._seg_end is None or at < self._seg_end:
                best = (at, BreathStep(at=at, step=step, seconds=secs, segment=seg), "breath")
        if self._cue_pos < len(self._cues):
            at, name, value = self._cues[self._cue_pos]
            if best is None or at < best[0]:
                cue: Event = (
                    Countdown(at=at, segment=seg, value=value)
                    if name == "tick"
                    else Halfway(at=at, segment=seg)
                )
                best = (at, cue, "cue")
        return best

    def _pop_item(self, item: tuple[float, Event, str]) -> None:
        if item[2] == "breath":
            self._breath_j += 1
        else:
            self._cue_pos += 1

    def _load_cues(self, after: float | None = None) -> None:
        seg = self._segs[self._i]
        end = self._seg_end
        cues: list[tuple[float, Literal["tick", "halfway"], int]] = []
        if end is not None:
            for cue in seg.cues:
                if cue.name == "tick" and cue.value is not None:
                    cues.append((end - cue.value, "tick", cue.value))
                elif cue.name == "halfway":
                    cues.append((self._seg_start + (end - self._seg_start) / 2, "halfway", 0))
        cues.sort(key=lambda c: (c[0], -c[2]))
        if after is not None:
            cues = [c for c in cues if c[0] > after]
        self._cues, self._cue_pos = cues, 0

    def _leave(self, at: float, events: list[Event], *, skipped: bool) -> None:
        """The current segment ends at `at`: SegmentEnded and the exercise's tally."""
        seg = self._segs[self._i]
        events.append(SegmentEnded(at=at, segment=seg, skipped=skipped))
        if seg.kind != "work":
            return
        tally = self._tallies[seg.exercise_index]
        tally.worked += max(0.0, at - self._seg_start)
        if skipped or seg.index in tally.credited:
            return
        tally.credited.add(seg.index)
        if seg.work is WorkKind.MAX:
            tally.held.append(at - self._seg_start)
        if seg.work is WorkKind.SELF:
            tally.done_reps += seg.reps or 1
        elif self._rep_end[seg.index]:
            tally.done_reps += 1
        if self._set_end[seg.index]:
            tally.done_sets += 1
        if seg.side is not None:
            tally.sides.add(seg.side)

    def _go(self, idx: int, at: float, events: list[Event], *, anchor: bool = True) -> None:
        if idx >= len(self._segs):
            self._finish(at, events)
        else:
            self._enter(idx, at, events, anchor=anchor)

    def _enter(
        self, idx: int, at: float, events: list[Event], *, anchor: bool, quiet: bool = False
    ) -> None:
        seg = self._segs[idx]
        owner = _owner(seg)
        if self._active is not None and owner != self._active:
            self._close(at, events, quiet=quiet)
        if seg.kind == "work" and self._active != seg.exercise_index:
            self._active = seg.exercise_index
            self._tallies[seg.exercise_index].skipped = False
            events.append(ExerciseStarted(at=at, index=seg.exercise_index, name=seg.exercise))
        self._i = idx
        if anchor:
            self._anchor_idx, self._anchor_at = idx, at
        self._seg_start = at
        if seg.duration is None:
            self._seg_end = None
        elif anchor:
            self._seg_end = at + seg.duration
        else:
            span = self._cum[idx + 1] - self._cum[self._anchor_idx]
            self._seg_end = self._anchor_at + float(span)
        events.append(SegmentStarted(at=at, segment=seg))
        if self._rep_start[idx]:
            events.append(RepStarted(at=at, segment=seg))
        if seg.phase is not None:
            events.append(PhaseChanged(at=at, segment=seg, label=seg.phase, breath=seg.breath))
        if seg.is_open:
            mode: Literal["self", "max"] = "self" if seg.work is WorkKind.SELF else "max"
            events.append(WaitingForUser(at=at, segment=seg, mode=mode))
        self._load_cues()
        self._breath, self._breath_j, self._breath_cycle = [], 0, 0.0
        if seg.pacer is not None and seg.pacer.cycle > 0:
            offset = 0.0
            p = seg.pacer
            steps: tuple[tuple[Literal["inhale", "hold", "exhale"], float], ...] = (
                ("inhale", p.inhale),
                ("hold", p.hold),
                ("exhale", p.exhale),
            )
            for step, secs in steps:
                if secs > 0:
                    self._breath.append((offset, step, secs))
                    offset += secs
            self._breath_cycle = p.cycle

    def _close(self, at: float, events: list[Event], *, quiet: bool = False) -> None:
        if self._active is None:
            return
        tally = self._tallies[self._active]
        self._active = None
        if quiet:
            return
        if tally.done_reps == 0 and tally.done_sets == 0 and not tally.credited:
            tally.skipped = True
            events.append(ExerciseSkipped(at=at, result=tally.result()))
        else:
            events.append(ExerciseFinished(at=at, result=tally.result()))

    def _finish(self, at: float, events: list[Event]) -> None:
        self._close(at, events)
        self._ended = "completed"
        self._end_at = at
        final = self._summary("completed", at)
        if not final.all_done:  # ran to its end, but not every exercise was done
            final = replace(final, status="partial")
        self._final = final
        events.append(SessionFinished(at=at, summary=self._final))
