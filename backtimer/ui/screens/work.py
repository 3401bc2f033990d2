"""Work mode: counts down to the next desk break and turns into the reminder when it is due.

The policy (what counts as a break, recording, saving, the wording) is WorkMode's
(backtimer/usecases/work_mode.py) and the timing the pure Scheduler's; this screen reads
the clocks through an injected `reading()` once a second, shows what they say, and acts
on an alert: the break_due sound, the bell, a desktop notification and a toast. Start
pushes the SessionScreen with the offered routine and comes back here after; Snooze;
Skip asks why; Other picks another routine; Pause asks how long, Resume ends it.

A quiet screen (left open all day): each line is updated only when its text changes, the
keys and the reminder only when the mode changes, and the digits once a second at most.
"""

from __future__ import annotations

import math
import sys
import time
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
from textual.widgets import Button, Label

from backtimer.audio.listener import AudioListener
from backtimer.breaks.clock import local_tz
from backtimer.breaks.clock import reading as real_reading
from backtimer.breaks.lock import AlreadyRunning, WorkLock
from backtimer.breaks.notify import Notifier
from backtimer.breaks.requests import RequestBox
from backtimer.breaks.scheduler import BreakSettings, Reading, Tick
from backtimer.breaks.state import BreakStore
from backtimer.breaks.watch import PresenceWatch
from backtimer.config import ConfigError
from backtimer.events import Summary
from backtimer.routine.durations import clock, compact
from backtimer.routine.library import load
from backtimer.routine.model import Routine
from backtimer.text import visible
from backtimer.ui.screens.session import SessionScreen
from backtimer.ui.screens.work_dialogs import PauseFor, PickRoutine, SkipReason
from backtimer.ui.view import countdown_scale
from backtimer.ui.widgets.countdown import Countdown
from backtimer.ui.widgets.footer import KeysFooter
from backtimer.usecases.levels import routine_at_level
from backtimer.usecases.routines import choices as routine_choices
from backtimer.usecases.work_mode import (
    WorkMode,
    history_watch,
    open_break_store,
    plan_text,
    worked_text,
)

REMINDER_AFTER_CHIME = 1.0  # seconds: the break_due chime (0.9 s) sounds before the words

if TYPE_CHECKING:
    from backtimer.ui.app import BacktimerApp


def _real_presence(settings: BreakSettings) -> PresenceWatch | None:
    """The desktop's away and meeting monitors, as [breaks] idle and meetings ask."""
    if settings.idle == "off" and settings.meetings == "ignore":
        return None
    from backtimer.breaks.check import monitors  # noqa: PLC0415 - D-Bus, only when wanted

    away, meeting = monitors()
    return PresenceWatch(
        away if settings.idle != "off" else None,
        meeting if settings.meetings == "hold" else None,
        background=True,  # the desktop is asked off the screen's thread
    )


SECONDS_SHOWN = 600.0  # the last 10 minutes count seconds; before that, minutes


