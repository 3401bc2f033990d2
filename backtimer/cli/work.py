"""`backtimer work`: the desk-break work mode, in the app."""

from __future__ import annotations

import argparse
from typing import Any

from backtimer.breaks.scheduler import BreakSettings
from backtimer.breaks.settings import override, parse_hours
from backtimer.cli.command import add_command
from backtimer.cli.status import configured_breaks
from backtimer.config import ConfigError
from backtimer.routine import library
from backtimer.routine.durations import parse_duration
from backtimer.routine.errors import RoutineError
from backtimer.usecases.errors import UserError


def register(sub: Any) -> None:
    work = add_command(
        sub,
        "work",
        summary="work mode: remind me to take a break every 2 hours and run the office routine",
        description=(
            "Leave this running (e.g. in a tmux pane). It counts down to the next break, "
            "reminds you (sound, bell, notification) and runs the break routine. "
            "Settings: the [breaks] table of config.toml; flags override them."
        ),
        examples=[
            ("backtimer work", ""),
            ("backtimer work --every 90m --routine neck", ""),
            ("backtimer work --hours 08:30-17:00", "only in working hours"),
        ],
    )
    work.add_argument("--no-sound", action="store_true", help="no sounds (the bell still rings)")
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
        "--notify",
        choices=("auto", "notify-send", "osc9", "osc777", "bell", "off"),
        help="how to show the desktop notification",
    )
    work.set_defaults(handler=run_work)


def load_settings(args: argparse.Namespace) -> BreakSettings:
    """BreakSettings from config.toml and the flags. Raises UserError with the field."""
    settings = configured_breaks()
    changes: dict[str, Any] = {}
    for flag in ("every", "snooze"):
        raw = getattr(args, flag, None)
        if raw is None:
            continue
        try:
            changes[flag] = parse_duration(raw)
        except ValueError:
            message = f'--{flag}: expected a duration such as "45m" or "2h", got "{raw}"'
            raise UserError(message, 2) from None
    if getattr(args, "hours", None) is not None:
        try:
            changes["hours"] = parse_hours(args.hours)
        except ValueError:
            raise UserError(
                f'--hours: expected a range such as "09:00-18:00" or "any", got "{args.hours}"', 2
            ) from None
    if getattr(args, "routine", None):
        changes["routines"] = tuple(args.routine)
    if getattr(args, "notify", None):
        changes["notify"] = args.notify
    if "every" in changes and "snooze" not in changes:
        changes["snooze"] = min(settings.snooze, changes["every"])
    try:
        return override(settings, **changes)
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
    settings = load_settings(args)
    check_routines(settings)
    from backtimer.ui.work_app import launch_work  # noqa: PLC0415 - Textual only here

    return launch_work(settings, no_sound=bool(args.no_sound))
