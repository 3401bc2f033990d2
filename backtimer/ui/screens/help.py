"""Every key, as currently bound (the [keys] table of config.toml included)."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from backtimer.ui.app import app_of
from backtimer.usecases.keymap import LIBRARY_KEYS, SESSION_KEYS, SUMMARY_KEYS

HELP_ROWS: tuple[tuple[str, str], ...] = (
    ("pause", "Pause / resume the timer"),
    ("next", "Next segment"),
    ("back", "Back to the start of this segment (or the one before)"),
    ("skip_exercise", "Skip the rest of this exercise"),
    ("restart", "Restart this exercise"),
    ("more_time", "Add 10 seconds"),
    ("less_time", "Take 10 seconds off"),
    ("done", "Done (self-paced sets and open-ended holds)"),
    ("mute", "Sound on / off (the terminal bell rings instead)"),
    ("pain", "Stop now because it hurts"),
    ("quit", "Quit (asks first during a session)"),
    ("help", "This help"),
    ("start", "Library: start the chosen routine (or open work mode)"),
    ("filter", "Library: filter as you type; Enter or Down back to the list, Esc clears"),
    ("stats", "Your history (from the library)"),
    ("work", "Work mode with break reminders (from the library)"),
    ("edit", "Edit the routine in $EDITOR (from the library; a built-in is copied first)"),
    ("customise", "Adjust holds, reps, sets and rests; save as your copy (from the library)"),
    ("repeat", "Summary: do the routine again"),
    ("library", "Summary: back to the library"),
)


def keys_for(binding_id: str, keymap: dict[str, str], get_display: object) -> str:
    if binding_id in keymap:
        keys = keymap[binding_id].split(",")
    else:
        keys = []
        for table in (SESSION_KEYS, LIBRARY_KEYS, SUMMARY_KEYS):
            for bid, default, *_ in table:
                if bid == binding_id:
                    keys = default.split(",")
                    break
            if keys:
                break
    display = get_display if callable(get_display) else str
    return " / ".join(str(display(Binding(k, ""))) for k in keys)


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "modal.tcss"
    BINDINGS = [Binding("escape,q,question_mark,enter", "app.pop_screen", "Close")]  # noqa: RUF012

    def compose(self) -> ComposeResult:
        keymap = app_of(self).keymap
        table = Table(box=None, show_header=False, pad_edge=False)
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for binding_id, text in HELP_ROWS:
            table.add_row(keys_for(binding_id, keymap, self.app.get_key_display), text)
        with Vertical(id="dialog"):
            yield Label("Keys", id="title")
            with VerticalScroll(id="keys"):
                yield Static(table)
            yield Label(
                'Remap keys in config.toml, e.g. [keys] pause = "space,k".  '
                "Ctrl+P: every command.  Esc closes.",
                classes="muted",
            )
