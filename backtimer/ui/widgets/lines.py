"""Cheap one-line rendering for widgets that change every second (Textual's Line API):
a Strip built straight from segments, no Rich layout pass."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

_EIGHTHS = " ▏▎▍▌▋▊▉"

BOLD = Style(bold=True)
DIM = Style(dim=True)
PLAIN = Style()


def bar_text(fraction: float, width: int) -> tuple[str, str]:
    """(filled, empty) parts of a bar `width` cells wide, in eighths of a cell."""
    width = max(0, width)
    eighths = round(width * 8 * max(0.0, min(1.0, fraction)))
    full, part = divmod(eighths, 8)
    filled = "█" * full + (_EIGHTHS[part] if part else "")
    return filled, "·" * (width - len(filled))


def strip(parts: list[tuple[str, Style]], width: int, base: Style) -> Strip:
    segments = [Segment(text, base + style) for text, style in parts if text]
    return Strip(segments).adjust_cell_length(width, base)
