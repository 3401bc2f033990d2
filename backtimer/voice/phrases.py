"""What the voice says and when: built from the routine and its timeline. Pure: no I/O.

| moment                         | phrase (longest first; the first that fits is said)         |
|--------------------------------|-------------------------------------------------------------|
| get ready                      | "Get ready. Neck retraction. Hold three seconds, ten times." |
|                                | / "Get ready. Neck retraction." / "Get ready."              |
| an exercise's first work       | "Neck retraction. Hold three seconds, ten times."           |
|                                | / "Neck retraction."                                         |
| the last set starts            | "Last set."                                                 |
| the last rep starts            | "Last one."                                                 |
| a rest between exercises       | "Rest. Next: Trapezius stretch. Hold three seconds, ..."    |
|                                | / "Rest. Next: Trapezius stretch." / "Next: Trapezius ..."   |
|                                | / "Rest."                                                   |
| a rest between sets            | "Rest. Next: set two of three." / "Rest."                   |
| a side rest                    | "Switch sides." (left / right), else the side's own label:  |
|                                | "Backwards."                                                |
| halfway through a hold         | "Halfway."                                                  |
| 3-2-1 before work (countdown)  | "Three." "Two." "One."                                      |
| breath pacer / phases (breath) | "In." "Out."                                                |
| pause / resume                 | "Paused." / "Go on."                                        |
| the routine is finished        | "Done. Neck set: eight exercises, ten minutes." / "Done."   |

Rests between reps are left to the cues (they come every few seconds).

Fitting: every phrase has a *room*, the seconds from its moment to the next moment that
makes a sound (the next cue point in its segment, or the segment's end). The first variant
whose length fits the room is said; when none fits, the moment keeps its cue. Before a phrase
is rendered its length is estimated (`estimate`, from syllables and pauses at the speaking
rate; it errs long); once rendered, the WAV's own length decides (`Slot.pick`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from backtimer import events as ev
from backtimer.describe import DEFAULT_SIDES, number_words, spoken_duration, spoken_work
from backtimer.routine.model import Routine
from backtimer.timeline import Segment, Timeline

DEFAULT_RATE = 175  # words per minute (espeak-ng's default)

Key = tuple[str | int, ...]

# which phrase is said when several fall on one moment: higher wins
PRIORITY: dict[str, int] = {
    "done": 100,
    "paused": 90,
    "resumed": 90,
    "start": 80,
    "halfway": 50,
    "count": 40,
    "breath": 10,
}

COUNT_WORDS = {3: "Three.", 2: "Two.", 1: "One."}
BREATH_WORDS = {"inhale": "In.", "exhale": "Out."}
PAUSED = "Paused."
RESUMED = "Go on."
DONE = "Done."
HALFWAY = "Halfway."
LAST_REP = "Last one."
LAST_SET = "Last set."
SWITCH = "Switch sides."
REST = "Rest."
MAX_NAME = 80  # characters of an exercise name that are spoken


@dataclass(frozen=True)
class VoiceOptions:
    rate: int = DEFAULT_RATE
    countdown: bool = True  # "Three. Two. One." instead of the ticks before work
    breath: bool = False  # "In." / "Out." for the breath pacer and breath phases


@dataclass(frozen=True)
class Slot:
    """One moment that has something to say."""

    key: Key
    variants: tuple[str, ...]  # longest first
    room: float | None  # seconds until the next sound; None: no limit
    wait: bool = True  # finding another phrase sounding: wait for it (False: leave it out)

    def pick(self, length: Callable[[str], float | None]) -> str | None:
        """The first variant whose length (seconds; None: unknown yet) fits the room."""
        for text in self.variants:
            seconds = length(text)
            if seconds is None:
                continue
            if self.room is None or seconds <= self.room:
                return text
        return None


@dataclass(frozen=True)
class Plan:
    slots: dict[Key, Slot]
    options: VoiceOptions

    def texts(self) -> list[str]:
        """Every variant of every slot, each once, in timeline order."""
        seen: dict[str, None] = {}
        for slot in self.slots.values():
            for text in slot.variants:
                seen.setdefault(text, None)
        return list(seen)

    def estimated(self) -> dict[Key, str | None]:
        """The variant each slot says by the estimate alone (before rendering)."""
        rate = self.options.rate
        return {k: s.pick(lambda t: estimate(t, rate)) for k, s in self.slots.items()}

    def key_for(self, events: Iterable[object]) -> Key | None:
        """The slot to say for one batch of events: of the moments in the batch the latest,
        and at one moment the most important phrase."""
        best: tuple[float, int, Key] | None = None
        for event in events:
            key = _key(event, self.options)
            if key is None or key not in self.slots:
                continue
            at = float(getattr(event, "at", 0.0))
            rank = (at, PRIORITY[str(key[0])], key)
            if best is None or rank[:2] > best[:2]:
                best = rank
        return best[2] if best is not None else None


# ---------------------------------------------------------------- estimating

_WORD = re.compile(r"[A-Za-z]+|\d+")
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_STOP = re.compile(r"[.!?:;](?=\s)")


def estimate(text: str, rate: int = DEFAULT_RATE) -> float:
    """Seconds a speech engine takes to say `text` at `rate` words per minute: letters,
    words, sentence and comma pauses, scaled by the rate. Fitted to espeak-ng over every
    phrase of the built-in routines and then made 25 % longer, so it errs long (the WAV's
    own length decides once rendered; tests/adapters/test_voice_render.py checks the margin)."""
    spelled = _DIGITS.sub(lambda m: number_words(float(m.group())), text)
    words = _WORD.findall(spelled)
    letters = sum(len(w) for w in words)
    stops = len(_STOP.findall(text.strip()))
    commas = text.count(",")
    seconds = 0.14 + 0.067 * letters + 0.043 * len(words) + 0.5 * stops + 0.6 * commas
    return seconds * DEFAULT_RATE / max(rate, 1)


# ---------------------------------------------------------------- building


def clean(text: str) -> str:
    """A name from a routine file as it may be spoken: printable characters only, no
    markup a speech engine could read as commands, at most MAX_NAME characters."""
    kept = "".join(c if c.isprintable() and c not in "<>[]{}\\`|" else " " for c in text)
    kept = " ".join(kept.split())
    if len(kept) > MAX_NAME:
        kept = kept[:MAX_NAME].rsplit(" ", 1)[0]
    return kept.strip(" .,;:-") or "Next exercise"


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def _room(seg: Segment, after: float) -> float:
    """Seconds from `after` (into the segment) to the next cue point or the segment's end."""
    end = seg.duration if seg.duration is not None else seg.estimate
    later = [c.at for c in seg.cues if c.at > after + 1e-9]
    return min([end, *later]) - after


