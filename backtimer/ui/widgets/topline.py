"""The session's top row: the state word, the exercise, and the set / rep / side detail.

    " WORK  Chin tuck                                   Rep 3/10 · Set 1/2 · Left side"

One Line-API widget rather than three labels in a row: the row is part of every frame's
repaint and of the first frame's layout, and a Horizontal with three Labels costs four
widgets in each. Its parts are styled from CSS through component classes
(`TopLine > .topline--state` and so on; the session screen colours the state word by
segment kind). When the row is too narrow the detail goes first, then the name is cut
with an ellipsis; the state word always shows.
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

MIN_NAME = 12  # the detail gives way before the name gets shorter than this


class TopLine(Widget):
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "topline--state",
        "topline--name",
        "topline--detail",
    }
    DEFAULT_CSS = """
    TopLine { height: 1; width: 100%; }
    TopLine > .topline--state { text-style: bold reverse; }
    TopLine > .topline--name { text-style: bold; }
    TopLine > .topline--detail { color: $text-muted; }
    """

    state_word: reactive[str] = reactive("")
    exercise: reactive[str] = reactive("")
    detail: reactive[str] = reactive("")

    def __init__(
        self, exercise: str = "", *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.set_reactive(TopLine.exercise, exercise)

    def show(self, state_word: str, exercise: str, detail: str) -> None:
        """All three at once: one repaint, not one per part."""
        if (state_word, exercise, detail) == (self.state_word, self.exercise, self.detail):
            return
        self.set_reactive(TopLine.state_word, state_word)
        self.set_reactive(TopLine.exercise, exercise)
        self.set_reactive(TopLine.detail, detail)
        self.refresh()

    def parts(self, width: int) -> tuple[str, str, str]:
        """(state, name, detail) as they fit in `width` cells; blanks where one is left out."""
        state = f" {self.state_word} " if self.state_word else ""
        used = cell_len(state) + (1 if state else 0)
        detail = self.detail
        room = width - used - (cell_len(detail) + 1 if detail else 0)
        if detail and room < min(MIN_NAME, cell_len(self.exercise)):
            detail, room = "", width - used
        name = self.exercise
        if cell_len(name) > room:
            name = set_cell_size(name, max(0, room - 1)) + "…" if room > 0 else ""
        return state, name, detail

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        if y != 0:
            return Strip.blank(width, base)
        state, name, detail = self.parts(width)
        style = self.get_component_rich_style
        segments: list[Segment] = []
        if state:
            segments += [Segment(state, style("topline--state")), Segment(" ", base)]
        segments.append(Segment(name, style("topline--name")))
        if detail:
            used = cell_len(state) + (1 if state else 0) + cell_len(name)
            gap = Segment(" " * max(1, width - used - cell_len(detail)), base)
            segments += [gap, Segment(detail, style("topline--detail"))]
        return Strip(segments).adjust_cell_length(width, base)
