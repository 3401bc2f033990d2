"""The Textual app: the library, sessions, summaries. `launch()` is what the CLI calls."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.dom import DOMNode
from textual.driver import Driver
from textual.drivers.linux_driver import LinuxDriver
from textual.screen import Screen

from backtimer.routine.library import RoutineEntry
from backtimer.routine.model import Routine
from backtimer.text import visible
from backtimer.ui.driver import QuietLinuxDriver
from backtimer.usecases.crash import EXIT_CRASH, crash_line, write_crash_log
from backtimer.usecases.keymap import SESSION_KEYS
from backtimer.usecases.levels import routine_at_level
from backtimer.usecases.routines import load_routine
from backtimer.usecases.settings import Settings, settings_with_keys

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel

    from backtimer.events import Summary
    from backtimer.usecases.session import Session

# Each screen's module is imported when it is first shown, so `backtimer run ID` reaches
# its first frame without the others and the library without the session. What each
# saves the first frame (incremental import, min of 9 runs on a loaded 2-core machine):
# library 28 ms, session 30 ms, summary 13 ms, work mode 52 ms, stats 5 ms, help 2 ms.

Clock = Callable[[], float]


# The work screen's choices in the command palette (ctrl+p): action, title, help.
WORK_COMMANDS = (
    ("pause", "Pause reminders", "No break reminders for 30m, 2h, until a time, or tomorrow"),
    ("resume", "Resume reminders", "End the pause now; the next break is the usual interval away"),
    ("start", "Start break", "Run the offered routine now"),
    ("snooze", "Snooze", "Put the reminder off"),
    ("skip", "Skip break", "No break this time (asks why)"),
    ("other", "Other routine", "Pick another routine for this break"),
)


class BacktimerApp(App[int]):
    TITLE = "backtimer"
    # session.tcss too: read at start, pushing the session screen then re-parses nothing
    CSS_PATH = ["app.tcss", "screens/session.tcss"]  # noqa: RUF012
    BINDINGS = [  # noqa: RUF012
        Binding("question_mark", "help", "Help", id="help", show=False),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True),
    ]

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Every notification of the app (screens' too): plain text, never markup (a routine
        named "Stretch [/]" is text), and control characters shown visibly (text.visible):
        messages quote routine names, file names and errors from stored data."""
        super().notify(
            visible(message, keep="\n"),
            title=visible(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def action_help_quit(self) -> None:
        """Ctrl+C (Textual only hints at ctrl+q there): what `q` does. A running session
        pauses and asks first; a second Ctrl+C, or Ctrl+C anywhere else, quits. Quitting
        mid-session stops it and saves what was done."""
        quit_session = getattr(self.screen, "action_quit_session", None)
        if callable(quit_session):
            quit_session()
        else:
            self.exit()

    def __init__(
        self,
        routine: Routine | None = None,
        *,
        clock: Clock | None = None,
        sound: bool = True,
        record: bool = True,
        entries: list[RoutineEntry] | None = None,
        keymap: dict[str, str] | None = None,
        session_factory: Callable[[Routine], Session] | None = None,
        settings: Settings | None = None,
        level: str = "current",
        voice: bool | None = None,
    ) -> None:
        super().__init__()
        self._settings = settings
        self.voice = voice  # --voice / --no-voice; None: as [voice] enabled says
        self.routine = routine
        self.clock: Clock = clock or time.monotonic
        self.sound = sound
        self.record = record
        self.entries = entries
        self.session_factory = session_factory
        self.level = level  # "current" or "base": progression, see backtimer/ui/levels.py
        self.first_frame_shown = False
        self.leaving = False  # exit() was called: input is no longer handled
        self.signalled: int | None = None  # SIGTERM / SIGHUP that ended the app
        self.crash: BaseException | None = None  # the unexpected error that ended it
        self.crash_log: Path | None = None
        self._after_first_frame: list[Callable[[], object]] = []
        self.keymap: dict[str, str] = dict(keymap or {})  # [keys]: what the help screen lists
        if keymap:
            self.set_keymap(keymap)

    @property
    def settings(self) -> Settings:
        """config.toml, read once (on first use when the app was not given it)."""
        if self._settings is None:
            self._settings, problem = Settings.load_or_defaults()
            if problem is not None:
                self.notify(f"{problem} — using the default settings", severity="error")
        return self._settings

    # ---- signals and faults --------------------------------------------------------------

    def get_driver_class(self) -> type[Driver]:
        """Textual's choice, with the terminal's LinuxDriver swapped for one whose input
        thread sleeps until a key (ui/driver.py); the browser's and tests' drivers stay."""
        chosen = super().get_driver_class()
        if chosen is LinuxDriver:
            return QuietLinuxDriver
        return chosen

    def on_load(self) -> None:
        """SIGTERM and SIGHUP end the app like a quit: the terminal is given back, a running
        session is saved as interrupted, and the exit code is 128 + the signal."""
        loop = asyncio.get_running_loop()
        for name in TERMINATING_SIGNALS:
            signum = getattr(signal, name, None)
            if signum is not None:
                with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                    loop.add_signal_handler(signum, self.terminate, signum)

    def on_unmount(self) -> None:
        with contextlib.suppress(RuntimeError):  # no loop: nothing to remove
            loop = asyncio.get_running_loop()
            for name in TERMINATING_SIGNALS:
                signum = getattr(signal, name, None)
                if signum is not None:
                    with contextlib.suppress(NotImplementedError, ValueError):
                        loop.remove_signal_handler(signum)

    def terminate(self, signum: int) -> None:
        if self.signalled is None:
            self.signalled = signum
        self._abandon_sessions()
        self.exit(return_code=128 + signum)

    def _handle_exception(self, error: Exception) -> None:
        """An error nobody expected: a log file in the data folder instead of a traceback
        on the terminal (launch() prints one line naming it), exit code 70."""
        if self.crash is None:
            self.crash = error
            self.crash_log = write_crash_log(error)
            self._abandon_sessions()
        super()._handle_exception(error)
        self._exit_renderables.clear()  # the traceback is in the log
        self._return_code = EXIT_CRASH

    def exit(self, result: int | None = None, return_code: int = 0, message: Any = None) -> None:
        self.leaving = True
        super().exit(result, return_code, message)

    async def on_event(self, event: events.Event) -> None:
        # Once the app is leaving, keys and clicks still queued (typed in the same frame as
        # the quit) are dropped: they would open screens in an app that is closing. So are
        # those that arrive while no screen is up (the last one already gone at the end).
        if isinstance(event, events.InputEvent) and (self.leaving or not self.screen_stack):
            return
        await super().on_event(event)

    def _abandon_sessions(self) -> None:
        """Close every session still running, so history marks it interrupted (not stopped,
        not completed): the person did not choose to end it."""
        for screen in list(self.screen_stack):
            session = getattr(screen, "session", None)
            if session is None or getattr(screen, "summary", None) is not None:
                continue
            with contextlib.suppress(Exception):
                session.close()

    # ---- flow: library -> session -> summary -------------------------------------------

    def after_first_frame(self, callback: Callable[[], object]) -> None:
        """Call `callback` once the first frame is on the terminal (at once after that).
        Work done in on_mount before then (under Textual's start-up batch) delays it."""
        if self.first_frame_shown:
            self.call_after_refresh(callback)
        else:
            self._after_first_frame.append(callback)

    def on_ready(self) -> None:
        self.first_frame_shown = True
        waiting, self._after_first_frame = self._after_first_frame, []
        for callback in waiting:
            self.call_after_refresh(callback)
        if self.record:  # sessions the history could not take last time: added now
            self.run_worker(self._add_pending_sessions, thread=True, group="history")

    def _add_pending_sessions(self) -> None:
        """In a thread (the database may be busy for its timeout): one notice each."""
        from backtimer.history.pending import replay  # noqa: PLC0415 - after the first frame

        for notice in replay():
            with contextlib.suppress(RuntimeError):  # the app closed meanwhile
                self.call_from_thread(
                    self.notify, notice, severity="information", timeout=10, markup=False
                )

    def on_mount(self) -> None:
        self.show_first_screen()

    def show_first_screen(self) -> None:
        """The routine given, or the library."""
        if self.routine is not None:
            self.start_routine(self.routine)
        else:
            self.show_library()

    def show_library(self) -> None:
        for screen in self.screen_stack:
            if type(screen).__name__ == "LibraryScreen":
                while self.screen is not screen:
                    self.pop_screen()
                return
        from backtimer.ui.screens.library import LibraryScreen  # noqa: PLC0415

        if len(self.screen_stack) > 1:
            self.switch_screen(LibraryScreen(self.entries))
        else:
            self.push_screen(LibraryScreen(self.entries))

    def start_routine(self, routine: Routine) -> None:
        session = None
        if self.session_factory is not None:
            session = self.session_factory(routine)
        from backtimer.ui.screens.session import SessionScreen  # noqa: PLC0415

        screen = SessionScreen(
            routine,
            clock=self.clock,
            sound=self.sound,
            record=self.record,
            session=session,
            settings=self.settings,
            voice=self.voice,
        )

        def finished(summary: Summary | None) -> None:
            if summary is None:
                return
            if screen.quit_requested:
                self.exit(0)
                return
            self._show_summary(routine, summary, screen.stop_message, screen.notices_after)

        self.push_screen(screen, finished)

    def _show_summary(
        self, routine: Routine, summary: Summary, message: str, notices: list[str]
    ) -> None:
        def chosen(choice: str | None) -> None:
            if choice == "repeat":
                self.start_routine(routine)
            else:
                self.show_library()

        from backtimer.ui.screens.summary import SummaryScreen  # noqa: PLC0415

        self.push_screen(SummaryScreen(summary, message=message, notices=tuple(notices)), chosen)

    # ---- keys and commands -------------------------------------------------------------

    def action_help(self) -> None:
        from backtimer.ui.screens.help import HelpScreen  # noqa: PLC0415

        if isinstance(self.screen, HelpScreen):
            return
        open_modal = getattr(self.screen, "open_modal", None)
        if callable(open_modal):
            open_modal(HelpScreen())  # a running session pauses while help is open
        else:
            self.push_screen(HelpScreen())

    def action_stats(self) -> None:
        from backtimer.ui.screens.stats import StatsScreen  # noqa: PLC0415

        self.push_screen(StatsScreen())

    def action_work(self) -> None:
        from backtimer.ui.screens.work import WorkScreen  # noqa: PLC0415

        self.push_screen(WorkScreen())

    # Any: Textual's signature (a screen of any result type)
    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if type(screen).__name__ == "SessionScreen":
            seen: set[str] = set()
            for _id, _keys, action, description, _show in SESSION_KEYS:
                if action in seen or action.startswith("app."):
                    continue
                if screen.check_action(action.split("(")[0], ()) is False:
                    continue
                seen.add(action)
                yield SystemCommand(
                    description,
                    f"Session: {description.lower()}",
                    lambda a=action: self.call_later(screen.run_action, a),
                )
        if type(screen).__name__ == "WorkScreen":
            for action, title, help_text in WORK_COMMANDS:
                if screen.check_action(action, ()) is False:
                    continue
                yield SystemCommand(
                    title,
                    help_text,
                    lambda a=action: self.call_later(screen.run_action, a),
                )
        yield SystemCommand("Help", "Every key", self.action_help)
        yield SystemCommand("Stats", "Open stats", self.action_stats)
        yield SystemCommand("Work", "Open work", self.action_work)


def launch(
    ref: str | None,
    *,
    no_sound: bool = False,
    clock: Clock | None = None,
    record: bool = True,
    level: str = "current",
    voice: bool | None = None,
) -> int:
    """Open the app on the library (ref None) or straight into a routine (id or path).

    Raises UserError for an unknown or broken routine, or a bad config file or [keys]
    table, so the CLI prints one clear line instead of starting.
    """
    routine = None if ref is None else routine_at_level(load_routine(ref), level)
    settings = settings_with_keys()
    app = BacktimerApp(
        routine,
        clock=clock,
        sound=not no_sound,
        record=record,
        keymap=settings.keys,
        settings=settings,
        level=level,
        voice=voice,
    )
    return run_app(app)


TERMINATING_SIGNALS = ("SIGTERM", "SIGHUP")


def run_app(app: BacktimerApp) -> int:
    """Run the app; its exit code: the app's own, 128 + N after signal N, or 70 after an
    unexpected error (with one line on stderr naming the log file)."""
    result = app.run()
    if app.crash is not None:
        with contextlib.suppress(Exception):
            print(crash_line(app.crash, app.crash_log), file=sys.stderr, flush=True)
        return EXIT_CRASH
    if app.signalled is not None:
        return 128 + app.signalled
    return int(result or 0)


def app_of(node: DOMNode) -> BacktimerApp:
    """The BacktimerApp a screen or widget runs in (every screen here runs in one)."""
    app = node.app
    assert isinstance(app, BacktimerApp)
    return app
