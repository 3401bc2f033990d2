"""What the session screen shows, computed from the engine at one instant.

Pure (no Textual): the session screen calls `session_view(...)` from its single
clock-driven refresh and only touches widgets whose part of the view changed, so
an idle screen costs one small function call per refresh.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

from backtimer import describe
from backtimer.describe import breath_steps, work_text
from backtimer.routine.durations import clock
from backtimer.routine.model import Breath, Routine, WorkKind
from backtimer.text import visible
from backtimer.timeline import Segment, Timeline

BREATH_STEPS_PER_SECOND = 1  # the breath bar moves once a second, in the countdown's frames
MAX_WAIT = 1.0  # the refresh runs at least this often (the engine wants advance() every few s)
MIN_WAIT = 0.02

STATE_WORDS = {
    "prepare": "GET READY",
    "work": "WORK",
    "rest": "REST",
    "paused": "PAUSED",
    "waiting": "YOUR PACE",
    "finished": "DONE",
}


@dataclass(frozen=True)
class BreathView:
    word: str  # "Inhale" | "Hold" | "Exhale"
    seconds: int  # whole seconds left in this breath step (rounded up)
    fill: float  # 0..1: how full the bar is, in half-second steps


@dataclass(frozen=True)
class SessionView:
    state: str  # prepare | work | rest | paused | waiting | finished
    state_word: str
    exercise: str
    instruction: str  # the big band: "Hold", "Rep 4/10", "Exhale — lift", "Rest"
    detail: str  # "Set 1/2 · Left side"
    clock: str  # "0:05"; counting up for open segments
    counting_up: bool
    small_rest: bool  # a short relaxed rest between reps
    breath: BreathView | None
    next_up: str  # "Next: Trapezius stretch — hold 3 s x 10, alternate sides" or ""
    steps: tuple[str, ...]  # of the exercise the person does now or next
    caution: str
    progress: float  # 0..1 over the routine
    time_left: str  # "4 min 30 s left"


def side_text(side: str | None) -> str:
    """ "Left side", "Right side"; a routine's own label capitalised: "Forwards"."""
    text = describe.side_text(side)
    return text[:1].upper() + text[1:]


def instruction(seg: Segment) -> str:
    if seg.kind == "prepare":
        return "Get ready"
    if seg.kind == "rest":
        return seg.label
    if seg.work is WorkKind.PHASED and seg.phase:
        if seg.breath:
            return f"{seg.breath.capitalize()} — {seg.phase[0].lower()}{seg.phase[1:]}"
        return seg.phase
    if seg.work is WorkKind.PACED and seg.rep and seg.reps and seg.reps > 1:
        return f"Rep {seg.rep}/{seg.reps}"
    if seg.work is WorkKind.SELF:
        return f"{seg.reps} reps at your pace" if seg.reps else "Your pace"
    return seg.label


def band_text(seg: Segment) -> str:
    """The big band: what to do now, with the side when it matters."""
    text = instruction(seg)
    if seg.kind == "work" and seg.side:
        return f"{text} · {side_text(seg.side)}"
    return text


def detail(seg: Segment, timeline: Timeline | None = None) -> str:
    """ "Rep 3/10 · Set 1/2 · Left side". A short rest between reps keeps the count of the
    rep just done, so it stays on screen from one rep to the next."""
    parts: list[str] = []
    counted = seg.kind == "work" and seg.rep and seg.reps and seg.reps > 1
    if counted and seg.work is not WorkKind.PACED:  # paced reps show "Rep 4/10" in the band
        parts.append(f"Rep {seg.rep}/{seg.reps}")
    if seg.kind == "rest" and seg.reason == "rep" and timeline is not None and seg.index > 0:
        done = timeline.segments[seg.index - 1]
        if done.rep and done.reps and done.reps > 1:
            parts.append(f"Rep {done.rep}/{done.reps}")
    if seg.kind != "prepare" and seg.sets > 1:
        parts.append(f"Set {seg.set}/{seg.sets}")
    if seg.side:
        parts.append(side_text(seg.side))
    return " · ".join(parts)


