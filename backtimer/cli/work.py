# ruff: noqa: PLC0415  (lazy imports keep `backtimer status` fast)
"""`backtimer work` (the desk-break work mode, in the app) and `backtimer status` (one line
for shell prompts and tmux status bars; fast: no Textual, no routine loading)."""

from __future__ import annotations

import argparse
from datetime import timedelta
from typing import Any

from backtimer.cli.main import UserError

# The running app saves its schedule at least this often; older = not running.
HEARTBEAT = 30.0
STALE = 3 * HEARTBEAT


def register(sub: Any) -> None:
    work = sub.add_parser(
        "work",
        help="work mode: remind me to take a break every 2 hours and run the office routine",
        description=(
            "Leave this running (e.g. in a tmux pane). It counts down to the next break, "
            "reminds you (sound, bell, notification) and runs the break routine. "
            "Settings: the [breaks] table of config.toml; flags override them."
        ),
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

    status = sub.add_parser(
        "status",
        help="one line for prompts and tmux: 'break in 1h12m', 'break due', 'off hours'",
    )
    status.set_defaults(handler=run_status)


def load_settings(args: argparse.Namespace | None = None) -> Any:
    """BreakSettings from config.toml and the flags. Raises UserError with the field."""
    from backtimer.breaks.settings import break_settings, override, parse_hours
    from backtimer.config import ConfigError, load_config
    from backtimer.routine.durations import parse_duration

    try:
        settings = break_settings(load_config())
    except ConfigError as exc:
        raise UserError(str(exc), 2) from None
    if args is None:
        return settings
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


def check_routines(settings: Any) -> None:
    """Every routine to offer exists and loads; else a UserError naming it."""
    from backtimer.routine import library

    for ref in settings.routines:
        try:
            library.load(ref)
        except LookupError as exc:
            raise UserError(f"[breaks] routines: {exc.args[0] if exc.args else exc}", 2) from None
        except Exception as exc:  # RoutineError: the routine file is broken
            raise UserError(f"[breaks] routines: {ref}: {exc}", 2) from None


def run_work(args: argparse.Namespace) -> int:
    settings = load_settings(args)
    check_routines(settings)
    from backtimer.ui.screens.work import launch_work

    return int(launch_work(settings, no_sound=bool(args.no_sound)))


def check_config() -> None:
    """A broken config.toml (bad TOML, or a bad [breaks] setting) is a UserError naming the
    file and the line or field, as `backtimer work` reports it. No file: nothing to read,
    and none of the config modules are imported (status runs every few seconds)."""
    from backtimer import paths

    if paths.config_file().exists():
        load_settings()


def status_line() -> str:
    """The text `backtimer status` prints. Reads the saved schedule and the settings the
    running app saved with it (no routines, no Textual); config.toml only to check it."""
    from backtimer.breaks.clock import local_tz, reading
    from backtimer.breaks.scheduler import Scheduler, status_text
    from backtimer.breaks.state import BreakStore

    store = BreakStore(use_history=False)  # the file copy: no database to open
    state, settings = store.load_with_settings()
    if state is None:
        store = BreakStore(create=False)
        try:
            state, settings = store.load_with_settings()
        finally:
            store.close()
    now = reading()
    if state is None or now.wall - state.last_seen > timedelta(seconds=STALE):
        return "work mode off"
    if settings is None:
        settings = load_settings()
    scheduler = Scheduler(settings, local_tz(), state)
    return status_text(scheduler.peek(now), state)


def run_status(args: argparse.Namespace) -> int:
    check_config()  # else a broken file reads as "work mode off"
    print(status_line())
    return 0
