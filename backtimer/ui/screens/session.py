"""The session screen: one routine, coached segment by segment.

One clock-driven refresh: a timer calls the Session facade's advance(now), hands
the events to `_handle`, and renders `session_view(...)`. The timer is re-armed for
the moment the screen next has something new to show (`next_refresh`: the visible
second, a breath-bar step, an engine cue; at least once a second), and widgets only
change when what they show changes, so an idle screen costs about one wake-up a
second. No timing logic lives in the widgets.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Label, Static

from backtimer.routine.model import Routine
from backtimer.timeline import Timeline, compile
from backtimer.ui.app import app_of
from backtimer.ui.keys import bindings
from backtimer.ui.screens.confirm import QuitConfirm
from backtimer.ui.view import (
    EngineView,
    Preview,
    SessionView,
    countdown_scale,
    next_refresh,
    one_line,
    session_view,
)
from backtimer.ui.widgets.breath import BreathGuide
from backtimer.ui.widgets.countdown import Countdown
from backtimer.ui.widgets.footer import KeysFooter
from backtimer.ui.widgets.progress import RoutineProgress
from backtimer.ui.widgets.topline import TopLine
from backtimer.usecases.keymap import SESSION_KEYS, Keymap, keys_of

if TYPE_CHECKING:  # the engine's events are imported after the first frame (see _handle)
    from backtimer import events as ev
    from backtimer.audio.listener import AudioListener
    from backtimer.usecases.session import Session
    from backtimer.usecases.settings import Settings

Clock = Callable[[], float]


ModalResult = TypeVar("ModalResult")


def kind_classes(state: str, small_rest: bool) -> str:
    """The classes that style a kind of segment ("-work", "-rest -relax", "-paused"). They
    sit on the three widgets that show the kind (top line, band, countdown), not on the
    screen: a class change restyles the widget it is on and everything inside it, so on
    the screen it would restyle every widget at each change of segment."""
    return f"-{state} -relax" if small_rest else f"-{state}"


def make_session(
    routine: Routine,
    timeline: Timeline,
    *,
    sound: bool,
    record: bool,
    settings: Settings | None,
    voice: bool | None = None,
) -> Session:
    # after the first frame: the session with its audio and history modules costs ~36 ms
    # of imports (min of 9 runs, loaded 2-core machine)
    from backtimer.usecases.session import Session  # noqa: PLC0415

    return Session(routine, timeline, sound=sound, record=record, settings=settings, voice=voice)


class SessionScreen(Screen["ev.Summary"]):
    """Runs `routine`; dismisses with the Summary when it finishes or is stopped."""

    CSS_PATH = "session.tcss"
    BINDINGS = bindings(SESSION_KEYS)  # type: ignore[assignment]
    # the keys a small footer keeps, most important first (KeysFooter)
    FOOTER_KEEP = (
        "pause",
        "resume",
        "done",
        "pain",
        "quit_session",
        "next",
        "app.help",
        "back",
    )
    HORIZONTAL_BREAKPOINTS = [  # noqa: RUF012 - Textual declares it a class variable
        (0, "-w-tiny"),
        (46, "-w-small"),
        (70, "-w-medium"),
    ]
    VERTICAL_BREAKPOINTS = [  # noqa: RUF012 - Textual declares it a class variable
        (0, "-h-micro"),
        (11, "-h-tiny"),
        (15, "-h-small"),
        (20, "-h-medium"),
    ]

    def __init__(
        self,
        routine: Routine,
        *,
        clock: Clock | None = None,
        sound: bool = True,
        record: bool = True,
        session: Session | None = None,
        timeline: Timeline | None = None,
        settings: Settings | None = None,
        voice: bool | None = None,
    ) -> None:
        self.timeline = timeline or compile(routine)
        first = self.timeline.segments[0].kind if self.timeline.segments else "finished"
        super().__init__(classes=" ".join(c for c in self._breakpoint_classes() if c))
        self.routine = routine
        self.clock: Clock = clock or time.monotonic
        self.sound = sound
        self.record = record
        self.session = session
        self.settings = settings
        self.voice = voice  # --voice / --no-voice; None: as [voice] enabled says
        self.muted = False
        self.summary: ev.Summary | None = None
        self.stop_message = ""
        self.notices_shown = 0
        self.view: SessionView | None = None
        self._paused_for_modal = False
        self.quit_requested = False
        self.notices_after: list[str] = []
        self._timer: Timer | None = None
        # The widgets exist before the screen is mounted, so that the first render (the
        # routine's first segment) fills them before the first layout: the first frame is
        # then one full frame, not an empty layout followed by a repaint of what changed.
        # The author's text is never markup.
        # styled for the first segment's kind right from the first frame
        kind = kind_classes(first, small_rest=False)
        self._top = TopLine(routine.name, id="top", classes=kind)
        self._band = Static("", id="band", markup=False, classes=kind)
        self._countdown = Countdown("", id="countdown", classes=kind)
        self._kinds: tuple[Widget, ...] = (self._top, self._band, self._countdown)
        self._progress = RoutineProgress(id="progress")
        self._hint = Label("", id="hint")
        self._breath = BreathGuide(id="breath")
        self._next_up = Static("", id="next-up", markup=False)
        self._next_up_rows = 0  # rows of the next-up line as last laid out
        # the exercise's steps and caution: set from the first render, shown from _begin on
        self._steps = Static("", id="steps", markup=False)
        self._caution = Static("", id="caution", markup=False)

    # ---- layout -------------------------------------------------------------------------

    def _breakpoint_classes(self) -> list[str]:
        """The classes Textual's first Resize would add (same rule: the largest breakpoint
        the size reaches), so that Resize changes nothing and costs no restyle."""
        try:
            width, height = self.app.size
        except Exception:  # constructed outside a running app
            return []
        return [
            next((name for limit, name in sorted(points, reverse=True) if size >= limit), "")
            for size, points in (
                (width, self.HORIZONTAL_BREAKPOINTS),
                (height, self.VERTICAL_BREAKPOINTS),
            )
        ]

    def compose(self) -> ComposeResult:
        self._countdown.scale = countdown_scale(*self.app.size)  # no relayout at first Resize
        if self.session is None:
            # Show the routine at once, then start: creating the session (sound worker,
            # history database) takes a few tens of ms the first frame need not wait for.
            self.render_now(Preview(self.timeline))
        # The routine's progress line sits right under the countdown: this segment's time
        # and the whole routine's read together.
        with Vertical(id="main"):
            yield self._top
            yield self._band
            yield self._countdown
            yield self._progress
            yield self._hint
            yield self._breath
            yield self._next_up
            # #info (the steps and the caution) is mounted by _begin, after the first frame

    def on_mount(self) -> None:
        if self.session is not None:
            self._begin()
            return
        app_of(self).after_first_frame(self._begin)

    def _begin(self) -> None:
        if not self.is_attached or self.summary is not None:
            # Left before its first frame (a key that quits arrived with the one that
            # started it): nothing to mount into, no session to start.
            return
        if not self.query(KeysFooter):
            # After the first frame: the keys and the steps can wait a frame (~30 ms), the
            # countdown, the instruction and what comes next not. #info is the last row.
            self.query_one("#main").mount(VerticalScroll(self._steps, self._caution, id="info"))
            self.mount(KeysFooter())
            if self.app.is_web:  # `backtimer serve`: big buttons for a finger, on narrow pages
                from backtimer.ui.widgets.touch import TouchKeys  # noqa: PLC0415

                self.query_one("#main").mount(TouchKeys())
            self.call_after_refresh(self.refresh_bindings)
        if self.session is None:
            self.session = make_session(
                self.routine,
                self.timeline,
                sound=self.sound,
                record=self.record,
                settings=self.settings,
                voice=self.voice,
            )
        self._handle(self.session.start(self.clock()))
        self.refresh_bindings()  # Voice on / Voice off as the session starts
        self.render_now()
        self._schedule()

    def _rows(self, text: str) -> int:
        """Rows `text` takes in the next-up line at its width (centred, wrapped by words)."""
        width = self._next_up.content_region.width or self.app.size.width - 2
        if not text or width <= 0:
            return 1
        return max(1, len(Text(text).wrap(self.app.console, width)))

    def on_resize(self) -> None:
        self._next_up_rows = 0  # laid out again at the new width
        size = self.app.size
        self._countdown.scale = countdown_scale(size.width, size.height)

    # ---- the one refresh ----------------------------------------------------------------

    def tick(self) -> None:
        if self.session is None or self.summary is not None:
            return
        self._handle(self.session.advance(self.clock()))
        self.render_now()
        self._schedule()

    def _schedule(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self.summary is None and self.session is not None:
            wait = next_refresh(self.session.engine, self.clock())
            # set_interval, stopped at the next tick: its timer calls tick directly, where
            # set_timer queues it as a new callback message and inspects its signature twice.
            self._timer = self.set_interval(wait, self.tick, name="session-refresh")

    def render_now(self, engine: EngineView | None = None) -> None:
        if self.summary is not None:
            return
        if engine is None:
            if self.session is None:
                return
            engine = self.session.engine
        new = session_view(self.routine, self.timeline, engine, self.clock())
        old = self.view
        if new == old:
            return
        self.view = new
        if old is None or new.state != old.state or new.small_rest != old.small_rest:
            # touch classes only on a change: each change restyles the widget
            kind = kind_classes(new.state, new.small_rest)
            for widget in self._kinds:
                if " ".join(sorted(widget.classes)) != " ".join(sorted(kind.split())):
                    widget.set_classes(kind)
            hint = _hint(new, app_of(self).keymap)
            if old is None or hint != _hint(old, app_of(self).keymap):
                self._hint.update(hint)
                _show(self._hint, bool(hint))
            # the keys shown change only with pause / resume and open segments (d Done);
            # a new set of keys rebuilds the whole footer
            if self.is_attached and (old is None or _keys_state(new) != _keys_state(old)):
                self.refresh_bindings()
        self._top.show(new.state_word, new.exercise, new.detail)
        if old is None or new.instruction != old.instruction:
            self._band.update(new.instruction, layout=False)  # its size is the CSS's
        if old is None or new.clock != old.clock:
            self._countdown.update(new.clock)
        if old is None or new.breath != old.breath:
            self._breath.breath = new.breath
            _show(self._breath, new.breath is not None)
        if old is None or new.next_up != old.next_up:
            # the row stays (blank in work), so a new line lays the screen out again only
            # when it needs another number of rows
            rows = self._rows(new.next_up)
            self._next_up.update(new.next_up, layout=False)
            if rows != self._next_up_rows:
                _measure_again(self._next_up)
            self._next_up_rows = rows
        if old is None or new.steps != old.steps or new.caution != old.caution:
            self._steps.update("\n".join(f"{i}. {s}" for i, s in enumerate(new.steps, 1)))
            self._caution.update(f"Caution: {new.caution}" if new.caution else "")
            _show(self._caution, bool(new.caution))
            _measure_again(self._steps)  # another exercise: other lines
            _measure_again(self._caution)
        if old is None or new.progress != old.progress or new.time_left != old.time_left:
            self._progress.show(new.progress, new.time_left)

    # ---- events from the engine ---------------------------------------------------------

    def _handle(self, events: list[ev.Event]) -> None:
        # after the first frame: ~10 ms of imports (min of 9 runs, loaded 2-core machine)
        from backtimer import events as ev  # noqa: PLC0415

        bell = self._bell_wanted()
        for event in events:
            if isinstance(event, ev.SegmentStarted) and bell:
                self.app.bell()
            elif isinstance(event, ev.SessionFinished):
                self._finish(event.summary, "")
            elif isinstance(event, ev.SessionStopped):
                self._finish(event.summary, event.message)
        self._show_notices()

    def _bell_wanted(self) -> bool:
        """The terminal bell at each change of segment in place of sound when no player
        works (`[sound] bell = true` rings it as well: the audio listener does that).
        Muted (here, `[sound] mute`, --no-sound) is silent."""
        if not self.sound or self.muted:
            return False
        audio = self._audio()
        if audio is None:
            return True
        if audio.settings.mute or audio.settings.backend == "none":
            return False
        return audio.backend is None

    def _history_lines(self) -> list[str]:
        """What the history recorder saved, for the summary ("Saved to history ...")."""
        line = self.session.saved_to_history() if self.session is not None else None
        return [line] if line else []

    def _audio(self) -> AudioListener | None:
        return self.session.audio if self.session is not None else None

    def _show_notices(self) -> None:
        notices = list(self.session.notices) if self.session is not None else []
        width = self.app.size.width
        for notice in notices[self.notices_shown :]:
            # whole (wrapped) from 80 columns; one short line in a smaller pane, where a
            # longer toast would cover the session (the summary lists every notice in full)
            short = one_line(notice, max(24, width * 7 // 10 - 6))
            text = " ".join(notice.split()) if width >= 80 else short
            self.notify(text, timeout=6)
        self.notices_shown = len(notices)

    def _finish(self, summary: ev.Summary, message: str) -> None:
        if self.summary is not None:
            return
        self.summary = summary
        self.stop_message = message
        if self._timer is not None:
            self._timer.stop()
        session = self.session
        assert session is not None  # a summary comes from the session's events
        try:
            session.close()
        finally:
            self.notices_after = list(session.notices)
            self.notices_shown = len(self.notices_after)  # the summary lists them
            self.notices_after.extend(self._history_lines())
        self.dismiss(summary)

    # ---- actions ------------------------------------------------------------------------

    def _control(self, act: Callable[[Session, float], list[ev.Event]]) -> None:
        """Run one of the session's controls now, e.g. `lambda s, now: s.skip(now)`."""
        if self.summary is not None or self.session is None:
            return
        self._handle(act(self.session, self.clock()))
        self.render_now()
        self._schedule()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        state = self.session.engine.state if self.session is not None else "ready"
        if action == "pause":
            return state != "paused"
        if action == "resume":
            return state == "paused"
        if action == "mute":
            return self.sound and not self.muted
        if action == "unmute":
            return self.sound and self.muted
        if action in ("voice_on", "voice_off"):
            audio = self._audio()
            speaking = bool(getattr(audio, "speaking", False))
            return self.sound and speaking == (action == "voice_off")
        if action == "done":
            seg = self.session.engine.segment if self.session is not None else None
            return seg is not None and seg.is_open
        return True

    def action_pause(self) -> None:
        self._control(lambda s, now: s.toggle_pause(now))
        self.refresh_bindings()

    def action_resume(self) -> None:
        self._control(lambda s, now: s.toggle_pause(now))
        self.refresh_bindings()

    def action_next(self) -> None:
        self._control(lambda s, now: s.skip(now))

    def action_skip_exercise(self) -> None:
        self._control(lambda s, now: s.skip_exercise(now))

    def action_back(self) -> None:
        self._control(lambda s, now: s.back(now))

    def action_restart(self) -> None:
        self._control(lambda s, now: s.restart_exercise(now))

    def action_adjust(self, seconds: float) -> None:
        self._control(lambda s, now: s.adjust(now, float(seconds)))

    def action_done(self) -> None:
        self._control(lambda s, now: s.done(now))

    def action_mute(self) -> None:
        self._set_muted(True)

    def action_unmute(self) -> None:
        self._set_muted(False)

    def action_voice_on(self) -> None:
        self._toggle_voice()

    def action_voice_off(self) -> None:
        self._toggle_voice()

    def _toggle_voice(self) -> None:
        audio = self._audio()
        toggle = getattr(audio, "toggle_voice", None)
        if toggle is None or getattr(audio, "client", None) is None:
            self.notify("The voice needs sound, and sound is off")
            return
        self.notify("Voice on" if toggle() else "Voice off: cues only")
        self.refresh_bindings()

    def _set_muted(self, muted: bool) -> None:
        audio = self._audio()
        if audio is not None and audio.muted != muted:
            audio.toggle_mute()
        self.muted = muted
        self.notify("Sound off" if muted else "Sound on")
        self.refresh_bindings()

    def action_pain(self) -> None:
        self._control(lambda s, now: s.pain(now))

    def action_quit_session(self) -> None:
        if self.summary is not None or self.session is None:
            self.app.exit()
            return
        self.open_modal(QuitConfirm(), self._after_confirm)

    def open_modal(
        self, modal: Screen[ModalResult], then: Callable[[ModalResult | None], object] | None = None
    ) -> None:
        """Show `modal` over the session: a running session pauses while it is open and goes
        on when it closes (unless `then`, called with the modal's result, ended it)."""
        running = self.session is not None and self.session.engine.state in (
            "running",
            "waiting",
        )
        if running and self.summary is None:
            self._control(lambda s, now: s.pause(now))
        self._paused_for_modal = running

        def closed(result: ModalResult | None) -> None:
            try:
                if then is not None:
                    then(result)
            finally:
                paused_here, self._paused_for_modal = self._paused_for_modal, False
                engine = self.session.engine if self.session is not None else None
                if paused_here and self.summary is None and engine and engine.state == "paused":
                    self._control(lambda s, now: s.resume(now))
                self.refresh_bindings()

        self.app.push_screen(modal, closed)

    def _after_confirm(self, choice: str | None) -> None:
        if choice in ("summary", "quit"):
            self.quit_requested = choice == "quit"
            self._control(lambda s, now: s.stop(now))

    def on_unmount(self) -> None:
        if self.summary is None and self.session is not None:
            try:
                self.session.stop(self.clock())
            finally:
                self.session.close()


def _measure_again(widget: Widget) -> None:
    """Lay `widget` out again for new content of another height. Textual counts a layout
    request only when none is pending, and the parent's arrangement cache goes by that
    count, so a request made while one is pending could keep the old height (an extra or
    a missing row until the next layout); the count is raised here in any case."""
    widget.refresh(layout=True)
    widget._layout_updates += 1


def _show(widget: Widget, shown: bool) -> None:
    """Set display only on a change: setting it at all asks for a new layout."""
    if widget.display != shown:
        widget.display = shown


def _keys_state(view: SessionView) -> tuple[bool, bool]:
    """What the footer's keys depend on (check_action): paused, and an open segment."""
    return view.state == "paused", view.counting_up


def _hint(view: SessionView, keymap: Keymap) -> str:
    """What to press now, with the person's keys ([keys] in config.toml)."""
    if view.state == "paused":
        return f"Paused — press {keys_of('pause', keymap)[0]} to go on"
    if view.state == "waiting":
        return f"Counting up — press {keys_of('done', keymap)[0]} when you are done"
    return ""