def countdown_text(seconds: float) -> tuple[str, bool]:
    """The big countdown and whether it shows hours:minutes. A calm screen: hours and
    minutes ("1:12", minutes round up) change once a minute; only the last 10 minutes
    count seconds ("09:59")."""
    if seconds <= SECONDS_SHOWN:
        return clock(seconds, two_digit_minutes=True), False
    minutes = math.ceil(seconds / 60 - 1e-9)
    hours, mins = divmod(minutes, 60)
    return f"{hours}:{mins:02d}", True


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
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (64, "-wide")]  # noqa: RUF012
    VERTICAL_BREAKPOINTS = [(0, "-tiny"), (16, "-short"), (22, "-tall")]  # noqa: RUF012
    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding("s", "start", "Start break"),
        Binding("z", "snooze", "Snooze"),
        Binding("k", "skip", "Skip"),
        Binding("o", "other", "Other routine"),
        Binding("p", "pause", "Pause"),
        Binding("r", "resume", "Resume"),
        Binding("q,escape", "leave", "Quit"),
    ]
    # the keys a small footer keeps, most important first (KeysFooter)
    FOOTER_KEEP = ("start", "snooze", "skip", "other", "leave")

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
        first: float | None = None,
        presence: PresenceWatch | None = None,
        watch: bool = True,
        take_lock: bool = True,
    ) -> None:
        """first: the first break after this many seconds. presence: the idle and meeting
        sources (None: the real ones, as [breaks] idle and meetings say). watch: look at
        the person, the history and pause requests at all (tests switch it off).
        take_lock: hold the work lock while open (`backtimer work` holds it already)."""
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
        self.first = first
        self.presence = presence
        self.watching = watch
        self.take_lock = take_lock
        self._lock: WorkLock | None = None
        self.mode: WorkMode | None = None
        self._shown: dict[str, str] = {}  # widget id -> the text on screen
        self._look: tuple[object, ...] = ()  # what decides the classes, reminder and keys
        self._countdown: Countdown | None = None
        self.audio: AudioListener | None = None
        self._timer: Timer | None = None

    @property
    def backtimer(self) -> BacktimerApp:
        return self.app  # type: ignore[return-value]  # work mode only runs in BacktimerApp

    # ---- layout ----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # The lines above and below the digits sit in containers of their own: Textual
        # asks every child of a container for its lines when anything in the container's
        # area changes, so the frame that changes only the digits asks 6 widgets, not 9.
        with Vertical(id="work"):
            with Vertical(id="work-head"):
                with Horizontal(id="work-top"):
                    yield Label("Work mode", id="work-title")
                    yield Label("", id="work-plan")
                yield Label("Next break in", id="work-caption")
            yield Countdown("", id="work-digits")
            with Vertical(id="work-lines"):
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
        if self.take_lock:  # one work mode per data folder, also from the library
            lock = WorkLock()
            try:
                lock.acquire()
            except (AlreadyRunning, OSError) as exc:
                self.notify(str(exc), severity="error", timeout=10)
                self.call_later(self._close_refused)
                return
            self._lock = lock
        settings = self._settings if self._settings is not None else self._settings_from_config()
        if self.store is None:
            self.store = open_break_store()
        presence = self.presence
        if presence is None and self.watching:
            presence = _real_presence(settings)
        self.mode = WorkMode(
            settings,
            self.tz or local_tz(),
            self.store,
            loader=self.loader,
            first=self.first,
            presence=presence,
            sessions=history_watch() if self.watching else None,
            requests=RequestBox() if self.watching else None,
        )
        if self.notifier is None:
            self.notifier = Notifier(settings.notify, terminal_writer(self.backtimer))
        if self.sound is None:
            self.sound = self.backtimer.sound
        self.query_one("#work-plan", Label).update(Text(visible(plan_text(settings))))
        self._countdown = countdown = self.query_one("#work-digits", Countdown)
        countdown.scale = countdown_scale(*self.app.size)
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
        self._show(tick)
        self._show_messages()

    def _show_messages(self) -> None:
        if self.mode is None:
            return
        reminder = self.query_one("#reminder")
        shown = str(self.query_one("#reminder-text", Label).content) if reminder.display else ""
        for m in self.mode.take_messages():
            if shown and m.text in shown:
                continue  # the reminder on the screen says it already; a toast would cover it
            if m.title is not None:
                self.notify(m.text, title=m.title, severity=m.severity, timeout=m.timeout)
            elif m.timeout is not None:
                self.notify(m.text, severity=m.severity, timeout=m.timeout)
            else:
                self.notify(m.text, severity=m.severity)

    def on_resize(self) -> None:
        if self._countdown is not None:
            self._countdown.scale = countdown_scale(*self.app.size)

    def _put(self, widget_id: str, text: str) -> None:
        """Update a line only when its text changes: a quiet screen redraws nothing else."""
        if self._shown.get(widget_id) != text:
            self._shown[widget_id] = text
            if widget_id == "work-digits" and self._countdown is not None:
                self._countdown.update(text)
            else:  # names come from routines and config.toml: plain text, control chars visible
                self.query_one(f"#{widget_id}", Label).update(Text(visible(text)))

    def _caption(self, tick: Tick) -> str:
        mode = self.mode
        assert mode is not None
        if tick.mode == "off":
            return mode.off_caption(self.reading())
        if tick.mode == "paused":
            return mode.paused_caption(tick, self.reading())
        if tick.held == "meeting":
            return "In a meeting — the break waits until it ends"
        if tick.held == "away":
            return "Away — the break waits until you are back"
        unit = " (hours:minutes)" if tick.remaining > SECONDS_SHOWN else ""
        return {
            "due": "Time for a break",
            "break": "On a break",
            "away": f"Away {worked_text(tick.away_for)} — it counts as a break",
            "meeting": f"In a meeting — no reminder until it ends. Next break in{unit}",
        }.get(tick.mode, f"Next break in{unit}")

    def _show(self, tick: Tick) -> None:
        mode = self.mode
        assert mode is not None
        state = mode.state
        due = tick.mode == "due"
        self._put("work-caption", self._caption(tick))
        counting = tick.mode in ("working", "meeting", "away") and not tick.held
        self._put("work-digits", countdown_text(tick.remaining)[0] if counting else "00:00")
        name = mode.offered_name()
        self._put("work-routine", f"Break routine: {name}")
        self._put(
            "work-worked",
            ""
            if tick.mode in ("off", "paused")
            else f"Worked {worked_text(tick.worked)} since your last break",
        )
        self._put(
            "work-today",
            f"Today: {state.taken} taken · {state.snoozed} snoozed · "
            f"{state.skipped} skipped · {state.away} away",
        )
        look = (tick.mode, tick.held, tick.can_snooze, state.snoozes, mode.chosen)
        if look == self._look:
            return
        self._look = look
        self.set_class(due, "-due")
        self.set_class(tick.mode in ("off", "paused"), "-off")
        self.query_one("#reminder").display = due
        if due:
            snoozes = f" (snoozed {state.snoozes}x)" if state.snoozes else ""
            text = f"Time for a break{snoozes}: {name}"
            if not tick.can_snooze:
                text += " — no snoozes left"
            self._put("reminder-text", text)
            self.query_one("#snooze", Button).disabled = not tick.can_snooze
            self.query_one("#snooze", Button).label = f"Snooze {compact(mode.settings.snooze)} (z)"
        self.refresh_bindings()

    def _alert(self) -> None:
        """The toast is WorkMode's message; here the sound and the desktop notification."""
        assert self.mode is not None
        if self.sound:
            self._play_break_due()
            if self._voice_on():
                self._say_reminder(self._reminder_words())
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

    def _voice_on(self) -> bool:
        """--voice / --no-voice, else [voice] enabled."""
        if self.backtimer.voice is not None:
            return self.backtimer.voice
        try:
            return self.backtimer.settings.voice.enabled
        except ConfigError:
            return False

    def _reminder_words(self) -> str:
        """ "Time for a break: office chair, three minutes." (the offered routine's length)."""
        from backtimer.timeline import compile  # noqa: PLC0415
        from backtimer.voice.phrases import break_phrase  # noqa: PLC0415

        assert self.mode is not None
        try:
            routine = self.loader(self.mode.offered)
        except Exception:  # a routine that no longer loads: say what the screen shows
            return break_phrase(self.mode.offered_name(), 0.0)
        return break_phrase(routine.name, compile(routine).total)

    @work(thread=True, exclusive=True, group="voice")
    def _say_reminder(self, text: str) -> None:
        # off the UI thread: rendering (once; then cached) and waiting for the phrase
        from backtimer.voice.check import say_once  # noqa: PLC0415

        time.sleep(REMINDER_AFTER_CHIME)  # the break_due chime first
        try:
            settings = self.backtimer.settings
            said = say_once(text, voice=settings.voice, sound=settings.sound)
        except ConfigError as exc:
            self.app.call_from_thread(self.notify, f"voice: {exc}", severity="warning", timeout=8)
            return
        if said.problem:
            self.app.call_from_thread(self.notify, said.problem, severity="warning", timeout=8)

    # ---- choices -----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        mode = self.mode
        if action == "snooze":
            return mode is not None and mode.can_snooze
        if action == "skip":
            return mode is not None and mode.due
        if action in ("start", "other"):
            return mode is None or mode.can_start
        if action == "pause":
            return mode is not None and not mode.paused and mode.can_start
        if action == "resume":
            return mode is not None and mode.paused
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
            voice=app.voice,
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
                    self._show(self.mode.last)  # the routine line; keys stay as they are

        self.app.push_screen(PickRoutine(choices), picked)

    def action_pause(self, text: str | None = None) -> None:
        """Pause the reminders: asks how long (or `text`: "30m", "until 14:30")."""
        if self.mode is None or self.mode.paused:
            return

        def chosen(answer: str | None) -> None:
            if answer and self.mode is not None:
                self.mode.pause(self.reading(), answer)
                self._show_messages()
                self.tick()

        if text:
            chosen(text)
        else:
            self.app.push_screen(PauseFor(), chosen)

    def action_resume(self) -> None:
        if self.mode is not None and self.mode.resume(self.reading()):
            self._show_messages()
            self.tick()

    def action_leave(self) -> None:
        if self.mode is not None:
            self.mode.leave(self.reading())
            self._show_messages()
        if self.exit_on_leave or len(self.app.screen_stack) <= 2:
            self.app.exit(0)
        else:
            self.dismiss(None)

    def _close_refused(self) -> None:
        if self.exit_on_leave or len(self.app.screen_stack) <= 2:
            self.app.exit(1)
        else:
            self.dismiss(None)

    def on_unmount(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None
        if self.audio is not None:
            self.audio.close()
            self.audio = None
        if self.mode is not None:
            self.mode.close()
            if self.mode.presence is not None:
                self.mode.presence.close()