def breath_view(seg: Segment, elapsed: float) -> BreathView | None:
    pacer = seg.pacer
    if pacer is None or pacer.cycle <= 0:
        return None
    t = elapsed % pacer.cycle
    steps = breath_steps(pacer)
    start = 0.0
    word, length = steps[-1]
    for step_word, step_length in steps[:-1]:
        if t < start + step_length:
            word, length = step_word, step_length
            break
        start += step_length
    into = t - start
    left = length - into
    frac = {"inhale": into / length, "hold": 1.0}.get(word, 1.0 - into / length)
    # steps fall on whole and half seconds, so they share frames with the countdown
    levels = _levels(length)
    fill = math.ceil(frac * levels - 1e-9) / levels
    return BreathView(word=word.capitalize(), seconds=max(1, math.ceil(left - 1e-9)), fill=fill)


def _levels(length: float) -> int:
    return max(2, round(length * BREATH_STEPS_PER_SECOND))


def next_up(routine: Routine, timeline: Timeline, seg: Segment) -> str:
    """The line a rest screen shows about what comes next."""
    if seg.kind not in ("rest", "prepare"):
        return ""
    later = timeline.segments[seg.index + 1 :]
    nxt = next((s for s in later if s.kind == "work"), None)
    if nxt is None:
        return ""
    ex = routine.exercises[nxt.exercise_index]
    if seg.kind == "prepare" or seg.reason == "exercise":
        return f"Next: {ex.name} — {work_text(ex)}"
    if seg.reason == "set":
        return f"Next: set {nxt.set}/{nxt.sets} of {ex.name}"
    if seg.reason == "side":
        return f"Next: {side_text(nxt.side).lower()} — {ex.name}"
    side = f", {side_text(nxt.side).lower()}" if nxt.side else ""
    return f"Next: {instruction(nxt).lower()}{side}"


class EngineView(Protocol):
    """What the view reads of the engine (an Engine, or a Preview before it starts)."""

    @property
    def state(self) -> str: ...
    @property
    def segment(self) -> Segment | None: ...
    def remaining(self, now: float) -> float | None: ...
    def elapsed(self, now: float) -> float: ...
    def progress(self, now: float) -> float: ...
    def next_wakeup(self, now: float) -> float | None: ...


class Preview:
    """The engine's answers before it starts: the first segment, in full."""

    state = "ready"

    def __init__(self, timeline: Timeline) -> None:
        self.segment = timeline.segments[0] if timeline.segments else None

    def remaining(self, now: float) -> float | None:
        return self.segment.duration if self.segment is not None else None

    def elapsed(self, now: float) -> float:
        return 0.0

    def progress(self, now: float) -> float:
        return 0.0

    def next_wakeup(self, now: float) -> float | None:
        return None


