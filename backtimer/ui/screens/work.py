"""Work mode: counts down to the next desk break and turns into the reminder when it is due.

All timing is the pure Scheduler's (backtimer/breaks/scheduler.py); this screen reads the
clocks through an injected `reading()` once a second, shows what the scheduler says,
and acts on what fired: warning toast; when due the break_due sound, the bell, a desktop
notification and a toast. Start pushes the SessionScreen with the offered routine and
comes back here after; Snooze; Skip asks why; Other picks another routine.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any, ClassVar

from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Digits, Label, OptionList
from textual.widgets.option_list import Option

from backtimer.breaks.clock import local_tz
from backtimer.breaks.clock import reading as real_reading
from backtimer.breaks.notify import Notifier
from backtimer.breaks.scheduler import (
    BreakSettings,
    Reading,
    Scheduler,
    Tick,
    next_window_start,
    short,
)
from backtimer.breaks.state import BreakStore
from backtimer.events import Summary
from backtimer.routine.durations import duration_text, human
from backtimer.routine.model import Routine
from backtimer.ui.app import BacktimerApp
from backtimer.ui.widgets.footer import KeysFooter

HEARTBEAT = 30.0  # seconds between saves when nothing happens (backtimer status reads it)
TAKEN_AFTER = 30.0  # seconds of a routine that count as a break taken
SKIP_REASONS = ("meeting", "in a call", "not now", "already moved", "other")


def digits_text(seconds: float) -> str:
    """1:12:05 / 12:05 for the big countdown (seconds round up, like every timer here)."""
    whole = max(0, int(-(-seconds // 1)))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def _terminal_writer(screen: Screen[Any]) -> Callable[[str], None]:
    def write(text: str) -> None:
        driver = getattr(screen.app, "_driver", None)
        if driver is not None and hasattr(driver, "write"):
            driver.write(text)
            if hasattr(driver, "flush"):
                driver.flush()
            return
        stream = sys.__stdout__
        if stream is not None:
            stream.write(text)
            stream.flush()

    return write


class SkipReason(ModalScreen[str]):
    """Why skip this break? Dismisses with the reason, or "" when cancelled."""

    CSS_PATH = "work.tcss"
    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding("escape", "cancel", "Back"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("Skip this break — why?", id="dialog-title")
            yield OptionList(*[Option(r, id=r) for r in SKIP_REASONS], id="reasons")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id or "other")

    def action_cancel(self) -> None:
        self.dismiss("")


class PickRoutine(ModalScreen[str]):
    """Another routine for this break. Dismisses with its id, or "" when cancelled."""

    CSS_PATH = "work.tcss"
    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding("escape", "cancel", "Back"),
    ]

    def __init__(self, choices: list[tuple[str, str]]) -> None:
        super().__init__()
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("Which routine?", id="dialog-title")
            yield OptionList(*[Option(label, id=rid) for rid, label in self.choices], id="pick")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id or "")

    def action_cancel(self) -> None:
        self.dismiss("")


def _routine_choices() -> list[tuple[str, str]]:
    from backtimer.routine.library import discover  # noqa: PLC0415 - reads every routine

    out = []
    for entry in discover():
        if entry.routine is not None:
            out.append((entry.id, f"{entry.routine.name} ({entry.id})"))
    return out


def _sessions_available() -> bool:
    import importlib.util  # noqa: PLC0415

    return importlib.util.find_spec("backtimer.session") is not None


def _load(ref: str) -> Routine:
    from backtimer.routine.library import load  # noqa: PLC0415

    return load(ref)


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
        first: float | None = None,
    ) -> None:
        super().__init__()
        self._settings = settings
        self.reading = reading or real_reading
        self.tz = tz
        self.store = store
        self.notifier = notifier
        self.loader = loader or _load
        self.choices = choices or _routine_choices
        self.sound = sound
        self.exit_on_leave = exit_on_leave
        self.first = first
        self.scheduler: Scheduler | None = None
        self.tick_result: Tick | None = None
        self._names: dict[str, str] = {}  # routine ref -> "Name · 3 min"
        self.chosen: str | None = None  # a routine picked instead of the offered one
        self.audio: Any = None
        self._saved_at: datetime | None = None
        self._timer: Any = None

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
        settings = self._settings
        if settings is None:
            settings = self._settings_from_config()
        tz = self.tz or local_tz()
        if self.store is None:
            self.store = BreakStore()
        state, _ = self.store.load_with_settings()
        self.scheduler = Scheduler(settings, tz, state, first=self.first)
        if self.notifier is None:
            self.notifier = Notifier(settings.notify, _terminal_writer(self))
        if self.sound is None:
            self.sound = bool(getattr(self.app, "sound", True))
        if self.store.notice:
            self.notify(self.store.notice, severity="warning", timeout=8)
        self.query_one("#work-plan", Label).update(_plan(settings))
        self.tick()
        self._timer = self.set_interval(1.0, self.tick)

    def _settings_from_config(self) -> BreakSettings:
        from backtimer.breaks.settings import break_settings  # noqa: PLC0415
        from backtimer.config import ConfigError, load_config  # noqa: PLC0415

        try:
            return break_settings(load_config())
        except ConfigError as exc:
            self.notify(f"{exc} — using the default break settings", severity="error", timeout=10)
            return BreakSettings()

    # ---- the clock -------------------------------------------------------------------

    def tick(self) -> None:
        """One look at the clocks: update the screen and act on what fired."""
        sched = self.scheduler
        if sched is None:
            return
        now = self.reading()
        tick = sched.check(now)
        self.tick_result = tick
        state = sched.state
        assert state is not None
        changed = False
        if tick.natural_break:
            changed = True
            away = human(round(tick.natural_break / 60) * 60 or tick.natural_break)
            self._record("natural", now)
            self.notify(f"Welcome back — {away} away counts as a break. The timer starts afresh.")
        if tick.new_window:
            changed = True
        if tick.warn:
            self.notify(f"A break in {short(tick.remaining)}: {self._offered_name()}", timeout=8)
        if tick.alert:
            changed = True
            self._record("due", now)
            self._alert()
        self._show(tick)
        if (
            changed
            or self._saved_at is None
            or (now.wall - self._saved_at >= timedelta(seconds=HEARTBEAT))
        ):
            self._save(now)

    def _show(self, tick: Tick) -> None:
        sched = self.scheduler
        assert sched is not None and sched.state is not None
        state = sched.state
        due = tick.mode == "due"
        self.set_class(due, "-due")
        self.set_class(tick.mode == "off", "-off")
        caption = {
            "off": self._off_caption(),
            "due": "Time for a break",
            "break": "On a break",
            "working": "Next break in",
        }[tick.mode]
        self.query_one("#work-caption", Label).update(caption)
        self.query_one("#work-digits", Digits).update(
            digits_text(tick.remaining) if tick.mode == "working" else "00:00"
        )
        name = self._offered_name()
        self.query_one("#work-routine", Label).update(f"Break routine: {name}")
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
            text = f"Time for a break{snoozes}: {name}"
            if not tick.can_snooze:
                text += " — no snoozes left"
            self.query_one("#reminder-text", Label).update(text)
            self.query_one("#snooze", Button).disabled = not tick.can_snooze
            self.query_one("#snooze", Button).label = f"Snooze {short(sched.settings.snooze)} (z)"
        self.refresh_bindings()

    def _off_caption(self) -> str:
        sched = self.scheduler
        assert sched is not None
        start = next_window_start(sched.settings, self.reading().wall, sched.tz)
        if start is None:
            return "Off hours — no working days set"
        return f"Off hours — the timer rests until {start.astimezone(sched.tz):%a %H:%M}"

    def _alert(self) -> None:
        name = self._offered_name()
        self.notify(f"Time for a break: {name}", title="backtimer", timeout=15)
        if self.sound:
            self._play_break_due()
        notifier = self.notifier
        if notifier is not None:
            self._send_notification(notifier, name)

    @work(thread=True, exclusive=True, group="notify")
    def _send_notification(self, notifier: Notifier, name: str) -> None:
        # notify-send may block up to its timeout: off the UI thread.
        notice = notifier.send("Time for a break", f"{name} — stand up and move", bell=True)
        if notice:
            self.app.call_from_thread(self.notify, notice, severity="warning", timeout=8)

    def _play_break_due(self) -> None:
        try:
            if self.audio is None:
                from backtimer.audio.listener import AudioListener  # noqa: PLC0415

                self.audio = AudioListener(enabled=True)
            self.audio.play("break_due")
            if self.audio.notice:
                self.notify(self.audio.notice, severity="warning", timeout=8)
                self.audio.notice = None
        except Exception as exc:  # no audio module / device: the bell and toast remain
            self.notify(f"sound: {exc}", severity="warning", timeout=8)
            self.sound = False

    # ---- choices -----------------------------------------------------------------------

    def _due(self) -> bool:
        return self.tick_result is not None and self.tick_result.mode == "due"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        tick = self.tick_result
        if action == "snooze":
            return self._due() and tick is not None and tick.can_snooze
        if action == "skip":
            return self._due()
        if action in ("start", "other"):
            return tick is None or tick.mode != "break"
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
        sched = self.scheduler
        if sched is None or sched.state is None or sched.state.in_break:
            return
        ref = routine_id or self.chosen or sched.offered
        try:
            routine = self.loader(ref)
        except Exception as exc:  # unknown or broken routine: say so, stay here
            self.notify(f"cannot start {ref}: {exc}", severity="error", timeout=10)
            return
        app: Any = self.app
        if getattr(app, "session_factory", None) is None and not _sessions_available():
            self.notify(
                "cannot run routines in this version (backtimer.session is missing)",
                severity="error",
                timeout=10,
            )
            return
        now = self.reading()
        sched.start_break(now)
        self._record("started", now, routine_id=ref)
        self._save(now)
        self._push_session(routine)

    def _push_session(self, routine: Routine) -> None:
        from backtimer.ui.levels import app_level, routine_at_level  # noqa: PLC0415
        from backtimer.ui.screens.session import SessionScreen  # noqa: PLC0415

        app: Any = self.app
        # progression: the level history has reached, as the library starts it
        routine = routine_at_level(routine, app_level(app))
        factory = getattr(app, "session_factory", None)
        session = factory(routine) if factory is not None else None
        screen = SessionScreen(
            routine,
            clock=getattr(app, "clock", None),
            sound=bool(self.sound),
            record=bool(getattr(app, "record", True)),
            session=session,
        )

        def finished(summary: Summary | None) -> None:
            self._break_finished(summary, routine)
            if screen.quit_requested:
                app.exit(0)

        app.push_screen(screen, finished)

    def _break_finished(self, summary: Summary | None, routine: Routine) -> None:
        sched = self.scheduler
        assert sched is not None
        now = self.reading()
        taken = summary is not None and (
            summary.status == "completed" or summary.worked_seconds >= TAKEN_AFTER
        )
        sched.finish_break(now, taken=taken)
        self.chosen = None
        self._save(now)
        if taken:
            state = sched.state
            assert state is not None
            at = state.due.astimezone(sched.tz).strftime("%H:%M")
            self.notify(f"Break done: {routine.name}. Next break at {at}.", timeout=8)
        else:
            self.notify("That was short: it does not count as a break.", severity="warning")
        self.tick()

    def action_snooze(self) -> None:
        sched = self.scheduler
        if sched is None or not self._due():
            return
        now = self.reading()
        if sched.snooze(now):
            self._record("snoozed", now, routine_id=sched.offered)
            self._save(now)
            self.notify(f"Snoozed for {short(sched.settings.snooze)}.")
        else:
            self.notify("No snoozes left: start or skip this break.", severity="warning")
        self.tick()

    def action_skip(self) -> None:
        if not self._due():
            return

        def chosen(reason: str | None) -> None:
            sched = self.scheduler
            if not reason or sched is None:
                return
            now = self.reading()
            offered = sched.offered
            sched.skip(now, reason)
            self._record("skipped", now, reason=reason, routine_id=offered)
            self._save(now)
            self.notify(f"Skipped ({reason}). The next break is in {short(sched.settings.every)}.")
            self.tick()

        self.app.push_screen(SkipReason(), chosen)

    def action_other(self) -> None:
        try:
            choices = self.choices()
        except Exception as exc:
            self.notify(f"cannot list routines: {exc}", severity="error")
            return

        def picked(routine_id: str | None) -> None:
            if routine_id:
                self.chosen = routine_id
                if self._due():
                    self.action_start(routine_id)
                else:
                    self._render_current()

        self.app.push_screen(PickRoutine(choices), picked)

    def _render_current(self) -> None:
        if self.tick_result is not None:
            self._show(self.tick_result)

    def action_leave(self) -> None:
        if self.scheduler is not None:
            self._save(self.reading())
        if self.exit_on_leave or len(self.app.screen_stack) <= 2:
            self.app.exit(0)
        else:
            self.dismiss(None)

    def on_unmount(self) -> None:
        if self.audio is not None:
            self.audio.close()
            self.audio = None
        if self.store is not None:
            self.store.close()

    # ---- helpers -------------------------------------------------------------------------

    def _offered_name(self) -> str:
        """ "Office chair break · 3 min" for the routine the next break offers (cached:
        this runs every second)."""
        sched = self.scheduler
        if sched is None:
            return ""
        ref = self.chosen or sched.offered
        if ref not in self._names:
            try:
                routine = self.loader(ref)
            except Exception:
                self._names[ref] = f"{ref} (cannot be loaded)"
            else:
                from backtimer.timeline import compile  # noqa: PLC0415

                minutes = human(round(compile(routine).total / 60) * 60 or 60)
                self._names[ref] = f"{routine.name} · {minutes}"
        return self._names[ref]

    def _record(self, kind: str, now: Reading, **extra: Any) -> None:
        if self.store is not None:
            self.store.record(kind, now.wall, **extra)

    def _save(self, now: Reading) -> None:
        sched = self.scheduler
        if self.store is None or sched is None or sched.state is None:
            return
        self.store.save(sched.state, sched.settings)
        self._saved_at = now.wall
        if self.store.notice:
            self.notify(self.store.notice, severity="warning", timeout=8)
            self.store.notice = None


def _plan(settings: BreakSettings) -> str:
    hours = "all day"
    if settings.hours is not None:
        a, b = settings.hours
        hours = f"{a // 60:02d}:{a % 60:02d}-{b // 60:02d}:{b % 60:02d}"
    return f"every {duration_text(settings.every)} · {hours}"


def _app_css() -> list[Path] | None:
    """BacktimerApp's CSS_PATH made absolute: Textual resolves a relative CSS_PATH against
    the file of the class that uses it, and WorkApp lives in another folder."""
    css = BacktimerApp.CSS_PATH
    if css is None:
        return None
    folder = Path(inspect.getfile(BacktimerApp)).parent
    items = css if isinstance(css, list) else [css]
    return [folder / item for item in items]


class WorkApp(BacktimerApp):
    """The app opened straight on the work screen (`backtimer work`); q there quits."""

    CSS_PATH = _app_css()  # type: ignore[assignment]

    def __init__(self, make_screen: Callable[[], WorkScreen], **kwargs: Any) -> None:
        super().__init__(None, **kwargs)
        self.make_screen = make_screen

    def on_mount(self, event: events.Mount) -> None:
        event.prevent_default()  # not the library: straight into work mode
        self.push_screen(self.make_screen())


def launch_work(
    settings: BreakSettings,
    *,
    no_sound: bool = False,
    reading: Callable[[], Reading] | None = None,
    first: float | None = None,
) -> int:
    """`backtimer work`. Raises UserError for a bad [keys] table."""
    from backtimer.cli.main import UserError  # noqa: PLC0415
    from backtimer.ui.keys import KeymapError, keymap_from_config  # noqa: PLC0415

    try:
        keymap = keymap_from_config()
    except KeymapError as exc:
        raise UserError(str(exc), 1) from None

    def make() -> WorkScreen:
        return WorkScreen(
            settings, reading=reading, sound=not no_sound, exit_on_leave=True, first=first
        )

    app = WorkApp(make, sound=not no_sound, keymap=keymap)
    return int(app.run() or 0)
