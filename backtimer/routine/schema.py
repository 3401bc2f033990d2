"""The routine format's fields: one source of truth for the loader's key checks,
the JSON Schema (docs/routine.schema.json) and the template's comments."""

from __future__ import annotations

from dataclasses import dataclass

from backtimer.routine.limits import MAX_REPS, MAX_SETS


@dataclass(frozen=True)
class Field:
    """One key of a table. `type` is one of the names in TYPES."""

    type: str
    doc: str
    required: bool = False
    maximum: int | None = None  # counts only


TYPES = (
    "text",  # a non-empty string
    "texts",  # a list of strings
    "place",  # one of model.PLACES
    "work",  # a duration > 0
    "rest",  # a duration >= 0
    "hold",  # a duration > 0 or "max"
    "tempo",  # a duration > 0 or "self"
    "count",  # a whole number >= 1
    "sides",  # "both", "alternate" or a list of labels
    "breath",  # a breath table or false
    "breath_word",  # inhale | exhale | hold
    "phases",  # a list of phase tables
    "progress",  # a progress table
    "step",  # "+5s", "+2", 5
    "every",  # "1w", "3d", "3 sessions"
    "limit",  # a duration or a whole number (progress max)
)

ROUTINE: dict[str, Field] = {
    "name": Field("text", "The routine's name, shown in the library.", required=True),
    "description": Field("text", "One or two sentences about the routine."),
    "tags": Field("texts", 'Words to find it by, e.g. ["neck", "office"].'),
    "place": Field("place", "Where it is done: chair, standing, floor, anywhere or gym."),
    "equipment": Field("texts", 'What it needs, e.g. ["fitball"]; [] for nothing.'),
    "cautions": Field("texts", "Warnings shown before the routine starts."),
}

DEFAULTS: dict[str, Field] = {
    "prepare": Field("rest", "Get-ready countdown before the first exercise (0 = none)."),
    "rest": Field("rest", "Rest between exercises."),
    "rep_rest": Field("rest", "Relax between the reps of held or timed reps."),
    "set_rest": Field("rest", "Rest between sets."),
    "side_rest": Field("rest", "Switch-sides pause."),
    "tempo": Field("work", "Length of one paced rep (reps without hold, duration or phases)."),
    "breath": Field("breath", "Breath pacer during holds, timed work and rests; false = off."),
}

EXERCISE: dict[str, Field] = {
    "name": Field("text", "The exercise's name.", required=True),
    "steps": Field("texts", "How to do it, in short imperative sentences."),
    "caution": Field("text", "A warning shown on the rest screen before it."),
    "hold": Field("hold", 'Each rep is a hold this long; "max" = hold as long as you can.'),
    "expect": Field(
        "work", 'With hold = "max": how long a hold usually lasts, for estimates, e.g. "3m".'
    ),
    "duration": Field("work", "One continuous timed block (no reps)."),
    "phases": Field("phases", "Each rep runs through these phases."),
    "tempo": Field("tempo", 'Seconds per paced rep; "self" = you say when the set is done.'),
    "reps": Field("count", "Repetitions (per side when sides alternate).", maximum=MAX_REPS),
    "sets": Field("count", "Sets.", maximum=MAX_SETS),
    "sides": Field("sides", '"both", "alternate" or a list of labels.'),
    "rest": Field("rest", "Rest after this exercise (overrides defaults.rest)."),
    "rep_rest": Field("rest", "Relax between reps (overrides defaults.rep_rest)."),
    "set_rest": Field("rest", "Rest between sets (overrides defaults.set_rest)."),
    "side_rest": Field("rest", "Switch-sides pause (overrides defaults.side_rest)."),
    "breath": Field("breath", "Breath pacer (overrides defaults.breath); false = off."),
    "progress": Field(
        "progress", 'How it grows, e.g. { hold = "+5s", every = "1w", max = "40s" }.'
    ),
}

PHASE: dict[str, Field] = {
    "label": Field("text", 'What to do in this phase, e.g. "Drop the knees".', required=True),
    "secs": Field("work", "How long the phase lasts.", required=True),
    "breath": Field("breath_word", "inhale, exhale or hold."),
}

BREATH: dict[str, Field] = {
    "inhale": Field("work", "Breathe in for this long.", required=True),
    "hold": Field("work", "Hold the breath for this long (optional)."),
    "exhale": Field("work", "Breathe out for this long.", required=True),
}

# Exactly one of hold / duration / reps / sets, plus every and max.
PROGRESS: dict[str, Field] = {
    "hold": Field("step", 'Grow the hold by this much, e.g. "+5s".'),
    "duration": Field("step", 'Grow the duration by this much, e.g. "+10s".'),
    "reps": Field("step", 'Add this many reps, e.g. "+2".'),
    "sets": Field("step", 'Add this many sets, e.g. "+1".'),
    "every": Field("every", 'How often: "3d", "1w" or "3 sessions".', required=True),
    "max": Field("limit", "Stop growing at this value.", required=True),
}
PROGRESS_FIELDS = ("hold", "duration", "reps", "sets")

TABLES: dict[str, dict[str, Field]] = {
    "routine": ROUTINE,
    "defaults": DEFAULTS,
    "exercise": EXERCISE,
    "phase": PHASE,
    "breath": BREATH,
    "progress": PROGRESS,
}
TOP_LEVEL = ("routine", "defaults", "exercise")
