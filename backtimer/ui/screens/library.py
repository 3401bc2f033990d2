"""The library (home): every routine, filter as you type, details, Enter starts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Label, Static

from backtimer.describe import work_text
from backtimer.routine.model import Routine
from backtimer.timeline import compile
from backtimer.ui import editing
from backtimer.ui.keys import APP_KEYS, bindings
from backtimer.ui.levels import app_level, level_notes, routine_at_level


@dataclass(frozen=True)
class Row:
    """One routine as the library shows it."""

    id: str
    name: str
    place: str
    exercises: str
    duration: str
    origin: str
    routine: Routine | None
    error: str  # every problem, one per line ("" when it loads)
    path: str = ""

    @property
    def search_text(self) -> str:
        return f"{self.id} {self.name} {self.place} {self.origin}".lower()


def rough(seconds: float) -> str:
    """A routine's length as a person plans it, short enough for a narrow list: "50 s",
    "5 min", "22 min"."""
    if seconds < 60:
        return f"{round(seconds / 10) * 10:.0f} s"
    return f"{max(1, round(seconds / 60))} min"


def rows_from_entries(entries: list[object]) -> list[Row]:
    rows: list[Row] = []
    for entry in entries:
        routine: Routine | None = getattr(entry, "routine", None)
        rid = str(getattr(entry, "id", "?"))
        origin = str(getattr(entry, "origin", ""))
        if routine is None:
            err = getattr(entry, "error", None)
            error = str(err or "could not be loaded")
            path = str(getattr(entry, "path", ""))
            problems = getattr(err, "problems", ()) or ()
            line = getattr(problems[0], "line", None) if problems else None
            at = f"line {line}" if line is not None else ""
            rows.append(Row(rid, rid, "", "", at, origin, None, error, path))
            continue
        timeline = compile(routine)
        about = "~" if timeline.has_estimates else ""
        rows.append(
            Row(
                id=rid,
                name=routine.name,
                place=routine.place,
                exercises=str(len(routine.exercises)),
                duration=about + rough(timeline.total),
                origin=origin,
                routine=routine,
                error="",
            )
        )
    return rows


def detail_text(row: Row, level: str = "current") -> Text:
    text = Text()
    if row.routine is None:
        text.append(f"⚠ {row.id} has errors and cannot start\n", style="bold")
        text.append(f"{row.path}\n\n", style="italic")
        text.append(row.error + "\n\n")
        text.append("Fix the file and restart backtimer, or run: backtimer validate " + row.id)
        return text
    r = row.routine
    text.append(r.name + "\n", style="bold")
    if r.description:
        text.append(r.description + "\n")
    meta = [r.place, f"{row.exercises} exercises", row.duration.replace("~", "about ")]
    if r.equipment:
        meta.append("needs " + ", ".join(r.equipment))
    if row.origin == "user":
        meta.append("your routine")
    text.append(" · ".join(meta) + "\n", style="italic")
    for caution in r.cautions:
        text.append("\n⚠ " + caution + "\n", style="bold")
    text.append("\n")
    current, levels = level_notes(r, level)  # growing exercises at the level reached (progression)
    for i, ex in enumerate(current.exercises, 1):
        text.append(f"{i}. {ex.name}", style="bold")
        text.append(f" — {work_text(ex)}\n")
        if i - 1 in levels:
            text.append(f"   ↗ {levels[i - 1]}\n", style="italic")
        if ex.caution:
            text.append(f"   ⚠ {ex.caution}\n")
    return text


class LibraryScreen(Screen[None]):
    CSS_PATH = "library.tcss"
    BINDINGS = [  # noqa: RUF012
        Binding("enter", "start", "Start", id="start"),
        Binding("down", "move(1)", "Down", show=False),
        Binding("up", "move(-1)", "Up", show=False),
        Binding("pagedown", "move(10)", show=False),
        Binding("pageup", "move(-10)", show=False),
        Binding("escape", "clear_or_quit", "Quit", id="quit_library"),
        Binding("f1", "app.help", "Help", show=False),
        *bindings(APP_KEYS),
    ]
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (92, "-wide")]

    def __init__(self, entries: list[object] | None = None) -> None:
        super().__init__()
        self._entries = entries
        self.rows: list[Row] = []
        self.shown: list[Row] = []

    def compose(self) -> ComposeResult:
        yield Label("backtimer — routines", id="title")
        yield Input(placeholder="Type to filter · ↑↓ choose · Enter starts", id="filter")
        with Horizontal(id="panes"):
            yield DataTable(id="routines", cursor_type="row", zebra_stripes=False)
            with VerticalScroll(id="detail"):
                yield Static("", id="detail-text")
        yield Footer()

    def on_mount(self) -> None:
        if self._entries is None:
            from backtimer.routine.library import discover  # noqa: PLC0415 - reads files

            self._entries = list(discover())
        self.rows = rows_from_entries(self._entries)
        table = self.query_one(DataTable)
        table.add_column("Routine", key="name")
        table.add_column("Place", key="place")
        table.add_column("Ex", key="ex")
        table.add_column("Time", key="time")
        self._fill("")
        self.query_one(Input).focus()

    def _fill(self, query: str) -> None:
        words = query.lower().split()
        self.shown = [r for r in self.rows if all(w in r.search_text for w in words)]
        table = self.query_one(DataTable)
        table.clear()
        for row in self.shown:
            name = Text(row.name) if row.routine else Text("⚠ " + row.id, style="bold")
            if row.routine is None:
                # the mark, and where the first problem is (the detail pane says what)
                error = Text("error", style="italic")
                table.add_row(name, error, "", Text(row.duration, style="italic"), key=row.id)
            else:
                table.add_row(name, row.place, row.exercises, row.duration, key=row.id)
        if not self.shown:
            self.query_one("#detail-text", Static).update(
                f"No routine matches {query!r}." if query else "No routines found."
            )
        else:
            self._show_detail(0)

    def _show_detail(self, index: int) -> None:
        if 0 <= index < len(self.shown):
            row = self.shown[index]
            self.query_one("#detail-text", Static).update(detail_text(row, app_level(self.app)))

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self.action_start()

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail(event.cursor_row)

    @on(DataTable.RowSelected)
    def _selected(self) -> None:
        self.action_start()

    def selected(self) -> Row | None:
        table = self.query_one(DataTable)
        if not self.shown:
            return None
        return self.shown[max(0, min(table.cursor_row, len(self.shown) - 1))]

    def action_move(self, delta: int) -> None:
        table = self.query_one(DataTable)
        if self.shown:
            table.move_cursor(row=max(0, min(len(self.shown) - 1, table.cursor_row + delta)))

    def action_start(self) -> None:
        row = self.selected()
        if row is None:
            self.notify("No routine to start: clear the filter with Esc.", severity="warning")
            return
        if row.routine is None:
            first = row.error.splitlines()[0] if row.error else "it has errors"
            self.notify(f"{row.id} cannot start: {first}", severity="error", timeout=8)
            return
        start = getattr(self.app, "start_routine", None)
        if start is not None:
            start(routine_at_level(row.routine, app_level(self.app)))

    def action_clear_or_quit(self) -> None:
        field = self.query_one(Input)
        if field.value:
            field.value = ""
        else:
            self.app.exit()

    async def action_stats(self) -> None:
        await self.app.run_action("stats")

    async def action_work(self) -> None:
        await self.app.run_action("work")

    def action_edit(self) -> None:
        editing.edit_selected(self)

    def action_customise(self) -> None:
        editing.customise_selected(self)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit", "customise"):  # letters type into the filter while it has focus
            return not isinstance(self.focused, Input) or None
        if action in ("stats", "work"):
            available = getattr(self.app, "screen_available", None)
            if available is None or not available(action):
                return False
            # single letters type into the filter while it has focus
            return not isinstance(self.focused, Input) or None
        return True