def _side_rest(seg: Segment) -> tuple[str, ...]:
    side = seg.side
    if side is None or side in DEFAULT_SIDES:
        return (SWITCH,)
    return (_sentence(clean(side)), SWITCH)


def _rep_starts(timeline: Timeline) -> set[int]:
    """Indexes of work segments where a rep starts (phases after the first are not)."""
    out: set[int] = set()
    prev: Segment | None = None
    for seg in timeline.segments:
        if seg.kind == "work":
            same = (
                prev is not None
                and prev.kind == "work"
                and prev.exercise_index == seg.exercise_index
                and (prev.rep, prev.set, prev.side) == (seg.rep, seg.set, seg.side)
            )
            if not same:
                out.add(seg.index)
        prev = seg
    return out


def build(routine: Routine, timeline: Timeline, options: VoiceOptions | None = None) -> Plan:
    """The plan of phrases for one session of `routine`."""
    options = options or VoiceOptions()
    exercises = routine.exercises
    names = [clean(ex.name) for ex in exercises]
    hows = [_sentence(spoken_work(ex)) for ex in exercises]
    slots: dict[Key, Slot] = {}

    def add(key: Key, variants: Iterable[str], room: float | None, *, wait: bool = True) -> None:
        kept = tuple(dict.fromkeys(v for v in variants if v))
        if kept:
            slots[key] = Slot(key=key, variants=kept, room=room, wait=wait)

    rep_starts = _rep_starts(timeline)
    first_work: set[int] = set()
    first_of_set: set[int] = set()
    seen_ex: set[int] = set()
    seen_set: set[tuple[int, int]] = set()
    for seg in timeline.segments:
        if seg.kind != "work":
            continue
        if seg.exercise_index not in seen_ex:
            seen_ex.add(seg.exercise_index)
            first_work.add(seg.index)
        if (seg.exercise_index, seg.set) not in seen_set:
            seen_set.add((seg.exercise_index, seg.set))
            first_of_set.add(seg.index)

    for seg in timeline.segments:
        i = seg.exercise_index
        name = _sentence(names[i]) if i < len(names) else ""
        how = hows[i] if i < len(hows) else ""
        room = _room(seg, 0.0)
        key: Key = ("start", seg.index)
        if seg.kind == "prepare":
            add(key, (f"Get ready. {name} {how}", f"Get ready. {name}", "Get ready."), room)
        elif seg.kind == "work":
            if seg.index in first_work:
                add(key, (f"{name} {how}", name), room)
            elif seg.index in first_of_set and seg.set == seg.sets and seg.sets > 1:
                add(key, (LAST_SET,), room)
            elif (
                seg.index in rep_starts
                and seg.rep is not None
                and seg.reps is not None
                and seg.reps > 1
                and seg.rep == seg.reps
            ):
                add(key, (LAST_REP,), room)
        elif seg.reason == "exercise" and i + 1 < len(exercises):
            nxt, nhow = _sentence(names[i + 1]), hows[i + 1]
            variants = (f"Rest. Next: {nxt} {nhow}", f"Rest. Next: {nxt}", f"Next: {nxt}", REST)
            add(key, variants, room)
        elif seg.reason == "set":
            nxt_set = f"Rest. Next: set {number_words(seg.set)} of {number_words(seg.sets)}."
            add(key, (nxt_set, REST), room)
        elif seg.reason == "side":
            add(key, _side_rest(seg), room)
        for cue in seg.cues:
            if cue.name == "halfway":
                add(("halfway", seg.index), (HALFWAY,), _room(seg, cue.at))
            elif (
                cue.name == "tick"
                and options.countdown
                and seg.kind != "work"
                and cue.value in COUNT_WORDS
            ):
                add(
                    ("count", seg.index, cue.value),
                    (COUNT_WORDS[cue.value],),
                    _room(seg, cue.at),
                    wait=False,
                )

    if options.breath:
        for word in BREATH_WORDS.values():
            add(("breath", word), (word,), None, wait=False)
    add(("paused",), (PAUSED,), None)
    add(("resumed",), (RESUMED,), None)
    count = len(exercises)
    about = "about " if timeline.has_estimates else ""
    seconds = timeline.total if timeline.total < 60 else round(timeline.total / 60) * 60
    total = f"{about}{spoken_duration(round(seconds))}"
    summary = (
        f"Done. {_sentence(clean(routine.name))[:-1]}: {number_words(count)} "
        f"exercise{'s' if count != 1 else ''}, {total}."
    )
    add(("done",), (summary, DONE), None)
    add(("done", "short"), (DONE,), None)
    return Plan(slots=slots, options=options)


