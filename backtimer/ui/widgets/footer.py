"""The key footer: Textual's Footer, made to fit half-width terminals.

Below `WIDE` columns it drops the command palette's key from the right-hand side (ctrl+p
still works, and `?` lists every key) and uses Footer's compact spacing, so that a
screen's own keys stay readable: at 50 columns the session's footer shows
"space Pause n Next p Back ! It hurts q Quit ? Help" in full.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Footer

WIDE = 70


class KeysFooter(Footer):
    def __init__(self, *, palette: bool = True) -> None:
        """`palette`: show the command palette's key when the terminal is wide enough."""
        super().__init__(show_command_palette=palette)
        self.palette = palette
        self._narrow: bool | None = None

    def on_resize(self, event: events.Resize) -> None:
        narrow = event.size.width < WIDE
        if narrow == self._narrow:
            return
        self._narrow = narrow
        self.compact = narrow
        self.show_command_palette = self.palette and not narrow
        self.refresh(recompose=True)
