"""Work mode's two questions: why skip this break, and which routine instead."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from backtimer.text import visible
from backtimer.usecases.work_mode import SKIP_REASONS


class SkipReason(ModalScreen[str]):
    """Why skip this break? Dismisses with the reason, or "" when cancelled."""

    CSS_PATH = "work.tcss"
    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding("escape", "cancel", "Back"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("Skip this break — why?", id="dialog-title")
            yield OptionList(*[Option(r, id=r) for r in SKIP_REASONS], id="reasons")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id or "other")

    def action_cancel(self) -> None:
        self.dismiss("")


class PickRoutine(ModalScreen[str]):
    """Another routine for this break. Dismisses with its id, or "" when cancelled."""

    CSS_PATH = "work.tcss"
    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding("escape", "cancel", "Back"),
    ]

    def __init__(self, choices: list[tuple[str, str]]) -> None:
        super().__init__()
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("Which routine?", id="dialog-title")
            options = [Option(Text(visible(label)), id=rid) for rid, label in self.choices]
            yield OptionList(*options, id="pick")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id or "")

    def action_cancel(self) -> None:
        self.dismiss("")