def for_texts(texts: Iterable[str], options: VoiceOptions | None = None) -> Plan:
    """A plan of phrases said by text, outside a session (`backtimer sound --check`, the
    break reminder): each text is its own slot ("text", TEXT) with no room limit."""
    slots: dict[Key, Slot] = {
        ("text", t): Slot(key=("text", t), variants=(t,), room=None) for t in texts if t
    }
    return Plan(slots=slots, options=options or VoiceOptions())


def break_phrase(routine_name: str, seconds: float) -> str:
    """The break reminder's words: "Time for a break: office chair, three minutes."."""
    name = clean(routine_name)
    name = name[0].lower() + name[1:] if name[:1].isupper() and name[1:2].islower() else name
    if seconds <= 0:
        return f"Time for a break: {name}."
    return f"Time for a break: {name}, {spoken_duration(round(seconds / 60) * 60 or seconds)}."


def _key(event: object, options: VoiceOptions) -> Key | None:
    match event:
        case ev.SegmentStarted(segment=seg):
            return ("start", seg.index)
        case ev.Halfway(segment=seg):
            return ("halfway", seg.index)
        case ev.Countdown(segment=seg, value=value):
            return ("count", seg.index, value)
        case ev.BreathStep(step=step) if options.breath and step in BREATH_WORDS:
            return ("breath", BREATH_WORDS[step])
        case ev.PhaseChanged(breath=word) if options.breath and word in BREATH_WORDS:
            return ("breath", BREATH_WORDS[str(word)])
        case ev.Paused(reason="user"):
            return ("paused",)
        case ev.Resumed():
            return ("resumed",)
        case ev.SessionFinished(summary=summary):
            return ("done", "short") if summary.skipped else ("done",)
    return None
