# ruff: noqa: PLC0415  (lazy imports keep `backtimer status` fast)
"""`backtimer work` (the desk-break work mode, in the app) and `backtimer status` (one line
for shell prompts and tmux status bars; fast: no Textual, no routine loading)."""

from __future__ import annotations

import argparse
import sys
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
        "--days",
        metavar="DAYS",
        help='working days, e.g. "mon-fri" or "mon,wed,fri" or "every day"',
    )
    work.add_argument(
        "--first",
        metavar="DURATION",
        help='the first break after this long (e.g. "30s" to try it), then the normal interval',
    )
    work.add_argument(
        "--notify", metavar="HOW", help="auto, notify-send, osc9, osc777, bell or off"
    )
    work.set_defaults(handler=run_work)

    status = sub.add_parser(
        "status",
        help="one line for prompts and tmux: 'break in 1h12m', 'break due', 'off hours'",
    )
    status.add_argument(
        "--json", action="store_true", help="the state as JSON for scripts (docs/breaks.md)"
    )
    status.set_defaults(handler=run_status)


OPTIONS = ("every", "snooze", "hours", "days", "notify")


def load_settings(args: argparse.Namespace | None = None) -> Any:
    """BreakSettings from config.toml and the options, each option checked exactly like
    its config key. Raises UserError naming the field or the option."""
    from backtimer.breaks.settings import break_settings
    from backtimer.config import ConfigError, load_config

    options: dict[str, Any] = {}
    if args is not None:
        options = {key: getattr(args, key, None) for key in OPTIONS}
        if getattr(args, "routine", None):
            options["routines"] = list(args.routine)
    try:
        return break_settings(load_config(), options=options)
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
    from backtimer.breaks.lock import AlreadyRunning, WorkLock
    from backtimer.breaks.settings import first_delay
    from backtimer.config import ConfigError

    settings = load_settings(args)
    first = None
    if getattr(args, "first", None) is not None:
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
        from backtimer.ui.screens.work import launch_work

        return int(launch_work(settings, no_sound=bool(args.no_sound), first=first))
    finally:
        lock.release()


def check_config() -> None:
    """A broken config.toml (bad TOML, or a bad [breaks] setting) is a UserError naming the
    file and the line or field, as `backtimer work` reports it. No file: nothing to read,
    and none of the config modules are imported (status runs every few seconds)."""
    from backtimer import paths

    if paths.config_file().exists():
        load_settings()


def saved_status() -> tuple[Any, Any, Any, Any, Any]:
    """(scheduler, tick, state, offered, notice) from the saved schedule; scheduler None
    when work mode is off. Reads no routines and no Textual; config.toml only when the
    running app did not save its settings."""
    from backtimer.breaks.clock import local_tz, reading
    from backtimer.breaks.scheduler import Scheduler
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
        return None, None, None, None, store.notice
    if settings is None:
        settings = load_settings()
    scheduler = Scheduler(settings, local_tz(), state)
    tick = scheduler.peek(now)
    return scheduler, tick, state, store.offered, scheduler.notice or store.notice


def status_line() -> str:
    """The text `backtimer status` prints."""
    from backtimer.breaks.clock import reading
    from backtimer.breaks.scheduler import status_text

    scheduler, tick, state, _, _ = saved_status()
    if scheduler is None:
        return "work mode off"
    return str(status_text(tick, state, reading().wall, scheduler.tz))


def status_json() -> str:
    """The JSON `backtimer status --json` prints (docs/breaks.md)."""
    import json

    from backtimer.breaks.report import off_report, report

    scheduler, tick, state, offered, _ = saved_status()
    if scheduler is None:
        return json.dumps(off_report())
    return json.dumps(report(tick, state, scheduler.tz, offered))


def run_status(args: argparse.Namespace) -> int:
    """Never a traceback: tmux runs this every few seconds, so a problem is also one
    short line on stdout, where the status bar shows it."""
    as_json = bool(getattr(args, "json", False))
    try:
        check_config()  # else a broken file reads as "work mode off"
        print(status_json() if as_json else status_line())
        return 0
    except UserError as exc:
        code, message = exc.code, str(exc)
    except Exception as exc:  # a bug or a damaged file: still one line, never a traceback
        code, message = 1, f"status failed: {type(exc).__name__}: {exc}"
    from backtimer.breaks.state import one_line

    print(f"backtimer: {one_line(message, 400)}", file=sys.stderr)
    if as_json:
        import json

        print(json.dumps({"state": "error", "error": one_line(message, 400)}))
    else:
        print(f"backtimer: {_status_problem(message)}")
    return code


def _status_problem(message: str) -> str:
    """A few words for a status bar: "config.toml error", else the start of the message."""
    from backtimer.breaks.state import one_line

    if "config.toml" in message:
        return "config.toml error (run backtimer status)"
    return one_line(message, 40)
