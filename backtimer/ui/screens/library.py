"""The library (home): every routine, details, Enter starts; `/` filters as you type.

The routine list has the focus, so single letters are commands (shown in the footer);
`/` moves to the filter, Enter or Down comes back to the list with the first match
chosen, Esc clears the filter. A pinned last row opens work mode (desk breaks).
"""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Input, Label, Static

from backtimer import paths
from backtimer.routine.library import RoutineEntry, discover
from backtimer.text import visible
from backtimer.ui import editing
from backtimer.ui.app import app_of
from backtimer.ui.keys import bindings
from backtimer.ui.library_rows import Row, detail_text, rows_from_entries, work_row
from backtimer.ui.widgets.footer import KeysFooter
from backtimer.usecases.keymap import LIBRARY_KEYS
from backtimer.usecases.levels import routine_at_level

# the list's single-key commands (hidden from the footer while the filter has the focus)
COMMANDS = frozenset(action for _id, _keys, action, _d, _s in LIBRARY_KEYS)
# left out of the footer while a filter narrows the list, so "esc Clear filter" fits 80
# columns; the keys still work and ? lists them
HIDDEN_WHILE_FILTERED = frozenset({"stats", "work"})
PLACEHOLDER = "/ to filter · Enter starts · ? keys · q quits"
PLACEHOLDER_TYPING = "Type to filter · Enter/↓ to the list · Esc clears"


KEYS_OFF = ("enter", "home", "end")  # the table's own: Enter starts (below), Home/End


class RoutineTable(DataTable[object], inherit_bindings=False):
    """The routine list. Enter is the screen's "start" binding (remappable, shown in the
    footer), not the table's own hidden one; a click still selects. Home and End go to the
    first and last row (the work mode entry is last)."""

    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        *(b for b in DataTable.BINDINGS if isinstance(b, Binding) and b.key not in KEYS_OFF),
        Binding("home", "scroll_top", "First", show=False),  # a list: first / last row
        Binding("end", "scroll_bottom", "Last", show=False),
    ]


class FilterInput(Input):
    """The filter. Enter and Down go back to the list at once (priority, see LibraryScreen);
    bound here, not on the screen, where remapping "start" would drop them with Enter."""

    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding("enter,down", "screen.to_list", "List", show=False, priority=True),
    ]


