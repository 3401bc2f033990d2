"""`backtimer work`: the desk-break work mode, in the app."""

from __future__ import annotations

import argparse

from backtimer.breaks.lock import AlreadyRunning, WorkLock
from backtimer.breaks.model import NOTIFY_CHOICES
from backtimer.breaks.scheduler import BreakSettings
from backtimer.breaks.settings import first_delay
from backtimer.cli.command import add_command
from backtimer.config import ConfigError
from backtimer.routine import library
from backtimer.routine.errors import RoutineError
from backtimer.usecases.errors import UserError
from backtimer.usecases.settings import Settings

# The options that stand for a [breaks] key, checked exactly like it.
OPTIONS = ("every", "snooze", "hours", "days", "notify")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    work = add_command(
        sub,
        "work",
        summary="work mode: remind me to take a break every 2 hours and run the office routine",
        description=(
            "Leave this running (e.g. in a tmux pane). It counts down to the next break, "
            "reminds you (sound, bell, notification) and runs the break routine. It sees when "
            "you are away or in a meeting, and counts routines run anywhere as breaks. "
            "Settings: the [breaks] table of config.toml; options override them and are "
            "checked like them. One work mode runs per data folder."
        ),
        examples=[
            ("backtimer work --first 30s --hours any --days mon-sun", "try it in a minute"),
            ("backtimer work", ""),
            ("backtimer work --every 90m --routine neck", ""),
            ("backtimer work --hours 08:30-17:00 --days mon-fri", "only in working hours"),
            ("backtimer work --check-idle", "which away and meeting sources work here"),
        ],
    )
    work.add_argument("--no-sound", action="store_true", help="no sounds (the bell still rings)")
    work.add_argument(
        "--voice",
        action=argparse.BooleanOptionalAction,
        default=None,
        help='say the reminder ("Time for a break: office chair, three minutes") and speak '
        "during the break routine; --no-voice: cues only (default: [voice] enabled)",
    )
    work.add_argument("--every", metavar="DURATION", help='time between breaks, "10m".."4h"')
    work.add_argument("--snooze", metavar="DURATION", help='snooze length (default "10m")')
    work.add_argument(
        "--routine",
        metavar="ID",
        action="append",
        help="routine to offer (repeat for a rotation; default: office-chair, neck)",
    )
    work.add_argument("--hours", metavar="HH:MM-HH:MM", help='working hours, or "any"')
    work.add_argument(
        "--days", metavar="DAYS", help='working days: "mon-fri", "mon,wed,fri" or "every day"'
    )
    work.add_argument(
        "--first",
        metavar="DURATION",
        help='the first break after this long ("30s" to try it), then the usual interval',
    )
    work.add_argument("--notify", metavar="HOW", help=", ".join(NOTIFY_CHOICES))
    work.add_argument(
        "--check-idle",
        action="store_true",
        help="print which away and meeting sources answer on this desktop, and exit",
    )
    work.set_defaults(handler=run_work)


def load_settings(args: argparse.Namespace) -> BreakSettings:
    """BreakSettings from config.toml and the options, each option checked exactly like
    its config key. Raises UserError naming the field or the option."""
    # the raw text as typed (None: not given)
    options: dict[str, object] = {key: getattr(args, key, None) for key in OPTIONS}
    if getattr(args, "routine", None):
        options["routines"] = list(args.routine)
    try:
        return Settings.load().breaks_with(options)
    except ConfigError as exc:
        raise UserError(str(exc), 2) from None


def check_routines(settings: BreakSettings) -> None:
    """Every routine to offer exists and loads; else a UserError naming it."""
    for ref in settings.routines:
        try:
            library.load(ref)
        except LookupError as exc:
            raise UserError(f"[breaks] routines: {exc.args[0] if exc.args else exc}", 2) from None
        except RoutineError as exc:
            raise UserError(f"[breaks] routines: {ref}: {exc}", 2) from None


def run_work(args: argparse.Namespace) -> int:
    if getattr(args, "check_idle", False):
        from backtimer.breaks.check import check_idle  # noqa: PLC0415 - D-Bus only here
        from backtimer.breaks.clock import reading  # noqa: PLC0415

        print(check_idle(reading()))
        return 0
    settings = load_settings(args)
    first = None
    if args.first is not None:
        try:
            first = first_delay(args.first, settings)
        except ConfigError as exc:
            raise UserError(str(exc), 2) from None
    check_routines(settings)
    lock = WorkLock()
    try:
        lock.acquire()
    except AlreadyRunning as exc:
        raise UserError(str(exc), 1) from None
    except OSError as exc:
        raise UserError(f"work mode: cannot lock {lock.path}: {exc.strerror or exc}", 1) from None
    try:
        from backtimer.ui.work_app import launch_work  # noqa: PLC0415 - Textual only here

        return launch_work(settings, no_sound=bool(args.no_sound), first=first, voice=args.voice)
    finally:
        lock.release()
