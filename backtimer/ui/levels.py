"""Progression in the app: a routine starts at the level its history has reached (or at
its base values with `backtimer run --level base`), and the library says where each
growing exercise stands and when it next grows."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from backtimer.cli.levels import at_level

if TYPE_CHECKING:
    from backtimer.routine.model import Routine


def app_level(app: object) -> str:
    """The level the app runs routines at: "current" (default) or "base"."""
    level = getattr(app, "level", "current")
    return level if level in ("current", "base") else "current"


def routine_at_level(routine: Routine, level: str = "current") -> Routine:
    """The routine to run: progressing exercises at their current level (or base values)."""
    if not any(ex.progress for ex in routine.exercises):
        return routine  # nothing grows: the same routine at either level
    return at_level(routine, level).routine


def level_notes(
    routine: Routine, level: str = "current", *, today: date | None = None
) -> tuple[Routine, dict[int, str]]:
    """The routine as it runs at `level`, and for each growing exercise (by index) a line
    such as "hold 15 s (from 10 s, up to 40 s); grows on 2026-12-07 (in 5 days)"."""
    if not any(ex.progress for ex in routine.exercises):
        return routine, {}
    from backtimer.routine.progression import level_text  # noqa: PLC0415

    day = today or date.today()
    current = at_level(routine, "current", today=day)
    notes = {lv.exercise_index: level_text(lv, day) for lv in current.levels}
    if level == "base":
        notes = {i: f"runs at its base values (--level base); your level: {t}"
                 for i, t in notes.items()}  # fmt: skip
        return routine, notes
    return current.routine, notes
