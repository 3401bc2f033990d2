"""Shared by the serve tests and bench/serve_bench.py: a `backtimer serve` process on a free
loopback port, and a browser page whose screen is read back from the WebSocket.

The page draws the app on a canvas, so the text a person sees is rebuilt from the bytes the
server sends the page (the app's terminal output) with pyte, a VT terminal emulator, sized
as the page asked the app to be.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
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


def chromium_args(scale: int = 1) -> list[str]:
    """The browser's arguments for a screen of `scale` device pixels per CSS pixel (a
    phone is 2 or 3). Playwright's device_scale_factor alone sets devicePixelRatio but not
    the size ResizeObserver reports in device pixels (Playwright issue 18591), and
    xterm.js sizes its canvas from both: the page would be drawn twice too large, cut off.
    A real screen of that density makes both agree, as on a phone; pass the same scale as
    device_scale_factor to the context."""
    return [*CHROMIUM_ARGS, f"--force-device-scale-factor={scale}"] if scale != 1 else CHROMIUM_ARGS


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


class Relay:
    """A TCP relay on a free loopback port in front of `target` ("host:port") whose
    connections the test can cut, as a lost network (or a phone whose screen went off)
    does: no WebSocket close frame, the page sees code 1006."""

    def __init__(self, target: str) -> None:
        host, port = target.rsplit(":", 1)
        self.target = (host, int(port))
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.address = f"127.0.0.1:{self.listener.getsockname()[1]}"
        self.open: list[socket.socket] = []  # both ends of each connection
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:  # closed
                return
            try:
                server = socket.create_connection(self.target)
            except OSError:  # the server has stopped
                client.close()
                continue
            with self.lock:
                self.open += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: Any, sink: Any) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        """End every connection open now, with no WebSocket close frame (new ones go
        through)."""
        with self.lock:
            ends, self.open = self.open, []
        for end in ends:
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)  # wakes the pump blocked on it

    def close(self) -> None:
        self.listener.close()
        self.cut()


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

    def row_of(self, text: str, *, beside: str = "") -> int:
        """The first row showing `text` (and `beside` too: "Next" beside "Pause" is the
        button, not the "Next: Chin tuck" line)."""
        for number, line in enumerate(self.screen.display):
            if text in line and beside in line:
                return number
        raise AssertionError(f"{text!r} is not on the page:\n{self.text()}")

    def cell_box(self) -> tuple[float, float, float, float]:
        """(left, top, cell width, cell height) of the page's character grid, in CSS px."""
        assert self.size is not None
        box = self.page.locator(".xterm-screen").bounding_box()
        assert box is not None
        return box["x"], box["y"], box["width"] / self.size[0], box["height"] / self.size[1]

    def cell_centre(self, text: str, *, beside: str = "") -> tuple[float, float]:
        """Page coordinates of the middle of `text` where the page draws it."""
        row = self.row_of(text, beside=beside)
        column = self.screen.display[row].index(text) + len(text) / 2
        left, top, cell_w, cell_h = self.cell_box()
        return left + column * cell_w, top + (row + 0.5) * cell_h

    def drawn_at_device_resolution(self) -> tuple[int, int]:
        """(pixels the page's text canvas has across, device pixels it covers): equal when
        each device pixel is drawn (sharp, not stretched or cut)."""
        size = self.page.evaluate(
            """() => {
                const canvas = document.querySelector(".xterm-screen canvas");
                const box = canvas.getBoundingClientRect();
                return [canvas.width, Math.round(box.width * window.devicePixelRatio)];
            }"""
        )
        return int(size[0]), int(size[1])


def ink_in_cells(png: bytes, scale: int, screen: BrowserScreen, row: int) -> list[bool]:
    """For each cell of `row`, whether the screenshot `png` (taken at `scale` device pixels
    per CSS pixel) has ink there: a pixel much lighter than the page's background in the
    cell's middle half. What a person sees, whatever the page's grid says."""
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("L")
    background = 40  # the app's background is near black (#121212)
    left, top, cell_w, cell_h = screen.cell_box()
    assert screen.size is not None
    inked = []
    for column in range(screen.size[0]):
        x0, y0 = (left + (column + 0.25) * cell_w) * scale, (top + (row + 0.25) * cell_h) * scale
        x1, y1 = (left + (column + 0.75) * cell_w) * scale, (top + (row + 0.75) * cell_h) * scale
        box = image.crop((int(x0), int(y0), max(int(x1), int(x0) + 1), max(int(y1), int(y0) + 1)))
        lightest = box.getextrema()[1]
        inked.append(isinstance(lightest, int) and lightest > background + 60)
    return inked


def countdown_rows(text: str) -> list[str]:
    """The big digits as the page shows them: Textual's Digits (three rows, the middle one
    with the colon between two glyphs: "│ │ : │ │") on a small page, the block font on a
    large one (rows of "██"; not the breath bar, not the progress line)."""
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if re.search(r"\S :\s\S", line) and 0 < number < len(lines) - 1:
            return lines[number - 1 : number + 2]
    return [line for line in lines if "██" in line and "▕" not in line and "%" not in line]
