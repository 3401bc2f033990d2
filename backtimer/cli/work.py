"""`backtimer work`: the desk-break work mode, in the app."""

from __future__ import annotations

import argparse

from backtimer.breaks.lock import AlreadyRunning, WorkLock
from backtimer.breaks.scheduler import BreakSettings
from backtimer.breaks.settings import first_delay
from backtimer.cli.command import importing
from backtimer.config import ConfigError
from backtimer.routine import library
from backtimer.routine.errors import RoutineError
from backtimer.usecases.errors import UserError
from backtimer.usecases.settings import Settings

# The options that stand for a [breaks] key, checked exactly like it.
OPTIONS = ("every", "snooze", "hours", "days", "notify")


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
        with importing():
            from backtimer.ui.work_app import launch_work  # noqa: PLC0415 - Textual only here

        return launch_work(settings, no_sound=bool(args.no_sound), first=first, voice=args.voice)
    finally:
        lock.release()
