"""Shown when a routine you just edited has mistakes: every problem, and the choice to
reopen the editor at the first problem's line."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from backtimer.routine.errors import RoutineError
from backtimer.text import visible


class ProblemsScreen(ModalScreen[bool]):
    """Dismisses with True to reopen the editor, False to keep the file as it is."""

    DEFAULT_CSS = """
    ProblemsScreen { align: center middle; background: $background 60%; }
    ProblemsScreen #dialog {
        width: 90%; max-width: 100; height: auto; max-height: 90%;
        border: thick $error; background: $surface; padding: 0 1;
    }
    ProblemsScreen #title { text-style: bold; width: 100%; }
    ProblemsScreen #problems { height: auto; max-height: 12; margin: 1 0; }
    ProblemsScreen .muted { color: $text-muted; }
    ProblemsScreen #buttons { height: auto; width: auto; }
    ProblemsScreen #buttons Button { margin-right: 1; }
    """
    BINDINGS = [  # noqa: RUF012
        Binding("r,enter", "choose(True)", "Reopen the editor"),
        Binding("k,escape", "choose(False)", "Keep it as it is"),
    ]

    def __init__(self, path: Path, error: RoutineError) -> None:
        super().__init__()
        self.path = path
        self.error = error

    def compose(self) -> ComposeResult:
        problems = self.error.problems
        count = "1 problem" if len(problems) == 1 else f"{len(problems)} problems"
        line = self.error.first_line
        where = f" at line {line}" if line is not None else ""
        with Vertical(id="dialog"):
            yield Label(Text(f"{visible(self.path.name)} has {count}"), id="title")
            with VerticalScroll(id="problems"):
                yield Static("\n".join(str(p) for p in problems), id="problem-list", markup=False)
            yield Label(
                "Your changes are kept; the routine is marked broken in the library until "
                "it is fixed.",
                classes="muted",
            )
            with Horizontal(id="buttons"):
                yield Button(f"Reopen the editor{where} (r)", id="reopen", variant="primary")
                yield Button("Keep it as it is (k)", id="keep")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "reopen")

    def action_choose(self, reopen: bool) -> None:
        self.dismiss(reopen)
