"""The driver of an app that `backtimer serve` runs: Textual's WebDriver, and a full repaint
when the server asks for one.

A page that comes back to an app that went on without it (a reload, a phone whose screen
was off) starts with an empty terminal, and Textual sends only what changes: the server
sends a "repaint" meta packet, and the app draws its whole screen again. The server picks
this driver through TEXTUAL_DRIVER (backtimer/web/server.py).
"""

from __future__ import annotations

from textual import events
from textual.drivers.web_driver import WebDriver


class ServedDriver(WebDriver):
    def on_meta(self, packet_type: str, payload: dict[str, object]) -> None:
        if packet_type == "repaint":
            # from the input thread: post_message is thread-safe
            self._app.post_message(events.Callback(callback=self._repaint))
            return
        super().on_meta(packet_type, payload)

    def _repaint(self) -> None:
        self._app.screen.refresh()
