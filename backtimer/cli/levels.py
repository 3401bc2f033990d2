"""Glue between progression (pure) and the history store, for `show`, `plan`, `run` and the app.

from backtimer.cli.levels import add_level_argument, at_level
add_level_argument(parser)                       # --level current|base
result = at_level(routine, args.level)           # Progression: .routine, .levels
for line in level_lines(result): print(line)     # "Side plank: hold 20 s (...); grows on ..."
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # progression is imported where it is used: `run ID` of a routine
    # that does not grow never needs it before its first frame
    from backtimer.routine.model import Routine
    from backtimer.routine.progression import Progression

LEVELS = ("current", "base")


def add_level_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--level",
        choices=LEVELS,
        default="current",
        help="current: exercises that progress run at the level your history has reached "
        "(default); base: the values written in the routine",
    )


def at_level(routine: Routine, level: str = "current", *, today: date | None = None) -> Progression:
    """The routine at the level the history of its completed sessions has reached (or at its
    base values). A history that cannot be read counts as no history."""
    from backtimer.routine.progression import progress  # noqa: PLC0415

    day = today or date.today()
    if level == "base" or not any(ex.progress for ex in routine.exercises):
        return progress(routine, [], day)
    from backtimer.history.stats import completed_session_dates  # noqa: PLC0415 - lazy

    return progress(routine, completed_session_dates(routine.id), day)


def level_lines(result: Progression, *, today: date | None = None) -> list[str]:
    from backtimer.routine.progression import level_text  # noqa: PLC0415

    day = today or date.today()
    return [f"{lv.exercise}: {level_text(lv, day)}" for lv in result.levels]


def levels_json(result: Progression, *, today: date | None = None) -> list[dict[str, object]]:
    """`plan --json`'s "levels": each growing exercise's base and reached value and when it
    next grows (schema in docs/routines.md)."""
    from backtimer.routine.progression import level_text  # noqa: PLC0415

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
