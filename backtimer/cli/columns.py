"""Plain text columns for long tables (`backtimer plan`): the layout of a borderless Rich
table (two spaces between columns, one column that wraps), in time linear in the text.

Rich's Table measures every cell of every row several times: for a plan of the largest
allowed routine (2,000 segments, docs/security.md) that took seconds. Here each cell is
measured once, and only text wider than its column is wrapped.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from rich.cells import cell_len, chop_cells

GAP = "  "


def wrap(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` terminal cells, broken at spaces where it can."""
    if cell_len(text) <= width:
        return [text]
    if text.isascii():
        return textwrap.wrap(text, width, break_on_hyphens=False) or [""]
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if cell_len(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        pieces = chop_cells(word, width) if cell_len(word) > width else [word]
        lines.extend(pieces[:-1])
        line = pieces[-1]
    lines.append(line)
    return lines


def _pad(text: str, width: int, right: bool) -> str:
    if text.isascii():  # one cell a character (control characters are visible() already)
        return text.rjust(width) if right else text.ljust(width)
    space = " " * max(0, width - cell_len(text))
    return space + text if right else text + space


def layout(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    width: int,
    right: frozenset[int] = frozenset(),
    flex: int,
    min_flex: int = 12,
) -> list[str]:
    """The table as lines (trailing spaces removed): the header first, then every row.
    Column `flex` takes the width that is left (at least `min_flex`) and wraps; columns
    in `right` are right-aligned."""
    count = len(header)
    widths = [cell_len(h) for h in header]
    for row in rows:
        for i, cell in enumerate(row):
            size = cell_len(cell)
            widths[i] = max(widths[i], size)
    fixed = sum(w for i, w in enumerate(widths) if i != flex) + len(GAP) * (count - 1)
    widths[flex] = max(min_flex, min(widths[flex], width - fixed))
    lines = []
    for n, row in enumerate([header, *rows]):
        parts = wrap(row[flex], widths[flex]) if n else [row[flex]]
        for k, part in enumerate(parts):
            cells = [
                _pad(part if i == flex else (cell if k == 0 else ""), widths[i], i in right)
                for i, cell in enumerate(row)
            ]
            lines.append(GAP.join(cells).rstrip())
    return lines
