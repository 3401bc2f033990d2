"""Work mode: counts down to the next desk break and turns into the reminder when it is due.

The policy (what counts as a break, recording, saving, the wording) is WorkMode's
(backtimer/usecases/work_mode.py) and the timing the pure Scheduler's; this screen reads
the clocks through an injected `reading()` once a second, shows what they say, and acts
on an alert: the break_due sound, the bell, a desktop notification and a toast. Start
pushes the SessionScreen with the offered routine and comes back here after; Snooze;
Skip asks why; Other picks another routine.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import tzinfo
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Button, Digits, Label

from backtimer.audio.listener import AudioListener
from backtimer.breaks.clock import local_tz
from backtimer.breaks.clock import reading as real_reading
from backtimer.breaks.notify import Notifier
from backtimer.breaks.scheduler import BreakSettings, Reading, Tick, short
from backtimer.breaks.state import BreakStore
from backtimer.config import ConfigError
from backtimer.events import Summary
from backtimer.routine.library import load
from backtimer.routine.model import Routine
from backtimer.text import visible
from backtimer.ui.screens.session import SessionScreen
from backtimer.ui.screens.work_dialogs import PickRoutine, SkipReason
from backtimer.ui.widgets.footer import KeysFooter
from backtimer.usecases.levels import routine_at_level
from backtimer.usecases.routines import choices as routine_choices
from backtimer.usecases.work_mode import WorkMode, open_break_store, plan_text

if TYPE_CHECKING:
    from backtimer.ui.app import BacktimerApp


def digits_text(seconds: float) -> str:
    """1:12:05 / 12:05 for the big countdown (seconds round up, like every timer here)."""
    whole = max(0, int(-(-seconds // 1)))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def terminal_writer(app: BacktimerApp) -> Callable[[str], None]:
    """Writes an escape sequence (OSC 9 / 777, the bell) to the app's terminal between
    frames. Textual has no public way to do that, so this goes through its driver."""

    def write(text: str) -> None:
        driver = app._driver
        if driver is not None:
            driver.write(text)
            driver.flush()
            return
        stream = sys.__stdout__
        if stream is not None:
            stream.write(text)
            stream.flush()

    return write


class WorkScreen(Screen[None]):
    """The work mode. Pushable without arguments (the library's "Work mode" entry):
    settings then come from config.toml."""

    CSS_PATH = "work.tcss"
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (64, "-wide")]
    VERTICAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-short"), (22, "-tall")]
    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding("s", "start", "Start break"),
        Binding("z", "snooze", "Snooze"),
        Binding("k", "skip", "Skip"),
        Binding("o", "other", "Other routine"),
        Binding("q,escape", "leave", "Quit"),
    ]

    def __init__(
        self,
        settings: BreakSettings | None = None,
        *,
        reading: Callable[[], Reading] | None = None,
        tz: tzinfo | None = None,
        store: BreakStore | None = None,
        notifier: Notifier | None = None,
        loader: Callable[[str], Routine] | None = None,
        choices: Callable[[], list[tuple[str, str]]] | None = None,
        sound: bool | None = None,
        exit_on_leave: bool = False,
    ) -> None:
        super().__init__()
        self._settings = settings
        self.reading = reading or real_reading
        self.tz = tz
        self.store = store
        self.notifier = notifier
        self.loader = loader or load
        self.choices = choices or routine_choices
        self.sound = sound
        self.exit_on_leave = exit_on_leave
        self.mode: WorkMode | None = None
        self.audio: AudioListener | None = None
        self._timer: Timer | None = None

    @property
    def backtimer(self) -> BacktimerApp:
        return self.app  # type: ignore[return-value]  # work mode only runs in BacktimerApp

    # ---- layout ----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="work"):
            with Horizontal(id="work-top"):
                yield Label("Work mode", id="work-title")
                yield Label("", id="work-plan")
            yield Label("Next break in", id="work-caption")
            yield Digits("", id="work-digits")
            yield Label("", id="work-routine")
            yield Label("", id="work-worked")
            yield Label("", id="work-today")
            with Vertical(id="reminder"):
                yield Label("", id="reminder-text")
                with Horizontal(id="reminder-buttons"):
                    yield Button("Start (s)", id="start", variant="success", compact=True)
                    yield Button("Snooze (z)", id="snooze", compact=True)
                    yield Button("Skip (k)", id="skip", variant="warning", compact=True)
                    yield Button("Other (o)", id="other", compact=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        settings = self._settings if self._settings is not None else self._settings_from_config()
        if self.store is None:
            self.store = open_break_store()
        self.mode = WorkMode(settings, self.tz or local_tz(), self.store, loader=self.loader)
        if self.notifier is None:
            self.notifier = Notifier(settings.notify, terminal_writer(self.backtimer))
        if self.sound is None:
            self.sound = self.backtimer.sound
        self.query_one("#work-plan", Label).update(Text(visible(plan_text(settings))))
        self.tick()
        self._timer = self.set_interval(1.0, self.tick)

    def _settings_from_config(self) -> BreakSettings:
        try:
            return self.backtimer.settings.breaks
        except ConfigError as exc:
            self.notify(f"{exc} — using the default break settings", severity="error", timeout=10)
            return BreakSettings()

    # ---- the clock -------------------------------------------------------------------

    def tick(self) -> None:
        """One look at the clocks: update the screen and act on what fired."""
        mode = self.mode
        if mode is None:
            return
        tick = mode.tick(self.reading())
        if tick.alert:
            self._alert()
        self._show_messages()
        self._show(tick)

    def _show_messages(self) -> None:
        if self.mode is None:
            return
        for m in self.mode.take_messages():
            if m.title is not None:
                self.notify(m.text, title=m.title, severity=m.severity, timeout=m.timeout)
            elif m.timeout is not None:
                self.notify(m.text, severity=m.severity, timeout=m.timeout)
            else:
                self.notify(m.text, severity=m.severity)

    def _show(self, tick: Tick) -> None:
        mode = self.mode
        assert mode is not None
        state = mode.state
        due = tick.mode == "due"
        self.set_class(due, "-due")
        self.set_class(tick.mode == "off", "-off")
        caption = {
            "off": mode.off_caption(self.reading()) if tick.mode == "off" else "",
            "due": "Time for a break",
            "break": "On a break",
            "working": "Next break in",
        }[tick.mode]
        self.query_one("#work-caption", Label).update(caption)
        self.query_one("#work-digits", Digits).update(
            digits_text(tick.remaining) if tick.mode == "working" else "00:00"
        )
        name = mode.offered_name()
        # names come from routines and config.toml: plain text, control characters visible
        self.query_one("#work-routine", Label).update(Text(f"Break routine: {visible(name)}"))
        self.query_one("#work-worked", Label).update(
            "" if tick.mode == "off" else f"Worked {short(tick.worked)} since your last break"
        )
        self.query_one("#work-today", Label).update(
            f"Today: {state.taken} taken · {state.snoozed} snoozed · "
            f"{state.skipped} skipped · {state.away} away"
        )
        reminder = self.query_one("#reminder")
        reminder.display = due
        if due:
            snoozes = f" (snoozed {state.snoozes}x)" if state.snoozes else ""
            text = f"Time for a break{snoozes}: {visible(name)}"
            if not tick.can_snooze:
                text += " — no snoozes left"
            self.query_one("#reminder-text", Label).update(Text(text))
            self.query_one("#snooze", Button).disabled = not tick.can_snooze
            self.query_one("#snooze", Button).label = f"Snooze {short(mode.settings.snooze)} (z)"
        self.refresh_bindings()

    def _alert(self) -> None:
        """The toast is WorkMode's message; here the sound and the desktop notification."""
        assert self.mode is not None
        if self.sound:
            self._play_break_due()
        notifier = self.notifier
        if notifier is not None:
            self._send_notification(notifier, self.mode.offered_name())

    @work(thread=True, exclusive=True, group="notify")
    def _send_notification(self, notifier: Notifier, name: str) -> None:
        # notify-send may block up to its timeout: off the UI thread.
        notice = notifier.send("Time for a break", f"{name} — stand up and move", bell=True)
        if notice:
            self.app.call_from_thread(self.notify, notice, severity="warning", timeout=8)

    def _play_break_due(self) -> None:
        try:
            if self.audio is None:
                self.audio = AudioListener(settings=self.backtimer.settings.sound)
            self.audio.play("break_due")
            if self.audio.notice:
                self.notify(self.audio.notice, severity="warning", timeout=8)
                self.audio.notice = None
        except Exception as exc:  # a bad [sound] table, no device: the bell and toast remain
            self.notify(f"sound: {exc}", severity="warning", timeout=8)
            self.sound = False

    # ---- choices -----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        mode = self.mode
        if action == "snooze":
            return mode is not None and mode.can_snooze
        if action == "skip":
            return mode is not None and mode.due
        if action in ("start", "other"):
            return mode is None or mode.can_start
        return True

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        actions = {
            "start": self.action_start,
            "snooze": self.action_snooze,
            "skip": self.action_skip,
            "other": self.action_other,
        }
        action = actions.get(event.button.id or "")
        if action is not None:
            action()

    def action_start(self, routine_id: str | None = None) -> None:
        mode = self.mode
        if mode is None or mode.state.in_break:
            return
        ref = routine_id or mode.offered
        try:
            routine = self.loader(ref)
        except Exception as exc:  # unknown or broken routine: say so, stay here
            self.notify(f"cannot start {ref}: {exc}", severity="error", timeout=10)
            return
        mode.start_break(self.reading(), ref)
        self._show_messages()
        self._push_session(routine)

    def _push_session(self, routine: Routine) -> None:
        app = self.backtimer
        # progression: the level history has reached, as the library starts it
        routine = routine_at_level(routine, app.level)
        factory = app.session_factory
        session = factory(routine) if factory is not None else None
        screen = SessionScreen(
            routine,
            clock=app.clock,
            sound=bool(self.sound),
            record=app.record,
            session=session,
            settings=app.settings,
        )

        def finished(summary: Summary | None) -> None:
            self._break_finished(summary, routine)
            if screen.quit_requested:
                app.exit(0)

        app.push_screen(screen, finished)

    def _break_finished(self, summary: Summary | None, routine: Routine) -> None:
        assert self.mode is not None
        self.mode.finish_break(self.reading(), summary, routine)
        self._show_messages()
        self.tick()

    def action_snooze(self) -> None:
        mode = self.mode
        if mode is None or not mode.due:
            return
        mode.snooze(self.reading())
        self._show_messages()
        self.tick()

    def action_skip(self) -> None:
        if self.mode is None or not self.mode.due:
            return

        def chosen(reason: str | None) -> None:
            if not reason or self.mode is None:
                return
            self.mode.skip(self.reading(), reason)
            self._show_messages()
            self.tick()

        self.app.push_screen(SkipReason(), chosen)

    def action_other(self) -> None:
        try:
            choices = self.choices()
        except Exception as exc:  # the routines folder cannot be read
            self.notify(f"cannot list routines: {exc}", severity="error")
            return

        def picked(routine_id: str | None) -> None:
            if routine_id and self.mode is not None:
                self.mode.chosen = routine_id
                if self.mode.due:
                    self.action_start(routine_id)
                elif self.mode.last is not None:
                    self._show(self.mode.last)

        self.app.push_screen(PickRoutine(choices), picked)

    def action_leave(self) -> None:
        if self.mode is not None:
            self.mode.leave(self.reading())
            self._show_messages()
        if self.exit_on_leave or len(self.app.screen_stack) <= 2:
            self.app.exit(0)
        else:
            self.dismiss(None)

    def on_unmount(self) -> None:
        if self.audio is not None:
            self.audio.close()
            self.audio = None
        if self.mode is not None:
            self.mode.close()