class LibraryScreen(Screen[None]):
    CSS_PATH = "library.tcss"
    # "/" and Esc (and the filter's Enter / Down) are priority bindings: they run when the
    # key arrives, so the keys typed right after them (fast, or pasted) already go to the
    # filter or the list. Each applies only in its mode (check_action), else the key
    # goes on as usual.
    BINDINGS = [  # noqa: RUF012
        *(replace(b, priority=True) if b.action == "filter" else b for b in bindings(LIBRARY_KEYS)),
        Binding("escape", "clear_filter", "Clear filter", id="clear_filter", priority=True),
        Binding("f1", "app.help", "Help", show=False),
    ]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (92, "-wide")]  # noqa: RUF012

    def __init__(self, entries: list[RoutineEntry] | None = None) -> None:
        super().__init__()
        self._entries = entries
        self.rows: list[Row] = []
        self.shown: list[Row] = []

    def compose(self) -> ComposeResult:
        yield Label("backtimer — routines", id="title")
        yield FilterInput(placeholder=PLACEHOLDER, id="filter")
        with Horizontal(id="panes"):
            yield RoutineTable(id="routines", cursor_type="row", zebra_stripes=False)
            with VerticalScroll(id="detail"):
                yield Static("", id="detail-text")
        yield KeysFooter(palette=False)  # every key fits 80 columns

    def on_mount(self) -> None:
        if self._entries is None:
            self._entries = list(discover())
        self.rows = rows_from_entries(self._entries)
        self.work = self._work_row()
        table = self.query_one(DataTable)
        table.add_column("Routine", key="name")
        table.add_column("Place", key="place")
        table.add_column("Ex", key="ex")
        table.add_column("Time", key="time")
        self._fill("")
        table.focus()

    def _work_row(self) -> Row:
        """The work mode entry."""
        return work_row(self.rows, app_of(self).settings)

    def _fill(self, query: str) -> None:
        words = query.lower().split()
        rows = [*self.rows, self.work]
        self.shown = [r for r in rows if all(w in r.search_text for w in words)]
        table = self.query_one(DataTable)
        table.clear()
        for row in self.shown:
            if row.kind == "work":
                style = "bold italic"
                table.add_row(
                    Text(row.name, style=style),
                    Text(row.place, style="italic"),
                    "",
                    Text(row.duration, style="italic"),
                    key=row.id,
                )
                continue
            # text, never markup; an id is a file name: control characters shown visibly
            name = (
                Text(visible(row.name))
                if row.routine
                else Text("⚠ " + visible(row.id), style="bold")
            )
            if row.routine is None:
                # the mark, and where the first problem is (the detail pane says what)
                error = Text("error", style="italic")
                table.add_row(name, error, "", Text(row.duration, style="italic"), key=row.id)
            else:
                table.add_row(name, row.place, row.exercises, row.duration, key=row.id)
        if not self.shown:
            self.query_one("#detail-text", Static).update(
                Text(f"No routine matches {visible(query)!r}." if query else "No routines found.")
            )
        else:
            self._show_detail(0)

    def entry(self, routine_id: str) -> RoutineEntry | None:
        """The library entry shown under this id."""
        for entry in self._entries or ():
            if entry.id == routine_id:
                return entry
        return None

    def reload(self, select: str | None = None) -> None:
        """Read every routine again and show them, keeping the filter; select `select`
        when it is among the routines shown (after `e` edits or `c` saves one)."""
        self._entries = list(discover())
        self.rows = rows_from_entries(self._entries)
        self._fill(self.query_one(Input).value)
        ids = [row.id for row in self.shown]
        if select is not None and select in ids:
            self.query_one(DataTable).move_cursor(row=ids.index(select))
            self._show_detail(ids.index(select))

    def _show_detail(self, index: int) -> None:
        if 0 <= index < len(self.shown):
            row = self.shown[index]
            self.query_one("#detail-text", Static).update(detail_text(row, app_of(self).level))

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def on_descendant_focus(self) -> None:
        field = self.query_one(Input)
        field.placeholder = PLACEHOLDER_TYPING if field.has_focus else PLACEHOLDER
        self.refresh_bindings()

    def on_descendant_blur(self) -> None:
        self.on_descendant_focus()

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

    def action_filter(self) -> None:
        """`/`: type to filter."""
        self.set_focus(self.query_one(Input))

    def action_to_list(self) -> None:
        """Enter or Down in the filter: back to the list, the first match chosen."""
        self._fill(self.query_one(Input).value)  # keys typed fast: their Changed may lag
        table = self.query_one(DataTable)
        self.set_focus(table)
        if self.shown:
            table.move_cursor(row=0)
            self._show_detail(0)

    def action_clear_filter(self) -> None:
        """Esc: clear the filter and go back to the list."""
        field = self.query_one(Input)
        if field.value:
            field.value = ""
            self._fill("")  # at once, not when Input.Changed arrives
        self.set_focus(self.query_one(DataTable))
        self.refresh_bindings()

    def action_start(self) -> None:
        row = self.selected()
        if row is None:
            self.notify("No routine to start: clear the filter with Esc.", severity="warning")
            return
        if row.kind == "work":
            self.call_later(self.app.run_action, "work")
            return
        if row.routine is None:
            first = row.error.splitlines()[0] if row.error else "it has errors"
            self.notify(f"{row.id} cannot start: {first}", severity="error", timeout=8)
            return
        app = app_of(self)
        app.start_routine(routine_at_level(row.routine, app.level))

    async def action_help(self) -> None:
        await self.app.run_action("help")

    def action_quit(self) -> None:
        self.app.exit()

    async def action_stats(self) -> None:
        await self.app.run_action("stats")

    async def action_work(self) -> None:
        await self.app.run_action("work")

    def action_edit(self) -> None:
        if not self._work_selected("edit"):
            editing.edit_selected(self)

    def action_customise(self) -> None:
        if not self._work_selected("customise"):
            editing.customise_selected(self)

    def _work_selected(self, what: str) -> bool:
        row = self.selected()
        if row is None or row.kind != "work":
            return False
        self.notify(
            f"Work mode is not a routine to {what}: set its breaks in the [breaks] table of "
            f"{paths.config_file()}.",
            severity="warning",
            timeout=8,
        )
        return True

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The keys the footer shows: Stats and Work mode make room for Esc while a filter
        is applied (they still run; check_action would disable them too)."""
        active = super().active_bindings
        if not self.is_mounted or not self.query_one(Input).value:
            return active
        return {
            key: item._replace(binding=replace(item.binding, show=False))
            if item.binding.action in HIDDEN_WHILE_FILTERED
            else item
            for key, item in active.items()
        }

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        typing = isinstance(self.focused, Input)
        if action == "clear_filter":  # shown while typing, or while a filter narrows the list
            return typing or bool(self.query_one(Input).value)
        if action == "to_list":
            return typing
        # while typing, letters go into the filter: the footer shows what keys do there
        return not (typing and action in COMMANDS)
