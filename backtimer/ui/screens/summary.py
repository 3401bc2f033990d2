"""After a session: how it went, planned vs done per exercise, total time."""

from __future__ import annotations

import math

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Label, Static

from backtimer.events import ExerciseResult, Summary
from backtimer.routine.durations import clock
from backtimer.text import visible
from backtimer.ui.keys import bindings
from backtimer.ui.widgets.footer import KeysFooter
from backtimer.usecases.keymap import SUMMARY_KEYS

TITLES = {
    "completed": "Routine complete — well done",
    "stopped": "Stopped early",
    "pain": "Stopped because it hurt",
}
PAIN_TEXT = (
    "You did the right thing by stopping. Rest, and do not push into pain. "
    "If pain persists or is sharp, talk to a health professional before trying again."
)


def title(summary: Summary) -> str:
    skipped = len(summary.skipped)
    if summary.status == "completed" and skipped:
        return f"Routine finished — {skipped} of {len(summary.exercises)} exercises skipped"
    return TITLES.get(summary.status, summary.status)


SAVED_PREFIX = "Saved to history"  # the session screen's line about what history saved


def streak_text(current: int, longest: int) -> str:
    """ "Streak: 3 days in a row (longest 5)": days with a completed routine."""
    if current <= 0:
        return "Streak: none yet — complete a routine today to start one" + (
            f" (longest {longest} days)" if longest > 1 else ""
        )
    days = "1 day" if current == 1 else f"{current} days in a row"
    if current >= longest:
        return f"Streak: {days}" + (" — your longest yet" if current > 1 else "")
    return f"Streak: {days} (longest {longest} days)"


def saved_text(saved: list[str], streak: tuple[int, int] | None) -> Text:
    text = Text()
    for line in saved:
        text.append("✓ " + visible(line) + "\n")
    if streak is not None:
        text.append(streak_text(*streak), style="bold")
    return text


def planned_reps(r: ExerciseResult) -> int:
    return r.planned_reps * r.planned_sets * max(1, r.planned_sides)


def done_text(r: ExerciseResult) -> str:
    """ "8/10 reps", "2/3 sets", or the best open-ended hold; "skipped" when skipped."""
    if r.held_seconds:
        text = f"best {clock(math.floor(max(r.held_seconds)))}"
    elif r.planned_sets > 1 and r.planned_reps <= 1:
        text = f"{r.done_sets}/{r.planned_sets} sets"
    else:
        text = f"{r.done_reps}/{planned_reps(r)} reps"
    return f"{text}, skipped" if r.skipped else text


def time_text(r: ExerciseResult) -> str:
    return f"{clock(r.worked_seconds)} of {clock(r.planned_seconds)}"


def summary_table(summary: Summary) -> Table:
    table = Table(expand=True, box=None, pad_edge=False, header_style="bold")
    table.add_column("Exercise", ratio=1, overflow="ellipsis", no_wrap=True)
    table.add_column("Done", no_wrap=True)
    table.add_column("Time", no_wrap=True, justify="right")
    for r in summary.exercises:
        finished = not r.skipped and r.worked_seconds >= r.planned_seconds - 0.5
        name = Text(("✓ " if finished else "· ") + visible(r.name))  # text, never markup
        table.add_row(name, done_text(r), time_text(r))
    return table


class SummaryScreen(Screen[str]):
    """Dismisses with "repeat" or "library" (quit exits the app)."""

    CSS_PATH = "summary.tcss"
    BINDINGS = bindings(SUMMARY_KEYS)  # type: ignore[assignment]

    def __init__(self, summary: Summary, *, message: str = "", notices: tuple[str, ...] = ()):
        super().__init__()
        self.summary = summary
        self.message = message
        self.notices = notices

    def compose(self) -> ComposeResult:
        s = self.summary
        self.add_class(f"-{s.status}")
        yield Label(title(s), id="title")
        yield Label(Text(visible(s.name)), id="routine")
        with VerticalScroll(id="body"):
            if s.status == "pain":
                yield Static(Text(visible(self.message or PAIN_TEXT, keep="\n")), id="message")
            elif self.message:
                yield Static(Text(visible(self.message, keep="\n")), id="message")
            totals = Text()
            totals.append("Total time ", style="bold")
            totals.append(clock(s.total_seconds))
            totals.append(" · worked ", style="bold")
            totals.append(f"{clock(s.worked_seconds)} of {clock(s.planned_work_seconds)}")
            if s.paused_seconds >= 1:
                totals.append(" · paused ", style="bold")
                totals.append(clock(s.paused_seconds))
            yield Static(totals, id="totals")
            saved = [n for n in self.notices if n.startswith(SAVED_PREFIX)]
            if saved:  # what history saved, and the streak it makes
                yield Static(saved_text(saved, self._streak()), id="saved")
            yield Static(summary_table(s), id="table")
            for notice in self.notices:
                if notice not in saved:
                    yield Static(Text(visible(notice, keep="\n")), classes="notice")
        yield KeysFooter()

    def _streak(self) -> tuple[int, int] | None:
        """(current, longest) from the history store; None when it cannot be read."""
        from backtimer.history.stats import streak_now  # noqa: PLC0415 - only after a save

        try:
            return streak_now()
        except Exception:  # the summary shows what it can; history says why elsewhere
            return None

    def action_repeat(self) -> None:
        self.dismiss("repeat")

    def action_library(self) -> None:
        self.dismiss("library")
