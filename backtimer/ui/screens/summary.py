"""After a session: how it went, planned vs done per exercise, total time."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Label, Static

from backtimer.events import ExerciseResult, Summary
from backtimer.routine.durations import clock, human
from backtimer.ui.keys import SUMMARY_KEYS, bindings

TITLES = {
    "completed": "Routine complete — well done",
    "stopped": "Stopped early",
    "pain": "Stopped because it hurt",
}
PAIN_TEXT = (
    "You did the right thing by stopping. Rest, and do not push into pain. "
    "If pain persists or is sharp, talk to a health professional before trying again."
)


def planned_text(r: ExerciseResult) -> str:
    parts = []
    if r.planned_sets > 1:
        parts.append(f"{r.planned_sets} sets")
    if r.planned_reps > 1:
        parts.append(f"{r.planned_reps} reps")
    if r.planned_sides:
        parts.append(f"{r.planned_sides} sides")
    parts.append(human(round(r.planned_seconds)))
    return " · ".join(parts)


def done_text(r: ExerciseResult) -> str:
    parts = []
    if r.planned_sets > 1:
        parts.append(f"{r.done_sets} sets")
    if r.planned_reps > 1 or r.done_reps > 1:
        parts.append(f"{r.done_reps} reps")
    parts.append(human(round(r.worked_seconds)))
    if r.held_seconds:
        parts.append("best hold " + human(round(max(r.held_seconds))))
    if r.skipped:
        parts.append("skipped")
    return " · ".join(parts)


def summary_table(summary: Summary) -> Table:
    table = Table(expand=True, box=None, pad_edge=False, header_style="bold")
    table.add_column("Exercise", ratio=3, overflow="fold")
    table.add_column("Planned", ratio=2, overflow="fold")
    table.add_column("Done", ratio=2, overflow="fold")
    for r in summary.exercises:
        mark = "✓ " if not r.skipped and r.worked_seconds >= r.planned_seconds - 0.5 else "· "
        table.add_row(mark + r.name, planned_text(r), done_text(r))
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
        yield Label(TITLES.get(s.status, s.status), id="title")
        yield Label(s.name, id="routine")
        with VerticalScroll(id="body"):
            if s.status == "pain":
                yield Static(self.message or PAIN_TEXT, id="message")
                if self.message:
                    yield Static(PAIN_TEXT, classes="muted")
            elif self.message:
                yield Static(self.message, id="message")
            totals = Text()
            totals.append("Total ", style="bold")
            totals.append(clock(s.total_seconds))
            totals.append("   Worked ", style="bold")
            totals.append(f"{clock(s.worked_seconds)} of {clock(s.planned_work_seconds)}")
            if s.paused_seconds >= 1:
                totals.append("   Paused ", style="bold")
                totals.append(clock(s.paused_seconds))
            yield Static(totals, id="totals")
            yield Static(summary_table(s), id="table")
            for notice in self.notices:
                yield Label(notice, classes="notice")
        yield Footer()

    def action_repeat(self) -> None:
        self.dismiss("repeat")

    def action_library(self) -> None:
        self.dismiss("library")
