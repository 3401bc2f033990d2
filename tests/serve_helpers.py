"""Shared by the serve tests and bench/serve_bench.py: a `backtimer serve` process on a free
loopback port, and a browser page whose screen is read back from the WebSocket.

The page draws the app on a canvas, so the text a person sees is rebuilt from the bytes the
server sends the page (the app's terminal output) with pyte, a VT terminal emulator, sized
as the page asked the app to be.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TOKEN = "test-token-0123456789abcdef"

QUICK_ROUTINE = """\
[routine]
name = "Quick test"

[defaults]
prepare = "5s"

[[exercise]]
name = "Chin tuck"
hold = "20s"
reps = 2

[[exercise]]
name = "Wall sit"
hold = "max"
"""


def chromium_missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    return None


def served_env(home: Path) -> dict[str, str]:
    """A private HOME and backtimer folders under `home`, with the quick routine."""
    config, data = home / "config", home / "data"
    (config / "routines").mkdir(parents=True, exist_ok=True)
    data.mkdir(parents=True, exist_ok=True)
    (config / "routines" / "quick-test.toml").write_text(QUICK_ROUTINE, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BACKTIMER_", "XDG_"))}
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        BACKTIMER_CONFIG_DIR=str(config),
        BACKTIMER_DATA_DIR=str(data),
    )
    return env


class Served:
    """`backtimer serve --port 0 ...` in the background; `url` is the one it printed."""

    def __init__(self, home: Path, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "backtimer", "serve", "--port", "0", *args],
            env=served_env(home),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.output: list[str] = []
        self.url = self._read_url()
        match = re.match(r"http://([^/]+)/", self.url)
        assert match
        self.address = match.group(1)

    def _read_url(self, timeout: float = 30.0) -> str:
        assert self.process.stdout is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            self.output.append(line)
            found = re.search(r"open (http://\S+)", line)
            if found:
                return found.group(1)
        self.stop()
        raise AssertionError("serve printed no URL:\n" + "".join(self.output))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


class BrowserScreen:
    """What the page shows, as text: pyte fed with the WebSocket's frames."""

    def __init__(self, page: Any) -> None:
        import pyte

        self.page = page
        self.screen = pyte.Screen(80, 24)
        self.stream = pyte.ByteStream(self.screen)
        self.size: tuple[int, int] | None = None
        page.on("websocket", self._attach)

    def _attach(self, ws: Any) -> None:
        ws.on("framereceived", self._received)
        ws.on("framesent", self._sent)

    def _received(self, payload: bytes | str) -> None:
        if isinstance(payload, bytes):
            self.stream.feed(payload)

    def _sent(self, payload: bytes | str) -> None:
        if isinstance(payload, str) and payload.startswith('["resize"'):
            size = json.loads(payload)[1]
            self.size = (int(size["width"]), int(size["height"]))
            self.screen.resize(lines=self.size[1], columns=self.size[0])

    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.screen.display)

    def wait_for(self, text: str, timeout: float = 15.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shown = self.text()
            if text in shown:
                return shown
            self.page.wait_for_timeout(50)
        raise AssertionError(f"{text!r} never appeared; the page shows:\n{self.text()}")

    def row_of(self, text: str) -> int:
        for number, line in enumerate(self.screen.display):
            if text in line:
                return number
        raise AssertionError(f"{text!r} is not on the page:\n{self.text()}")

    def cell_centre(self, text: str) -> tuple[float, float]:
        """Page coordinates of the middle of `text` where the page draws it."""
        assert self.size is not None
        row = self.row_of(text)
        column = self.screen.display[row].index(text) + len(text) / 2
        box = self.page.locator(".xterm-screen").bounding_box()
        assert box is not None
        cell_w, cell_h = box["width"] / self.size[0], box["height"] / self.size[1]
        return box["x"] + column * cell_w, box["y"] + (row + 0.5) * cell_h


def countdown_rows(text: str) -> list[str]:
    """The big digits as the page shows them: Textual's Digits (three rows, the middle one
    with the colon between two glyphs: "│ │ : │ │") on a small page, the block font on a
    large one (rows of "██"; not the breath bar, not the progress line)."""
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if re.search(r"\S :\s\S", line) and 0 < number < len(lines) - 1:
            return lines[number - 1 : number + 2]
    return [line for line in lines if "██" in line and "▕" not in line and "%" not in line]
