"""Customise a routine without editing text: pick an exercise, pick a number (hold,
duration, reps, sets, rests), change it with + and -, see the new total, and save the
result as your own copy (a new id in your routines folder; the original stays as it is).
"""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Label, Static

from backtimer import paths
from backtimer.describe import work_text
from backtimer.routine.adjust import LABELS, adjust, fields_of, value_text
from backtimer.routine.durations import human
from backtimer.routine.errors import RoutineError
from backtimer.routine.model import Exercise, Routine
from backtimer.text import visible
from backtimer.timeline import compile
from backtimer.ui.widgets.footer import KeysFooter
from backtimer.usecases.levels import level_notes
from backtimer.usecases.user_routines import ID_RE, save_copy


def total_text(routine: Routine) -> str:
    timeline = compile(routine)
    return ("about " if timeline.has_estimates else "") + human(round(timeline.total))


class SaveAsScreen(ModalScreen[str | None]):
    """Asks for the new routine's id; dismisses with it (None = cancelled). An id whose file
    exists, or that would replace a built-in, needs Enter a second time."""

    DEFAULT_CSS = """
    SaveAsScreen { align: center middle; background: $background 60%; }
    SaveAsScreen #dialog {
        width: 70; max-width: 95%; height: auto; border: thick $primary;
        background: $surface; padding: 0 1;
    }
    SaveAsScreen #title { text-style: bold; }
    SaveAsScreen Label { width: 100%; }
    SaveAsScreen #new-id { margin: 1 0 0 0; }
    SaveAsScreen #save-message { height: auto; margin-top: 1; }
    SaveAsScreen .muted { color: $text-muted; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]  # noqa: RUF012

    def __init__(self, default_id: str) -> None:
        super().__init__()
        self.default_id = default_id
        self.confirmed: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("Save as my copy", id="title")
            yield Label(
                f"New routine id (its file name in {paths.user_routines_dir()}):", classes="muted"
            )
            yield Input(self.default_id, id="new-id")
            yield Static("Enter saves · Esc cancels", id="save-message")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        new_id = event.value.strip().removesuffix(".toml")
        message = self.query_one("#save-message", Static)
        if not ID_RE.fullmatch(new_id):
            message.update(
                Text(f"{new_id!r} cannot be a routine id: use letters, digits, '-' and '_'.")
            )
            return
        target = paths.user_routines_dir() / f"{new_id}.toml"
        builtin = paths.builtin_routines_dir() / f"{new_id}.toml"
        if self.confirmed != new_id:
            if target.exists():
                self.confirmed = new_id
                message.update(
                    Text(f"{target} already exists. Enter again to overwrite it, or change the id.")
                )
                return
            if builtin.exists():
                self.confirmed = new_id
                message.update(
                    Text(
                        f"{new_id!r} is a built-in routine: your copy would replace it in "
                        "the library. Enter again to do so, or change the id."
                    )
                )
                return
        self.dismiss(new_id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class CustomiseScreen(Screen[str | None]):
    """Dismisses with the id of the saved copy, or None when left without saving."""

    CSS_PATH = "customise.tcss"
    VERTICAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-short"), (20, "-tall")]
    BINDINGS = [  # noqa: RUF012
        Binding("up", "exercise(-1)", "Exercise", show=False),
        Binding("down", "exercise(1)", "Exercise", show=False),
        Binding("left", "field(-1)", "Field", show=False),
        Binding("right", "field(1)", "Field", show=False),
        Binding("plus,equals_sign", "change(1)", "More"),
        Binding("minus,underscore", "change(-1)", "Less"),
        Binding("r", "reset", "Reset exercise"),
        Binding("s", "save", "Save as my copy"),
        Binding("escape", "leave", "Back"),
    ]

    def __init__(self, routine: Routine) -> None:
        super().__init__()
        self.original = routine
        self.routine = routine
        self.exercise = 0
        self.field = 0
        self.note = ""

    def compose(self) -> ComposeResult:
        yield Label(Text(f"Customise: {visible(self.original.name)}"), id="title")
        yield Label(
            "↑↓ exercise · ←→ value · + / - change · r reset · s save as my copy · Esc back",
            id="keys-hint",
        )
        with VerticalScroll(id="exercises", can_focus=False):  # arrows choose, never scroll
            for i in range(len(self.routine.exercises)):
                yield Static("", id=f"exercise-{i}", classes="exercise")
        yield Static("", id="fields")
        yield Static("", id="total")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.refresh_view()

    @property
    def changed(self) -> bool:
        return self.routine != self.original

    def current_field(self) -> str:
        fields = fields_of(self.routine.exercises[self.exercise])
        self.field = max(0, min(self.field, len(fields) - 1))
        return fields[self.field]

    def refresh_view(self) -> None:
        exercises = self.routine.exercises
        for i, ex in enumerate(exercises):
            line = Text()
            mark = "▶ " if i == self.exercise else "  "
            style = "bold reverse" if i == self.exercise else ""
            edited = " *" if ex != self.original.exercises[i] else ""
            line.append(f"{mark}{i + 1}. {visible(ex.name)}{edited}", style=style)
            line.append(f" — {work_text(ex)}")
            self.query_one(f"#exercise-{i}", Static).update(line)
        chosen_line = self.query_one(f"#exercise-{self.exercise}", Static)
        scroller = self.query_one("#exercises", VerticalScroll)
        self.call_after_refresh(scroller.scroll_to_widget, chosen_line, animate=False)

        ex = exercises[self.exercise]
        chosen = self.current_field()
        cells = [f"{LABELS[name]} {value_text(ex, name)}" for name in fields_of(ex)]
        width = max(len(c) for c in cells) + 3
        grid = Text()
        for n, (name, cell) in enumerate(zip(fields_of(ex), cells, strict=True)):
            if n % 2:
                grid.append(" " * (width - len(cells[n - 1])))
            elif n:
                grid.append("\n")
            grid.append(cell, style="bold reverse" if name == chosen else "")
        grid.no_wrap = True
        notes_text = Text()
        _, notes = level_notes(replace(self.routine, exercises=(ex,)))
        if 0 in notes:
            notes_text.append(f"grows: {notes[0]}\n", style="italic")
        if self.note:
            notes_text.append(self.note, style="italic")
        parts: list[RenderableType] = [Text(visible(ex.name), style="bold"), grid]
        if notes_text:
            parts.append(notes_text)
        self.query_one("#fields", Static).update(Group(*parts))

        total = total_text(self.routine)
        was = total_text(self.original)
        line = f"Total: {total}" + (f" (was {was})" if total != was else "")
        if self.changed:
            line += " · changed: s saves your copy"
        self.query_one("#total", Static).update(line)

    def action_exercise(self, delta: int) -> None:
        field = self.current_field()
        self.exercise = max(0, min(len(self.routine.exercises) - 1, self.exercise + delta))
        fields = fields_of(self.routine.exercises[self.exercise])
        if field in fields:  # keep the same column where the next exercise has it
            self.field = fields.index(field)
        self.note = ""
        self.refresh_view()

    def action_field(self, delta: int) -> None:
        count = len(fields_of(self.routine.exercises[self.exercise]))
        self.field = max(0, min(count - 1, self.field + delta))
        self.note = ""
        self.refresh_view()

    def action_change(self, direction: int) -> None:
        ex = self.routine.exercises[self.exercise]
        new, self.note = adjust(ex, self.current_field(), direction)
        self._set_exercise(new)

    def action_reset(self) -> None:
        self.note = ""
        self._set_exercise(self.original.exercises[self.exercise])

    def _set_exercise(self, ex: Exercise) -> None:
        exercises = list(self.routine.exercises)
        exercises[self.exercise] = ex
        self.routine = replace(self.routine, exercises=tuple(exercises))
        self.refresh_view()

    def action_save(self) -> None:
        self.app.push_screen(SaveAsScreen(f"{self.original.id}-mine"), self._save_as)

    def _save_as(self, new_id: str | None) -> None:
        if not new_id:
            return
        try:
            target = save_copy(self.routine, new_id)
        except RoutineError as err:
            self.notify(f"Not saved: {err}", severity="error", timeout=12)
            return
        except OSError as exc:
            self.notify(f"Not saved: cannot write {new_id}.toml: {exc}", severity="error")
            return
        self.app.notify(
            f"Saved as {new_id!r} in {target}. {self.original.id!r} is unchanged.",
            title="Your copy",
            timeout=8,
        )
        self.dismiss(new_id)

    def action_leave(self) -> None:
        if self.changed:
            self.app.notify("Changes not saved (s saves them as your copy).", timeout=5)
        self.dismiss(None)
