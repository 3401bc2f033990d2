"""Progress over the whole routine, with the time left."""

from __future__ import annotations

from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from backtimer.ui.widgets.lines import BOLD, DIM, PLAIN, bar_text, strip


class RoutineProgress(Widget):
    DEFAULT_CSS = """
    RoutineProgress { height: 1; width: 100%; }
    """

    fraction: reactive[float] = reactive(0.0)
    time_left: reactive[str] = reactive("")

    def show(self, fraction: float, time_left: str) -> None:
        """Both values at once: one repaint a second, not one per value."""
        if fraction == self.fraction and time_left == self.time_left:
            return
        self.set_reactive(RoutineProgress.fraction, fraction)
        self.set_reactive(RoutineProgress.time_left, time_left)
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        if y != 0:
            return Strip.blank(width, base)
        label = f" {round(self.fraction * 100):>3}%  {self.time_left}"
        filled, empty = bar_text(self.fraction, width - len(label) - 1)
        parts = [(filled, PLAIN), (empty, DIM), (label, BOLD)]
        return strip(parts, width, base)
