"""What `list`, `show` and `plan` print with: a Rich console that stops quietly when the
reader of the output goes away, and a routine's total time in words."""

from __future__ import annotations

from rich.console import Console

from backtimer.routine.durations import human
from backtimer.timeline import Timeline

NARROW = 72  # below this many columns, list and plan leave out their less needed columns


class _Console(Console):
    def on_broken_pipe(self) -> None:
        # Rich's own handler exits 1; let cli.execute stop quietly like every command.
        self.quiet = True
        raise BrokenPipeError


def new_console() -> Console:
    return _Console(highlight=False, soft_wrap=False)


def total_text(timeline: Timeline, *, short: bool = False) -> str:
    """ "12 min" / "~12 min" (contains estimates); short rounds to whole minutes."""

    total = timeline.total
    text = human(round(total / 60) * 60) if short and total >= 60 else human(round(total))
    return f"~{text}" if timeline.has_estimates else text
