"""The reference for bench/ui_startup.py and bench/ui_cpu.py: a bare Textual app that
shows one Digits ("10:00"). With --tick it counts down once a second (set_interval)."""

from __future__ import annotations

import sys

from textual.app import App, ComposeResult
from textual.widgets import Digits


class BareDigits(App[None]):
    CSS = "Screen { align: center middle; } Digits { width: auto; }"

    def __init__(self, tick: bool) -> None:
        super().__init__()
        self.tick = tick
        self.left = 600

    def compose(self) -> ComposeResult:
        yield Digits("10:00")

    def on_mount(self) -> None:
        if self.tick:
            self.set_interval(1.0, self.count)

    def count(self) -> None:
        self.left -= 1
        self.query_one(Digits).update(f"{self.left // 60}:{self.left % 60:02d}")


if __name__ == "__main__":
    BareDigits(tick="--tick" in sys.argv).run()
