"""`backtimer status`: one line for shell prompts and tmux status bars ("break in 1h12m",
"break due", "off hours", "work mode off"). Run every few seconds: it reads the saved
schedule file and config.toml, and nothing else (no Textual, no routines, no database)."""

from __future__ import annotations

import argparse
from datetime import timedelta
from typing import Any

from backtimer import paths
from backtimer.breaks.clock import local_tz, reading
from backtimer.breaks.scheduler import BreakSettings, Scheduler, status_text
from backtimer.breaks.state import HEARTBEAT, read_schedule
from backtimer.cli.command import add_command
from backtimer.config import ConfigError
from backtimer.text import visible
from backtimer.usecases.errors import UserError
from backtimer.usecases.settings import Settings

STALE = 3 * HEARTBEAT  # the app saves at least every HEARTBEAT: older means not running


def register(sub: Any) -> None:
    status = add_command(
        sub,
        "status",
        summary="one line for prompts and tmux: 'break in 1h12m', 'break due', 'off hours'",
        description=(
            "Where work mode's break schedule stands, in one short line, read from the saved "
            "schedule (work mode need not run in this terminal). Quick enough for a prompt or "
            "a tmux status line."
        ),
        examples=[
            ("backtimer status", ""),
            ("tmux set -g status-right '#(backtimer status)'", "in tmux's status line"),
        ],
    )
    status.set_defaults(handler=run_status)


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


def status_line() -> str:
    """The text `backtimer status` prints. Reads the saved schedule and the settings the
    running app saved with it (no routines, no Textual, no database)."""
    state, settings, _notice = read_schedule()
    now = reading()
    if state is None or now.wall - state.last_seen > timedelta(seconds=STALE):
        return "work mode off"
    if settings is None:
        settings = configured_breaks()
    scheduler = Scheduler(settings, local_tz(), state)
    return status_text(scheduler.peek(now), state)


def run_status(args: argparse.Namespace) -> int:
    check_config()  # else a broken file reads as "work mode off"
    print(visible(status_line()))  # tmux shows it: no raw control character
    return 0
