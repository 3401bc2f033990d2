"""The breath guide: a bar that grows on Inhale, stays full on Hold, shrinks on Exhale.

It shows what it is given (a BreathView from backtimer.ui.view); no timing here.
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from backtimer.ui.view import BREATH_LEVELS, BreathView

_EIGHTHS = " ▏▎▍▌▋▊▉"


class BreathGuide(Widget):
    DEFAULT_CSS = """
    BreathGuide { height: 1; width: 100%; }
    """

    breath: reactive[BreathView | None] = reactive(None)

    def render(self) -> Text:
        b = self.breath
        if b is None:
            return Text("")
        label = f" {b.word:<6} {b.seconds:>2} s "
        room = max(0, self.size.width - len(label) - 2)
        eighths = round(room * 8 * b.level / BREATH_LEVELS)
        full, part = divmod(eighths, 8)
        bar = "█" * full + (_EIGHTHS[part] if part else "")
        text = Text(label, style="bold")
        text.append("▕")
        text.append(bar)
        text.append("·" * (room - len(bar)), style="dim")
        text.append("▏")
        return text
