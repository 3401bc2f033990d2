"""Levels: a routine whose exercises progress runs at the level the history of its
completed sessions has reached (`current`), or at the values written in it (`base`).
Used by `show`, `plan`, `run` and the app."""

from __future__ import annotations

from datetime import date

from backtimer.routine.model import Routine
from backtimer.routine.progression import Progression, level_text, progress

LEVELS = ("current", "base")


def grows(routine: Routine) -> bool:
    """Whether any exercise of the routine progresses over the weeks."""
    return any(ex.progress for ex in routine.exercises)


def at_level(routine: Routine, level: str = "current", *, today: date | None = None) -> Progression:
    """The routine at the level the history of its completed sessions has reached (or at its
    base values). A history that cannot be read counts as no history."""
    day = today or date.today()
    if level == "base" or not grows(routine):
        return progress(routine, [], day)
    # the history (SQLite) is read only for a routine that grows: `backtimer run neck`
    # reaches its first frame, and `show neck` its text, without loading it
    from backtimer.history.stats import completed_session_dates  # noqa: PLC0415

    return progress(routine, completed_session_dates(routine.id), day)


def routine_at_level(routine: Routine, level: str = "current") -> Routine:
    """The routine to run: progressing exercises at their current level (or base values)."""
    if not grows(routine):
        return routine  # nothing grows: the same routine at either level
    return at_level(routine, level).routine


def level_notes(
    routine: Routine, level: str = "current", *, today: date | None = None
) -> tuple[Routine, dict[int, str]]:
    """The routine as it runs at `level`, and for each growing exercise (by index) a line
    such as "hold 15 s (from 10 s, up to 40 s); grows on 2026-12-07 (in 5 days)"."""
    if not grows(routine):
        return routine, {}
    day = today or date.today()
    current = at_level(routine, "current", today=day)
    notes = {lv.exercise_index: level_text(lv, day) for lv in current.levels}
    if level == "base":
        notes = {i: f"runs at its base values (--level base); your level: {t}"
                 for i, t in notes.items()}  # fmt: skip
        return routine, notes
    return current.routine, notes


def levels_json(result: Progression, *, today: date | None = None) -> list[dict[str, object]]:
    """`plan --json`'s "levels": each growing exercise's base and reached value and when it
    next grows (schema in docs/routines.md)."""
    day = today or date.today()
    out: list[dict[str, object]] = []
    for lv in result.levels:
        count = lv.field in ("reps", "sets")
        out.append(
            {
                "exercise": lv.exercise,
                "exercise_index": lv.exercise_index,
                "field": lv.field,
                "base": int(lv.base) if count else lv.base,
                "current": int(lv.current) if count else lv.current,
                "max": int(lv.max) if count else lv.max,
                "at_max": lv.at_max,
                "next_date": lv.next_date.isoformat() if lv.next_date else None,
                "sessions_to_next": lv.sessions_to_next,
                "needs_session": lv.needs_session,
                "text": level_text(lv, day),
            }
        )
    return out
