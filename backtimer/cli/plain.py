"""The plain runner: a session as lines of text, for dumb terminals, screen readers, SSH
and scripts. One line per event worth a person's attention, written the moment it
happens; a summary at the end.

One loop drives the session: it sleeps until the engine's next deadline (or a key / a
line on standard input, or at most MAX_SLEEP), so it costs almost no CPU and wakes on
time. The commands are the app's (backtimer.usecases.keymap, remapped by [keys]): when
standard input is a terminal (cbreak mode, restored on every way out) their single-key
bindings, by default space pause/resume, n next, N skip exercise, p back, r restart,
+/- 10 s, d/Enter done, m mute, v voice, ! it hurts, q stop, ? the keys. Otherwise standard input
is read as lines: an empty line, "d" or "done" marks the next self-paced set /
open-ended hold done (lines sent ahead are kept for the next one); any other line names
an action ("pause", "next", "back", "quit") or is one of its keys. At end of input open
segments are skipped, and with `auto` they are skipped at once.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any, TextIO

from backtimer import clock as real_clock
from backtimer.cli.execute import silence_stdout
from backtimer.cli.plain_lines import Formatter
from backtimer.events import (
    Event,
)
from backtimer.routine.durations import duration_text, elapsed_clock
from backtimer.routine.model import Routine
from backtimer.text import visible
from backtimer.timeline import compile
from backtimer.usecases.keymap import PlainCommands
from backtimer.usecases.session import Session
from backtimer.usecases.settings import Settings

MAX_SLEEP = 1.0  # wake at least this often: the engine's suspend rule (max_gap 5 s) needs it


class Terminated(BaseException):  # not Exception: must pass through listeners
    """SIGTERM or SIGHUP arrived: leave through the same door as Ctrl-C."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.code = 128 + signum


@contextlib.contextmanager
def _terminating_signals() -> Iterator[None]:
    def raise_terminated(signum: int, _frame: object) -> None:
        raise Terminated(signum)

    saved: dict[int, Any] = {}  # Any: the handlers signal.signal returns (typeshed's type)
    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is None:
            continue
        with contextlib.suppress(ValueError, OSError):  # not the main thread
            saved[signum] = signal.signal(signum, raise_terminated)
    try:
        yield
    finally:
        for signum, handler in saved.items():
            signal.signal(signum, handler)


@contextlib.contextmanager
def cbreak(fd: int) -> Iterator[None]:
    """Single keys without Enter and without echo; the terminal is restored on the way out."""
    import termios  # noqa: PLC0415 - POSIX only, and only for a terminal
    import tty  # noqa: PLC0415

    saved = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd)
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


class LinePrinter:
    """The session listener that prints: handed each batch before sound and history, so
    a line is never held up by them."""

    notice: str | None = None

    def __init__(self, fmt: Formatter, out: TextIO) -> None:
        self.fmt = fmt
        self.out = out
        self.gone = False  # the reader went away (a closed pipe): the runner stops

    def write(self, lines: list[str]) -> None:
        if lines and not self.gone:
            try:
                # every line may quote a routine's text: never a raw control character
                self.out.write("".join(visible(line, keep="\n\t") + "\n" for line in lines))
                self.out.flush()
            except OSError:  # a closed pipe, or a terminal that hung up (EIO)
                self.gone = True

    def handle(self, events: list[Event]) -> None:
        self.write(self.fmt.lines(events))

    def close(self) -> None:
        pass


