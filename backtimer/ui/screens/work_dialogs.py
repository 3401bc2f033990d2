"""Work mode's questions: why skip this break, which routine instead, how long to pause."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
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


PAUSE_CHOICES = (
    ("30m", "30 minutes"),
    ("1h", "1 hour"),
    ("2h", "2 hours"),
    ("tomorrow", "until tomorrow"),
)


class PauseFor(ModalScreen[str]):
    """How long to pause the reminders: a choice, or typed ("45m", "until 14:30").
    Dismisses with the text, or "" when cancelled."""

    CSS_PATH = "work.tcss"
    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding("escape", "cancel", "Back"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("Pause the reminders — for how long?", id="dialog-title")
            yield OptionList(*[Option(label, id=key) for key, label in PAUSE_CHOICES], id="pause")
            yield Input(placeholder='or type: "45m", "until 14:30"', id="pause-text")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id or "")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss("")
