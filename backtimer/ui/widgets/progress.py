"""Progress over the whole routine, with the time left."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

_EIGHTHS = " ▏▎▍▌▋▊▉"


class RoutineProgress(Widget):
    DEFAULT_CSS = """
    RoutineProgress { height: 1; width: 100%; }
    """

    fraction: reactive[float] = reactive(0.0)
    time_left: reactive[str] = reactive("")

    def render(self) -> Text:
        label = f" {round(self.fraction * 100):>3}%  {self.time_left}"
        room = max(0, self.size.width - len(label) - 1)
        eighths = round(room * 8 * max(0.0, min(1.0, self.fraction)))
        full, part = divmod(eighths, 8)
        bar = "█" * full + (_EIGHTHS[part] if part else "")
        text = Text(bar)
        text.append("·" * (room - len(bar)), style="dim")
        text.append(label, style="bold")
        return text
