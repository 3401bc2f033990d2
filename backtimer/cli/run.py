"""`backtimer run [ID|PATH] [--plain] [--auto] [--no-sound]`: run a routine.

Without --plain this opens the full-screen app (backtimer.ui, imported only here and
only then); with --plain, or when the app cannot start, the line-mode runner.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from backtimer.cli.command import add_command
from backtimer.cli.levels import add_level_argument
from backtimer.usecases.levels import at_level
from backtimer.usecases.routines import load_routine, need_routine
from backtimer.usecases.settings import settings_with_keys


def register(sub: Any) -> None:
    p = add_command(
        sub,
        "run",
        summary="run a routine (the full-screen app, or --plain for lines of text)",
        description=(
            "Run a routine by id (see `backtimer list`) or by path to a .toml file. Without a "
            "routine, the app opens on the library."
        ),
        examples=[
            ("backtimer run", "the library: pick a routine"),
            ("backtimer run neck", ""),
            ("backtimer run office-chair --plain", "lines of text, for SSH and screen readers"),
        ],
    )
    p.add_argument("routine", nargs="?", metavar="ID|PATH", help="routine id or .toml file")
    p.add_argument(
        "--plain",
        action="store_true",
        help="no full-screen app: one line per event, for screen readers, SSH and scripts",
    )
    p.add_argument(
        "--auto",
        action="store_true",
        help="with --plain: skip self-paced sets and open-ended holds instead of waiting",
    )
    p.add_argument("--no-sound", action="store_true", help="no cue sounds")
    add_level_argument(p)
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    if not args.plain:
        # TEXTUAL_DRIVER: Textual draws through that driver, not the terminal (`serve`
        # starts the app with textual-serve's web driver, output to a pipe).
        if not sys.stdout.isatty() and not os.environ.get("TEXTUAL_DRIVER"):
            print("backtimer: output is not a terminal; running in plain mode", file=sys.stderr)
        else:
            try:
                from backtimer.ui.app import launch  # noqa: PLC0415 - Textual only here
            except ImportError as exc:
                print(
                    f"backtimer: the full-screen app cannot start ({exc}); running in plain mode",
                    file=sys.stderr,
                )
            else:
                return launch(args.routine, no_sound=args.no_sound, level=args.level)
    if args.routine is None:
        raise need_routine("plain mode")
    routine = at_level(load_routine(args.routine), args.level).routine  # progression
    settings = settings_with_keys()
    from backtimer.cli.plain import run_plain  # noqa: PLC0415

    return run_plain(routine, sound=not args.no_sound, auto=args.auto, settings=settings)
