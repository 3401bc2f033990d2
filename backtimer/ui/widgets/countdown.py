"""The big countdown: Textual's Digits, and a larger block font on big terminals.

The widget only shows the string it is given (attributes down); the session screen
decides what and when. `scale` 0 is the normal three-line Digits; 1, 2, 3 draw
the same text in a block font 5, 10, 15 lines tall for people across the room. A text
wider than the widget at that scale ("1:00:00" on a phone) is drawn at the largest
scale that fits whole, down to the Digits: a clock is never cut.
"""

from __future__ import annotations

from functools import lru_cache

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.renderables.digits import Digits as DigitsRenderable
from textual.strip import Strip
from textual.widgets import Digits

# 3x5 glyphs, "#" = ink
_FONT: dict[str, tuple[str, ...]] = {
    "0": ("###", "#.#", "#.#", "#.#", "###"),
    "1": (".#.", "##.", ".#.", ".#.", "###"),
    "2": ("###", "..#", "###", "#..", "###"),
    "3": ("###", "..#", "###", "..#", "###"),
    "4": ("#.#", "#.#", "###", "..#", "..#"),
    "5": ("###", "#..", "###", "..#", "###"),
    "6": ("###", "#..", "###", "#.#", "###"),
    "7": ("###", "..#", "..#", "..#", "..#"),
    "8": ("###", "#.#", "###", "#.#", "###"),
    "9": ("###", "#.#", "###", "..#", "###"),
    ":": (".", "#", ".", "#", "."),
    "+": ("...", ".#.", "###", ".#.", "..."),
    " ": ("..", "..", "..", "..", ".."),
}


@lru_cache(maxsize=16)
def block_lines(value: str, scale: int) -> tuple[str, ...]:
    """`value` in the block font, each pixel 2*scale cells wide and scale rows tall."""
    glyphs = [_FONT.get(ch, _FONT[" "]) for ch in value]
    rows: list[str] = []
    for y in range(5):
        cells = " ".join(
            "".join(("█" if px == "#" else " ") * (2 * scale) for px in g[y]) for g in glyphs
        )
        rows.extend([cells] * scale)
    return tuple(rows)


def _offset(align: str, spare: int) -> int:
    """Cells before a line `spare` cells narrower than the widget, for its text-align."""
    if spare <= 0:
        return 0
    if align == "center":
        return spare // 2
    return spare if align in ("right", "end") else 0


class Countdown(Digits):
    """A clock such as "1:30" in Digits, or bigger when `scale` > 0."""

    DEFAULT_CSS = """
    Countdown { width: auto; }
    """

    scale: reactive[int] = reactive(0, layout=True)
    _line_style: Style | None = None
    _line_width = 0
    _line_scale: int | None = None

    def fitting_scale(self, width: int) -> int:
        """The largest scale up to `scale` at which the text fits `width` cells."""
        scale = self.scale
        while scale > 0 and len(block_lines(self.value, scale)[0]) > width:
            scale -= 1
        return scale

    def render_lines(self, crop: Region) -> list[Strip]:
        # style, width and the scale that fits once per frame, not once per line (the
        # first two walk the ancestors)
        if self.scale > 0:
            self._line_style, self._line_width = self.rich_style, self.size.width
            self._line_scale = self.fitting_scale(self._line_width)
        try:
            return super().render_lines(crop)
        finally:
            self._line_scale = None

    def render_line(self, y: int) -> Strip:
        width = self._line_width or self.size.width
        scale = self._line_scale
        if scale is None:
            scale = self.fitting_scale(width) if self.scale > 0 else 0
        if scale <= 0:
            return super().render_line(y)
        # the block font: plain strips, no Rich layout pass (it changes every second)
        lines = block_lines(self.value, scale)
        style = self._line_style or self.rich_style
        if not 0 <= y < len(lines):
            return Strip.blank(width, style)
        line = lines[y]
        left = _offset(self.styles.text_align, width - len(line))
        segments = [Segment(line, style)]
        if left:
            segments.insert(0, Segment(" " * left, style))
        return Strip(segments, left + len(line)).adjust_cell_length(width, style)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        scale = self.fitting_scale(container.width)
        if scale <= 0:
            return DigitsRenderable.get_width(self.value)
        return len(block_lines(self.value, scale)[0])

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        scale = self.fitting_scale(width)
        return 3 if scale <= 0 else 5 * scale
