"""`backtimer run [ID|PATH] [--plain] [--auto] [--no-sound] [--voice | --no-voice]`: run a
routine.

Without --plain this opens the full-screen app (backtimer.ui, imported only here and
only then); with --plain, or when the app cannot start, the line-mode runner.
"""

from __future__ import annotations

import argparse
import os
import sys

from backtimer.cli.command import importing
from backtimer.usecases.levels import at_level
from backtimer.usecases.routines import load_routine, need_routine
from backtimer.usecases.settings import settings_with_keys


def handle(args: argparse.Namespace) -> int:
    if not args.plain:
        # TEXTUAL_DRIVER: Textual draws through that driver, not the terminal (`serve`
        # starts the app with textual-serve's web driver, output to a pipe).
        if not sys.stdout.isatty() and not os.environ.get("TEXTUAL_DRIVER"):
            print("backtimer: output is not a terminal; running in plain mode", file=sys.stderr)
        else:
            try:
                with importing():
                    from backtimer.ui.app import launch  # noqa: PLC0415 - Textual only here
            except ImportError as exc:
                print(
                    f"backtimer: the full-screen app cannot start ({exc}); running in plain mode",
                    file=sys.stderr,
                )
            else:
                return launch(
                    args.routine, no_sound=args.no_sound, level=args.level, voice=args.voice
                )
    if args.routine is None:
        raise need_routine("plain mode")
    routine = at_level(load_routine(args.routine), args.level).routine  # progression
    settings = settings_with_keys()
    # only for --plain: the app's first frame does without its ~60 ms of imports (the
    # session, audio and history; min of 9 runs on a loaded 2-core machine)
    from backtimer.cli.plain import run_plain  # noqa: PLC0415

    return run_plain(
        routine, sound=not args.no_sound, auto=args.auto, settings=settings, voice=args.voice
    )
