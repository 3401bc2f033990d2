"""The plain runner's lines: engine events as the text a person reads (or a script parses),
one line per event worth attention, and the summary at the end."""

from __future__ import annotations

import math

from backtimer.describe import DEFAULT_SIDES, breath_text, side_text, work_text
from backtimer.events import (
    Countdown,
    Event,
    ExerciseFinished,
    ExerciseResult,
    ExerciseSkipped,
    ExerciseStarted,
    Halfway,
    Paused,
    Resumed,
    SegmentStarted,
    SessionFinished,
    SessionStopped,
    Summary,
    WaitingForUser,
)
from backtimer.routine.durations import duration_text, elapsed_clock, human
from backtimer.routine.model import Exercise, Routine, WorkKind
from backtimer.timeline import Segment, Timeline
from backtimer.usecases.keymap import PlainCommands


class Formatter:
    """Turns engine events into the lines the plain runner prints."""

    def __init__(
        self,
        routine: Routine,
        timeline: Timeline,
        *,
        tty: bool,
        auto: bool,
        commands: PlainCommands | None = None,
    ) -> None:
        self.routine = routine
        self.timeline = timeline
        self.tty = tty
        self.auto = auto
        self.commands = commands or PlainCommands()
        self._announced: int | None = None  # exercise announced by a NEXT line

    def header(self) -> list[str]:
        r = self.routine
        count = len(r.exercises)
        total = human(self.timeline.total)
        about = "about " if self.timeline.has_estimates else ""
        lines = [f"{r.name}: {count} exercise{'s' if count != 1 else ''}, {about}{total}"]
        lines += [f"  ! {c}" for c in r.cautions]
        lines.append(self.help())
        return lines

    def help(self) -> str:
        return self.commands.key_help() if self.tty else self.commands.line_help()

    def exercise(self, index: int) -> Exercise | None:
        if 0 <= index < len(self.routine.exercises):
            return self.routine.exercises[index]
        return None

    def intro(self, index: int, at: float, label: str) -> list[str]:
        ex = self.exercise(index)
        if ex is None:
            return []
        self._announced = index
        what = work_text(ex)
        lines = [f"{elapsed_clock(at)} {label}  {ex.name}" + (f"  {what}" if what else "")]
        lines += [f"      {n}. {step}" for n, step in enumerate(ex.steps, 1)]
        if ex.caution:
            lines.append(f"      ! {ex.caution}")
        return lines

    def work(self, seg: Segment) -> str:
        parts = ["WORK", seg.exercise]
        if seg.sets > 1:
            parts.append(f"set {seg.set}/{seg.sets}")
        if seg.side:
            parts.append(side_text(seg.side))  # "left side"; a routine's own label as is
        if seg.rep is not None and seg.reps and seg.reps > 1 and seg.work is not WorkKind.SELF:
            parts.append(f"rep {seg.rep}/{seg.reps}")
        if seg.work is WorkKind.HOLD and seg.duration is not None:
            parts.append(f"hold {duration_text(seg.duration)}")
        elif seg.work is WorkKind.PHASED and seg.duration is not None:
            word = f" ({seg.breath})" if seg.breath else ""
            parts.append(f"{seg.phase} {duration_text(seg.duration)}{word}")
        elif seg.work is WorkKind.SELF:
            reps = seg.reps or 1
            parts.append(f"{reps} rep{'s' if reps != 1 else ''} at your own pace")
            parts.append(self._open_hint("when the set is done"))
        elif seg.work is WorkKind.MAX:
            parts.append("hold as long as you can")
            parts.append(self._open_hint("when you let go"))
        elif seg.duration is not None:
            parts.append(duration_text(seg.duration))
        if seg.pacer is not None:
            parts.append(breath_text(seg.pacer, terse=True))
        return "  ".join(p for p in parts if p)

    def _open_hint(self, when: str) -> str:
        if self.auto:
            return "(skipped: --auto)"
        return f"press Enter {when}" if self.tty else f"send a line {when}"

    def rest(self, seg: Segment) -> str:
        length = duration_text(seg.duration) if seg.duration is not None else ""
        if seg.reason == "side":
            # "SWITCH SIDES" for left/right; a routine's own labels (forwards/backwards)
            # are not sides: "SWITCH  3s  (backwards next)".
            tag = "SWITCH SIDES" if not seg.side or seg.side in DEFAULT_SIDES else "SWITCH"
            text = f"{tag}  {length}"
            return text + (f"  ({side_text(seg.side)} next)" if seg.side else "")
        text = f"REST  {length}"
        if seg.reason == "set":
            text += f"  before set {seg.set}/{seg.sets}"
        if seg.pacer is not None:
            text += f"  {breath_text(seg.pacer, terse=True)}"
        return text

    def lines(self, events: list[Event]) -> list[str]:
        out: list[str] = []
        for ev in events:
            out += self.line(ev)
        return out

    def line(self, ev: Event) -> list[str]:
        if isinstance(ev, SegmentStarted):
            seg = ev.segment
            if seg.kind == "work":
                return [f"{elapsed_clock(ev.at)} {self.work(seg)}"]
            if seg.kind == "prepare":
                first = f"{elapsed_clock(ev.at)} GET READY  {duration_text(seg.estimate)}"
                return [first, *self.intro(seg.exercise_index, ev.at, "NEXT")]
            lines = [f"{elapsed_clock(ev.at)} {self.rest(seg)}"]
            if seg.reason == "exercise":
                lines += self.intro(seg.exercise_index + 1, ev.at, "NEXT")
            return lines
        if isinstance(ev, ExerciseStarted):
            if self._announced == ev.index:
                return []
            return self.intro(ev.index, ev.at, "EXERCISE")
        if isinstance(ev, Countdown):
            return [str(ev.value)]
        if isinstance(ev, Halfway):
            return [f"{elapsed_clock(ev.at)} halfway"]
        if isinstance(ev, WaitingForUser):
            return []
        if isinstance(ev, Paused):
            again = self.commands.resume_hint(self.tty)
            if ev.reason == "suspend":
                return [
                    f"{elapsed_clock(ev.at)} PAUSED  the computer was asleep or this program was "
                    f"stopped for {human(max(1, round(ev.gap)))}; {again}"
                ]
            return [f"{elapsed_clock(ev.at)} PAUSED  {again}"]
        if isinstance(ev, Resumed):
            return [f"{elapsed_clock(ev.at)} RESUMED"]
        if isinstance(ev, ExerciseSkipped):
            return [f"{elapsed_clock(ev.at)} SKIPPED  {ev.result.name}"]
        if isinstance(ev, ExerciseFinished):
            return [f"{elapsed_clock(ev.at)} DONE  {ev.result.name}  {result_text(ev.result)}"]
        if isinstance(ev, SessionFinished):
            return summary_lines(ev.summary)
        if isinstance(ev, SessionStopped):
            lines = [f"{elapsed_clock(ev.at)} STOPPED"]
            if ev.message:
                lines.append(ev.message)
            return lines + summary_lines(ev.summary)
        return []


