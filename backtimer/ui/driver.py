"""The terminal driver: Textual's LinuxDriver with an input thread that sleeps until a key.

Textual's input thread wakes every 0.1 s: to see whether it should stop, and whether an
Escape that came alone has waited long enough to be the Escape key. Ten wake-ups a second
cost about 1 ms of CPU each second whatever the screen does, a third of what the work
screen costs while it counts seconds. This driver's thread waits on the terminal and on a
pipe that stopping writes to, with a time limit only while the parser holds the start of
an escape sequence. Keys, mouse, paste, resize, suspend (Ctrl+Z, the editor) and leaving
work as with LinuxDriver; `BacktimerApp.get_driver_class` picks it where Textual would pick
LinuxDriver (never for the browser's or a test's driver).
"""

from __future__ import annotations

import contextlib
import os
import selectors
import threading
import time
from codecs import getincrementaldecoder
from typing import Any

from textual._time import get_time
from textual._xterm_parser import XTermParser
from textual.app import App
from textual.drivers.linux_driver import LinuxDriver

STOCK_WAIT = 0.1  # seconds: Textual's own cadence, kept if its parser ever changes shape


class _WakingEvent(threading.Event):
    """An Event that also makes a pipe readable when set, so the input thread's select()
    wakes. The pipe lives as long as one input thread (the driver outlives a suspend)."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._pipe: tuple[int, int] | None = None

    def open(self) -> int:
        """A new pipe for a starting input thread; its reading end."""
        with self._lock:
            read, write = os.pipe()
            os.set_blocking(read, False)
            os.set_blocking(write, False)
            self._pipe = (read, write)
            return read

    def close(self) -> None:
        """The input thread has ended: its pipe goes."""
        with self._lock:
            pipe, self._pipe = self._pipe, None
        for fd in pipe or ():
            with contextlib.suppress(OSError):
                os.close(fd)

    def set(self) -> None:
        super().set()
        with self._lock:
            if self._pipe is not None:
                with contextlib.suppress(OSError):  # full: it is readable already
                    os.write(self._pipe[1], b"!")


_MISSING = object()


def _wait_for(parser: XTermParser) -> float | None:
    """How long the input thread may sleep: until the parser's escape timeout when it holds
    an unfinished sequence, else until input (None)."""
    deadline = getattr(parser, "_timeout_time", _MISSING)
    if deadline is None:
        return None
    if isinstance(deadline, float | int):
        return max(0.0, float(deadline) - get_time())
    return STOCK_WAIT  # the parser changed shape: poll as Textual does


class QuietLinuxDriver(LinuxDriver):
    """LinuxDriver whose input thread does not wake while nothing happens."""

    def __init__(
        self,
        app: App[Any],
        *,
        debug: bool = False,
        mouse: bool = True,
        size: tuple[int, int] | None = None,
    ) -> None:
        super().__init__(app, debug=debug, mouse=mouse, size=size)
        self._wake = _WakingEvent()
        self.exit_event = self._wake

    def run_input_thread(self) -> None:
        """Wait for input (or for stopping) and dispatch events."""
        fileno = self.fileno
        wake = self._wake.open()
        parser = XTermParser(self._debug)
        decode = getincrementaldecoder("utf-8")().decode

        selector = selectors.DefaultSelector()

        def dispatch(ready: bool) -> None:
            if ready:
                data = os.read(fileno, 1024 * 4)
                if not data:  # the terminal is gone: stop asking (SIGHUP ends the app)
                    selector.unregister(fileno)
                else:
                    for event in parser.feed(decode(data)):
                        self.process_message(event)
            for event in parser.tick():
                self.process_message(event)

        try:
            selector.register(fileno, selectors.EVENT_READ)
            selector.register(wake, selectors.EVENT_READ)
            while not self.exit_event.is_set():
                ready = selector.select(_wait_for(parser))
                dispatch(any(key.fd == fileno for key, _ in ready))
            # As LinuxDriver: what is typed from now on is not ours (the editor's, the
            # shell's); an Escape still waiting for its timeout is delivered.
            pending = _wait_for(parser)
            if pending is not None:
                time.sleep(min(pending, STOCK_WAIT))
                dispatch(False)
        finally:
            selector.close()
            self._wake.close()
            try:
                for _event in parser.feed(""):
                    pass
            except Exception:  # the end of a half-read sequence: nothing to deliver
                pass