class PlainRunner:
    def __init__(
        self,
        session: Session,
        printer: LinePrinter,
        *,
        stdin_fd: int | None,
        tty: bool,
        auto: bool = False,
        read_clock: Callable[[], tuple[float, float]] = real_clock.read,
    ) -> None:
        """`printer` must be one of the session's listeners: it prints the events."""
        self.session = session
        self.engine = session.engine
        self.printer = printer
        self.fd = stdin_fd
        self.tty = tty
        self.auto = auto
        self.read_clock = read_clock
        self._notices_shown = 0
        self._buffer = b""
        self._eof = stdin_fd is None
        self._pending_done = 0
        self._commands: list[str] = []  # actions to run
        self.keys = printer.fmt.commands

    def show(self, events: list[Event]) -> None:
        """The events were printed by the printer; here: new notices from listeners."""
        notices = self.session.notices
        if len(notices) > self._notices_shown:
            self.printer.write([f"note: {n}" for n in notices[self._notices_shown :]])
            self._notices_shown = len(notices)

    def run(self) -> int:
        """Run the session to its end. 0 when completed or stopped, 130 on Ctrl-C,
        128 + N on SIGTERM / SIGHUP (the session is stopped and summed up the same way)."""
        self.printer.write(self.printer.fmt.header())
        self.show([])
        try:
            with _terminating_signals():
                if self.tty and self.fd is not None:
                    with cbreak(self.fd):
                        self._loop()
                else:
                    self._loop()
        except KeyboardInterrupt:
            now, _ = self.read_clock()
            self.show(self.session.stop(now))
            return 130
        except Terminated as exc:
            # Not the person's choice: the summary so far is shown, and history keeps the
            # session as interrupted (closing a session that never stopped says so).
            now, _ = self.read_clock()
            self.printer.write(self.printer.fmt.lines(self.engine.stop(now)))
            self.printer.write([f"interrupted by {signal.Signals(exc.code - 128).name}"])
            return exc.code
        finally:
            self.session.close()
            self.show([])  # a problem met while closing (history, sound)
            saved = self.session.saved_to_history()
            if saved:
                self.printer.write([saved])
            if self.printer.gone:
                silence_stdout()
            else:
                self.show([])  # what closing had to say (a session kept aside)
        return 0

    def _loop(self) -> None:
        sel = selectors.DefaultSelector()
        if self.fd is not None:
            try:
                sel.register(self.fd, selectors.EVENT_READ)
            except (OSError, ValueError):  # e.g. a regular file: always readable
                self._read_all_now()
        try:
            self.show(self.session.start(*self.read_clock()))
            while self.engine.state not in ("finished", "stopped"):
                self._open_segment()
                if self.engine.state in ("finished", "stopped"):
                    break
                now, _ = self.read_clock()
                wake = self.engine.next_wakeup(now)
                limit = now + MAX_SLEEP
                timeout = max(0.0, (min(wake, limit) if wake is not None else limit) - now)
                if sel.get_map():
                    for key, _mask in sel.select(timeout):
                        self._read(key.fd, sel)
                else:
                    time.sleep(timeout)
                self.show(self.session.advance(*self.read_clock()))
                self._run_commands()
                if self.printer.gone:  # nobody reads the lines any more: end the session
                    self.session.stop(self.read_clock()[0])
        finally:
            sel.close()

    def _open_segment(self) -> None:
        """Done or skip a waiting open segment when the input says so."""
        if self.engine.state != "waiting":
            return
        now, _ = self.read_clock()
        if self._pending_done > 0:
            self._pending_done -= 1
            self.show(self.session.done(now))
        elif self.auto or self._eof:
            self.show(self.session.skip(now))

    def _read_all_now(self) -> None:
        assert self.fd is not None
        while True:
            chunk = os.read(self.fd, 65536)
            if not chunk:
                break
            self._take(chunk)
        self._eof = True
        self._flush_partial()

    def _read(self, fd: int, sel: selectors.BaseSelector) -> None:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            chunk = b""
        if not chunk:
            sel.unregister(fd)
            self._eof = True
            self._flush_partial()
            return
        self._take(chunk)

    def _take(self, chunk: bytes) -> None:
        if self.tty:
            for ch in chunk.decode(errors="replace"):
                action = self.keys.for_key(ch)
                if action is not None:
                    self._commands.append(action)
            return
        self._buffer += chunk
        *lines, self._buffer = self._buffer.split(b"\n")
        for raw in lines:
            self._line(raw.decode(errors="replace"))

    def _flush_partial(self) -> None:
        if self._buffer.strip():
            self._line(self._buffer.decode(errors="replace"))
        self._buffer = b""

    def _line(self, text: str) -> None:
        action = self.keys.for_line(text)
        if action == "done":
            self._pending_done += 1
        elif action is not None:
            self._commands.append(action)

    def _run_commands(self) -> None:
        while self._commands:
            action = self._commands.pop(0)
            now, _ = self.read_clock()
            s = self.session
            if action == "pause":
                self.show(s.toggle_pause(now))
            elif action == "next":
                self.show(s.skip(now))
            elif action == "skip_exercise":
                self.show(s.skip_exercise(now))
            elif action == "back":
                self.show(s.back(now))
            elif action == "restart":
                self.show(s.restart_exercise(now))
            elif action == "done":
                self.show(s.done(now))
            elif action in ("more_time", "less_time"):
                less = action == "less_time"
                self.show(s.adjust(now, -10.0 if less else 10.0))
                left = self.engine.remaining(now)
                if left is not None:
                    sign = "-" if less else "+"
                    at = elapsed_clock(self.engine.session_elapsed(now))
                    self.printer.write([f"{at} {sign}10s  {duration_text(round(left, 1))} left"])
            elif action == "mute":
                self._toggle_mute()
            elif action == "voice":
                self._toggle_voice()
            elif action == "quit":
                self.show(s.stop(now))
            elif action == "pain":
                self.show(s.pain(now))
            elif action == "help":
                self.printer.write([self.printer.fmt.help()])

    def _toggle_mute(self) -> None:
        audio = self.session.audio
        if audio is None or audio.backend is None:
            self.printer.write(["sound is off"])
            return
        audio.toggle_mute()
        self.printer.write(["sound muted" if audio.muted else "sound on"])

    def _toggle_voice(self) -> None:
        audio = self.session.audio
        if audio is None or audio.client is None:
            self.printer.write(["the voice needs sound, and sound is off"])
            return
        self.printer.write(["voice on" if audio.toggle_voice() else "voice off"])


def run_plain(
    routine: Routine,
    *,
    sound: bool,
    auto: bool,
    record: bool = True,
    out: TextIO | None = None,
    settings: Settings | None = None,
    voice: bool | None = None,
) -> int:
    """`voice`: speak (--voice / --no-voice); None: as [voice] enabled says."""
    timeline = compile(routine)
    stdin = sys.stdin
    fd: int | None
    try:
        fd = stdin.fileno() if stdin is not None else None
    except (OSError, ValueError):
        fd = None
    tty = fd is not None and os.isatty(fd)
    settings = settings or Settings()
    commands = PlainCommands(settings.keys)
    fmt = Formatter(routine, timeline, tty=tty, auto=auto, commands=commands)
    printer = LinePrinter(fmt, out or sys.stdout)
    added: list[str] = []
    if record:  # sessions the history could not take last time: added before this one
        from backtimer.history.pending import replay  # noqa: PLC0415

        added = replay()
    session = Session(
        routine,
        timeline,
        sound=sound,
        record=record,
        listeners=[printer],
        settings=settings,
        voice=voice,
    )
    session.notices[:0] = added  # shown under the header, like the listeners' notices
    runner = PlainRunner(session, printer, stdin_fd=fd, tty=tty, auto=auto)
    return runner.run()
