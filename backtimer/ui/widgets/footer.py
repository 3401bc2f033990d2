"""The key footer: Textual's Footer, made to fit small terminals.

Below `WIDE` columns it drops the command palette's key from the right-hand side (ctrl+p
still works, and `?` lists every key) and uses Footer's compact spacing. Whatever the
width, it shows only the keys that fit whole, never a key cut mid-word: a screen names
the actions that matter most in `FOOTER_KEEP` (most important first), and the footer keeps
as many of those as fit, then the others in their order. At 40 columns the session's
footer reads "space Pause n Next ! It hurts q Quit"; every key still works, and `?`
lists them all.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

WIDE = 70


def key_width(key: FooterKey, compact: bool) -> int:
    """Cells the key takes in the footer, with the space after it."""
    text = cell_len(key.key_display) + (cell_len(key.description) + 1 if key.description else 0)
    return text + 1 if compact else text + 2  # compact: a margin of 1; else padding 1 + 1


def fitting(keys: Sequence[FooterKey], width: int, keep: Iterable[str], compact: bool) -> list[int]:
    """Indexes of the keys to show in `width` cells: those whose action is in `keep` first
    (in that order), then the rest from the left, each only if it still fits whole."""
    rank = {action: i for i, action in enumerate(keep)}
    order = sorted(range(len(keys)), key=lambda i: (rank.get(keys[i].action, len(rank)), i))
    chosen: list[int] = []
    used = 0
    for i in order:
        need = key_width(keys[i], compact)
        if used + need - (1 if compact else 0) <= width:  # the last key's margin may hang out
            chosen.append(i)
            used += need
    return sorted(chosen)


class KeysFooter(Footer):
    def __init__(self, *, palette: bool = True) -> None:
        """`palette`: show the command palette's key when the terminal is wide enough."""
        super().__init__(show_command_palette=palette)
        self.palette = palette
        self._width: int | None = None
        self._composed: tuple[int, bool, bool] | None = None  # width, compact, palette
        self._widget_focused = False  # a widget of the screen had the focus (app focused)

    def compose(self) -> ComposeResult:
        made = list(super().compose())
        keys = [w for w in made if isinstance(w, FooterKey) and "-command-palette" not in w.classes]
        others: list[Widget] = [w for w in made if w not in keys]
        width = self._width or self.app.size.width
        if others:  # the palette's key, docked right
            width -= sum(key_width(w, False) for w in others if isinstance(w, FooterKey))
        keep = getattr(self.screen, "FOOTER_KEEP", ())
        shown = set(fitting(keys, width, keep, self.compact))
        self._composed = (
            self._width or self.app.size.width,
            self.compact,
            self.show_command_palette,
        )
        yield from (key for i, key in enumerate(keys) if i in shown)
        yield from others

    def bindings_changed(self, screen: Screen[object]) -> None:
        """Textual leaves a footer as it is while the app has no focus: a blur takes the
        focus from the focused widget, and the keys that widget adds would drop out. In a
        browser the app starts without focus and gets it at the first tap or key, so a
        screen opened before that (the session of `serve ROUTINE`) would show an empty
        footer, and then keys that no longer apply (no "Done" for an open-ended hold).
        This footer follows the keys while the app has no focus when it shows none yet,
        or when the blur took the focus from no widget of its screen."""
        if screen.app.app_focus:
            self._widget_focused = screen.focused is not None
        super().bindings_changed(screen)
        if (
            not screen.app.app_focus
            and self.is_attached
            and screen is self.screen
            and (not self._widget_focused or not self.query(FooterKey))
        ):
            self.call_after_refresh(self.recompose)

    def on_resize(self, event: events.Resize) -> None:
        width = event.size.width
        if width == self._width:
            return
        self._width = width
        narrow = width < WIDE
        self.compact = narrow
        self.show_command_palette = self.palette and not narrow
        if self._composed != (width, self.compact, self.show_command_palette):
            self.refresh(recompose=True)  # (a rebuild shows an empty footer for a frame)
