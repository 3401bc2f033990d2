"""`backtimer status`: one line for shell prompts and tmux status bars ("break in 1h12m",
"break due", "paused until 14:30", "off hours", "work mode off"), or `--json` for scripts.
Run every few seconds: it reads the saved schedule file and config.toml, and nothing else
(no Textual, no routines, no database). It never prints a traceback: a problem is one
line on stderr and a few words on stdout, where the status bar shows them."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import timedelta

from backtimer import paths
from backtimer.breaks.clock import local_tz, reading
from backtimer.breaks.report import off_report, report
from backtimer.breaks.scheduler import BreakSettings, BreakState, Scheduler, Tick, status_text
from backtimer.breaks.state import HEARTBEAT, Offered, one_line, read_saved
from backtimer.config import ConfigError
from backtimer.text import visible
from backtimer.usecases.errors import UserError
from backtimer.usecases.settings import Settings

STALE = 3 * HEARTBEAT  # the app saves at least every HEARTBEAT: older means not running


def configured_breaks() -> BreakSettings:
    """The [breaks] settings of config.toml. Raises UserError naming the line or field."""
    try:
        return Settings.load().breaks
    except ConfigError as exc:
        raise UserError(str(exc), 2) from None


def check_config() -> None:
    """A broken config.toml (bad TOML, or a bad [breaks] setting) is a UserError naming the
    file and the line or field, as `backtimer work` reports it."""
    if paths.config_file().exists():
        configured_breaks()


def saved_status() -> tuple[Scheduler, Tick, BreakState, Offered | None] | None:
    """The running work mode's schedule as `status` shows it; None when it is off. A
    damaged schedule is said on stderr (work mode starts a fresh one) and reads as off."""
    state, settings, offered, notice = read_saved()
    if notice:
        print(f"backtimer: {notice}", file=sys.stderr)
    now = reading()
    if state is None or now.wall - state.last_seen > timedelta(seconds=STALE):
        return None
    if settings is None:
        settings = configured_breaks()
    scheduler = Scheduler(settings, local_tz(), state)
    tick = scheduler.peek(now)
    if scheduler.notice:
        print(f"backtimer: {scheduler.notice}", file=sys.stderr)
    return scheduler, tick, state, offered


def status_line() -> str:
    """The text `backtimer status` prints."""
    found = saved_status()
    if found is None:
        return "work mode off"
    scheduler, tick, state, _ = found
    return status_text(tick, state, reading().wall, scheduler.tz)


def status_json() -> str:
    """The JSON `backtimer status --json` prints (docs/breaks.md)."""
    found = saved_status()
    if found is None:
        return json.dumps(off_report())
    scheduler, tick, state, offered = found
    return json.dumps(report(tick, state, scheduler.tz, offered))


def run_status(args: argparse.Namespace) -> int:
    as_json = bool(getattr(args, "json", False))
    try:
        check_config()  # else a broken file reads as "work mode off"
        print(status_json() if as_json else visible(status_line()))  # no raw control character
        return 0
    except UserError as exc:
        code, message = exc.code, str(exc)
    except Exception as exc:  # a bug or damage not foreseen: still no traceback in tmux
        code, message = 70, f"status failed: {type(exc).__name__}: {exc}"
    message = one_line(message, 400)
    print(f"backtimer: {message}", file=sys.stderr)
    if as_json:
        print(json.dumps({"state": "error", "error": message}))
    elif "config.toml" in message:
        print("backtimer: config.toml error (run backtimer status)")
    else:
        print(f"backtimer: {one_line(message, 40)}")
    return code