def result_text(r: ExerciseResult) -> str:
    if r.held_seconds:
        return "held " + ", ".join(human(round(s, 1)) for s in r.held_seconds)
    sides = max(1, r.planned_sides)
    planned = r.planned_reps * r.planned_sets * sides
    unit = "rep" if planned == 1 else "reps"
    text = f"{r.done_reps}/{planned} {unit}"
    if r.planned_sets > 1:
        text += f", {r.done_sets}/{r.planned_sets} sets"
    return text


def summary_lines(s: Summary) -> list[str]:
    status = {
        "completed": "completed",
        "partial": f"finished, {s.done_text}",
        "stopped": "stopped early",
        "pain": "stopped (pain)",
    }
    lines = [
        "",
        f"{s.name}: {status[s.status]} after {human(math.floor(s.total_seconds + 1e-9))}; "
        f"worked {human(round(s.worked_seconds))} of {human(round(s.planned_work_seconds))} planned"
        + (f"; paused {human(round(s.paused_seconds))}" if s.paused_seconds >= 1 else ""),
    ]
    width = max((len(r.name) for r in s.exercises), default=0)
    for r in s.exercises:
        state = "skipped" if r.skipped else result_text(r)
        if r.planned_sides and not r.skipped:
            state += f", {r.done_sides}/{r.planned_sides} sides"
        if round(r.worked_seconds) >= 1 and not r.held_seconds and not r.skipped:
            state += f", {human(round(r.worked_seconds))}"
        lines.append(f"  {r.name.ljust(width)}  {state}")
    return lines