def session_view(
    routine: Routine,
    timeline: Timeline,
    engine: EngineView,
    now: float,
) -> SessionView:
    """Everything the session screen shows at `now` (monotonic seconds)."""
    seg: Segment | None = engine.segment
    state = str(engine.state)
    if seg is None:
        return SessionView(
            state="finished",
            state_word=STATE_WORDS["finished"],
            exercise=visible(routine.name),
            instruction="Done",
            detail="",
            clock="0:00",
            counting_up=False,
            small_rest=False,
            breath=None,
            next_up="",
            steps=(),
            caution="",
            progress=1.0,
            time_left="",
        )
    remaining = engine.remaining(now)
    elapsed = float(engine.elapsed(now))
    counting_up = remaining is None
    # counting up shows whole seconds held (floor); counting down never shows 0 early (ceil)
    shown = clock(math.floor(elapsed)) if remaining is None else clock(remaining)
    if state == "paused":
        kind = "paused"
    elif state == "waiting" or (counting_up and seg.kind == "work"):
        kind = "waiting"
    else:
        kind = seg.kind
    word = STATE_WORDS.get(kind, kind.upper())
    # the exercise the steps describe: the next one during prepare / exercise rests
    ex_index = seg.exercise_index
    if seg.kind == "rest" and seg.reason == "exercise":
        ex_index = min(ex_index + 1, len(routine.exercises) - 1)
    ex = routine.exercises[ex_index] if routine.exercises else None
    seg_left = float(remaining) if remaining is not None else max(0.0, seg.estimate - elapsed)
    total_left = seg_left + max(0.0, timeline.total - seg.end)
    return SessionView(
        state=kind,
        state_word=word,
        # the routine's text: control characters shown visibly (docs/security.md)
        exercise=visible(ex.name if ex is not None else seg.exercise),
        instruction=visible(band_text(seg)),
        detail=visible(detail(seg, timeline)),
        clock=shown,
        counting_up=counting_up,
        small_rest=seg.kind == "rest" and seg.reason == "rep",
        breath=breath_view(seg, elapsed),
        next_up=visible(next_up(routine, timeline, seg)),
        steps=tuple(visible(step, keep="\n") for step in ex.steps) if ex else (),
        caution=visible(ex.caution or "") if ex else "",
        progress=round(max(0.0, min(1.0, float(engine.progress(now)))), 3),
        time_left=f"{clock(total_left)} left",
    )


def _until_second(value: float) -> float:
    """Seconds until a clock showing ceil(value) for a decreasing value changes."""
    return value - (math.ceil(value - 1e-9) - 1)


def _breath_wait(pacer: Breath, elapsed: float) -> float:
    t = elapsed % pacer.cycle
    for length in (pacer.inhale, pacer.hold, pacer.exhale):
        if t < length:
            break
        t -= length
    else:  # pragma: no cover - float edge at the end of a cycle
        return MIN_WAIT
    left = length - t
    waits = [left, _until_second(left)]
    if length > 0:
        step = length / _levels(length)
        waits.append((math.floor(t / step + 1e-9) + 1) * step - t)
    return min(w for w in waits if w > 1e-6) if any(w > 1e-6 for w in waits) else MIN_WAIT


def next_refresh(engine: EngineView, now: float) -> float:
    """Seconds until the screen has something new to show (a second ticks over, the
    breath bar moves, the engine has a cue or a boundary), at most MAX_WAIT."""
    seg: Segment | None = engine.segment
    if seg is None or engine.state == "paused":
        return MAX_WAIT
    waits = [MAX_WAIT]
    remaining = engine.remaining(now)
    elapsed = float(engine.elapsed(now))
    if remaining is not None:
        waits.append(_until_second(float(remaining)))
    else:
        waits.append(math.floor(elapsed) + 1 - elapsed)
    if seg.pacer is not None and seg.pacer.cycle > 0:
        waits.append(_breath_wait(seg.pacer, elapsed))
    wake = engine.next_wakeup(now)
    if wake is not None:
        waits.append(wake - now)
    return max(MIN_WAIT, min(waits) + 0.005)


def countdown_scale(width: int, height: int) -> int:
    """0 = three-line Digits; 1, 2, 3 = the block font 5, 10, 15 lines tall. A narrow but
    tall screen (a phone held upright, about 41x44 in a browser; a tall tmux pane) has the
    rows for the block font, and its 38 cells fit "12:34" (the Countdown falls back to
    the Digits for a wider "1:00:00")."""
    if width >= 200 and height >= 60:
        return 3
    if width >= 130 and height >= 44:
        return 2
    if (width >= 60 and height >= 22) or (width >= 40 and height >= 30):
        return 1
    return 0


def one_line(text: str, width: int) -> str:
    """A notice as one short line: the reason in brackets goes first when it is long."""
    text = " ".join(text.split())
    if len(text) > width and " (" in text:
        text = text.split(" (", 1)[0]
    return text if len(text) <= width else text[: width - 1] + "…"
