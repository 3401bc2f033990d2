"""`--level current|base` for `show`, `plan` and `run` (the levels: backtimer.usecases.levels)."""

from __future__ import annotations

import argparse

from backtimer.usecases.levels import LEVELS


def add_level_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--level",
        choices=LEVELS,
        default="current",
        help="current: exercises that progress run at the level your history has reached "
        "(default); base: the values written in the routine",
    )
