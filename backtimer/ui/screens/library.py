"""The library (home): every routine, details, Enter starts; `/` filters as you type.

The routine list has the focus, so single letters are commands (shown in the footer);
`/` moves to the filter, Enter or Down comes back to the list with the first match
chosen, Esc clears the filter. A pinned last row opens work mode (desk breaks).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Input, Label, Static

from backtimer.describe import work_text
from backtimer.routine.durations import human
from backtimer.routine.model import Routine
from backtimer.text import visible
from backtimer.timeline import compile
from backtimer.ui import editing
from backtimer.ui.keys import bindings
from backtimer.ui.widgets.footer import KeysFooter
from backtimer.usecases.keymap import LIBRARY_KEYS
from backtimer.usecases.levels import level_notes, routine_at_level
from backtimer.usecases.settings import Settings


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
    kind: str = "routine"  # "routine", or "work" for the work mode entry
    about: str = ""  # the work mode entry: its detail pane text

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


WORK_ID = "⏰work"  # not a valid routine id, so it never clashes with one


def work_row(rows: list[Row], config: Settings) -> Row:
    """The library's "Work mode" entry, with the values of the [breaks] settings."""
    from backtimer.breaks.scheduler import BreakSettings  # noqa: PLC0415
    from backtimer.config import ConfigError  # noqa: PLC0415

    problem = ""
    config_path = str(config.path)
    try:
        settings = config.breaks
    except ConfigError as exc:
        settings, problem = BreakSettings(), str(exc)
    names = {r.id: r.name for r in rows if r.routine is not None}
    offered = [names.get(rid, rid) for rid in settings.routines]
    h, m = divmod(round(settings.every / 60), 60)
    every = f"{m}m" if not h else f"{h}h{m:02d}m" if m else f"{h}h"  # 2h, 1h30m, 45m
    return Row(
        id=WORK_ID,
        name="⏰ Work mode",
        place="every",  # the row reads "⏰ Work mode  every  2h" and fits 50 columns
        exercises="",
        duration=every,
        origin="desk breaks",  # found by the filter too
        routine=None,
        error="",
        kind="work",
        about=work_about(settings, offered, problem, config_path),
    )


def work_about(settings: object, offered: list[str], problem: str, config_path: str | None) -> str:
    every = human(float(getattr(settings, "every", 7200)))
    snooze = human(float(getattr(settings, "snooze", 600)))
    max_snoozes = int(getattr(settings, "max_snoozes", 3))
    hours = getattr(settings, "hours", None)
    days = sorted(getattr(settings, "days", ()))
    when = "all day"
    if hours is not None:
        a, b = hours
        when = f"{a // 60:02d}:{a % 60:02d}-{b // 60:02d}:{b % 60:02d}"
    day_names = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    if days == list(range(7)):
        on = "every day"
    elif days == list(range(5)):
        on = "Mon-Fri"
    else:
        on = ", ".join(day_names[d] for d in days) or "no days"
    lines = [
        f"A break every {every} while you work: work mode counts down to it, then rings, "
        "notifies you and offers the break routine. Start runs it right here and comes back; "
        f"or snooze ({snooze}, up to {max_snoozes} times) or skip.",
        "",
        "Breaks: " + (", then ".join(offered) if offered else "(none set)"),
        f"Hours: {when}, {on}",
        "",
        f"Settings: [breaks] in {config_path or 'config.toml'}. `backtimer work` opens work "
        "mode directly; `backtimer status` prints the next break for a tmux status bar.",
    ]
    if problem:
        lines += ["", f"⚠ {problem} — using the default break settings."]
    lines += ["", "Enter opens work mode."]
    return "\n".join(lines)


def detail_text(row: Row, level: str = "current") -> Text:
    text = Text()

    def put(part: str, style: str = "") -> None:
        """Routine text, file names and errors: control characters shown visibly."""
        text.append(visible(part, keep="\n"), style=style)

    if row.kind == "work":
        put("Work mode — desk breaks\n", style="bold")
        put(row.about)
        return text
    if row.routine is None:
        put(f"⚠ {row.id} has errors and cannot start\n", style="bold")
        put(f"{row.path}\n\n", style="italic")
        put(row.error + "\n\n")
        put("Fix the file and restart backtimer, or run: backtimer validate " + row.id)
        return text
    r = row.routine
    put(r.name + "\n", style="bold")
    if r.description:
        put(r.description + "\n")
    meta = [r.place, f"{row.exercises} exercises", row.duration.replace("~", "about ")]
    if r.equipment:
        meta.append("needs " + ", ".join(r.equipment))
    if row.origin == "user":
        meta.append("your routine")
    put(" · ".join(meta) + "\n", style="italic")
    for caution in r.cautions:
        put("\n⚠ " + caution + "\n", style="bold")
    put("\n")
    current, levels = level_notes(r, level)  # growing exercises at the level reached (progression)
    for i, ex in enumerate(current.exercises, 1):
        put(f"{i}. {ex.name}", style="bold")
        put(f" — {work_text(ex)}\n")
        if i - 1 in levels:
            put(f"   ↗ {levels[i - 1]}\n", style="italic")
        if ex.caution:
            put(f"   ⚠ {ex.caution}\n")
    return text


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
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (92, "-wide")]

    def __init__(self, entries: list[object] | None = None) -> None:
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
            from backtimer.routine.library import discover  # noqa: PLC0415 - reads files

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

    def _work_row(self) -> Row | None:
        """The work mode entry, when this version has work mode."""
        available = getattr(self.app, "screen_available", None)
        if available is None or not available("work"):
            return None
        return work_row(self.rows, self.app.settings)

    def _fill(self, query: str) -> None:
        words = query.lower().split()
        rows = self.rows + ([self.work] if getattr(self, "work", None) is not None else [])
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

    def entry(self, routine_id: str) -> object | None:
        """The library entry (backtimer.routine.library.RoutineEntry) shown under this id."""
        for entry in self._entries or ():
            if getattr(entry, "id", None) == routine_id:
                return entry
        return None

    def reload(self, select: str | None = None) -> None:
        """Read every routine again and show them, keeping the filter; select `select`
        when it is among the routines shown (after `e` edits or `c` saves one)."""
        from backtimer.routine.library import discover  # noqa: PLC0415 - reads files

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
            self.query_one("#detail-text", Static).update(detail_text(row, self.app.level))

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
        start = getattr(self.app, "start_routine", None)
        if start is not None:
            start(routine_at_level(row.routine, self.app.level))

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
        from backtimer import paths  # noqa: PLC0415

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
        if typing and action in COMMANDS:
            return False  # letters type into the filter: the footer shows what keys do there
        if action in ("stats", "work"):
            available = getattr(self.app, "screen_available", None)
            return available is not None and bool(available(action))
        return True
