"""Asked before a running session is left: keep going, see the summary, or quit."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label


class QuitConfirm(ModalScreen[str]):
    """Dismisses with "quit", "summary" or "continue"."""

    CSS_PATH = "modal.tcss"
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (60, "-wide")]
    BINDINGS = [  # noqa: RUF012
        Binding("escape,n,c", "choose('continue')", "Keep going"),
        Binding("y,q,ctrl+c", "choose('quit')", "Quit"),
        Binding("s", "choose('summary')", "Stop and see summary"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("Stop this session?", id="title")
            yield Label("The timer is paused.", classes="muted")
            yield Label("y quit · s summary · n go on", id="confirm-keys")
            with Horizontal(id="buttons"):
                yield Button("Keep going (n)", id="continue", variant="primary")
                yield Button("Summary (s)", id="summary")
                yield Button("Quit (y)", id="quit", variant="error")

    def on_mount(self) -> None:
        if self.app.is_web:  # `backtimer serve`: a finger needs the buttons, even when narrow
            self.add_class("-touch")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id or "continue")

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)
