"""The cue names (the table of when each plays is in cues.py). Read by the [sound] settings
without the engine's events, so reading config.toml stays cheap."""

from __future__ import annotations

CUES: tuple[str, ...] = (
    "tick",
    "go",
    "rest",
    "switch",
    "rep",
    "inhale",
    "exhale",
    "halfway",
    "exercise_done",
    "routine_done",
    "break_due",
)
OFF_BY_DEFAULT = frozenset({"inhale", "exhale"})
