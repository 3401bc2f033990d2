"""The breath guide: a bar that grows on Inhale, stays full on Hold, shrinks on Exhale.

It shows what it is given (a BreathView from backtimer.ui.view); no timing here.
"""

from __future__ import annotations

from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from backtimer.ui.view import BreathView
from backtimer.ui.widgets.lines import BOLD, DIM, PLAIN, bar_text, strip


class BreathGuide(Widget):
    DEFAULT_CSS = """
    BreathGuide { height: 1; width: 100%; }
    """

    breath: reactive[BreathView | None] = reactive(None)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        b = self.breath
        if y != 0 or b is None:
            return Strip.blank(width, self.rich_style)
        label = f" {b.word:<6} {b.seconds:>2} s "
        filled, empty = bar_text(b.fill, width - len(label) - 2)
        parts = [(label, BOLD), ("▕", PLAIN), (filled, PLAIN), (empty, DIM), ("▏", PLAIN)]
        return strip(parts, width, self.rich_style)
