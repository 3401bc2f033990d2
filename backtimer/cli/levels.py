"""Glue between progression (pure) and the history store, for `show`, `plan`, `run` and the app.

from backtimer.cli.levels import add_level_argument, at_level
add_level_argument(parser)                       # --level current|base
result = at_level(routine, args.level)           # Progression: .routine, .levels
for line in level_lines(result): print(line)     # "Side plank: hold 20 s (...); grows on ..."
"""

from __future__ import annotations

import argparse
from datetime import date

from backtimer.routine.model import Routine
from backtimer.routine.progression import Progression, level_text, progress

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
    day = today or date.today()
    if level == "base" or not any(ex.progress for ex in routine.exercises):
        return progress(routine, [], day)
    from backtimer.history.stats import completed_session_dates  # noqa: PLC0415 - lazy

    return progress(routine, completed_session_dates(routine.id), day)


def level_lines(result: Progression, *, today: date | None = None) -> list[str]:
    day = today or date.today()
    return [f"{lv.exercise}: {level_text(lv, day)}" for lv in result.levels]
