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
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Label, Static

from backtimer.routine.model import Routine
from backtimer.timeline import Timeline, compile
from backtimer.ui.keys import bindings
from backtimer.ui.view import SessionView, next_refresh, session_view
from backtimer.ui.widgets.breath import BreathGuide
from backtimer.ui.widgets.countdown import Countdown
from backtimer.ui.widgets.progress import RoutineProgress
from backtimer.ui.widgets.topline import TopLine
from backtimer.usecases.keymap import SESSION_KEYS

if TYPE_CHECKING:  # the engine's events are imported after the first frame (see _handle)
    from backtimer import events as ev
    from backtimer.audio.listener import AudioListener
    from backtimer.usecases.session import Session
    from backtimer.usecases.settings import Settings

Clock = Callable[[], float]

_STATE_CLASSES = ("-prepare", "-work", "-rest", "-paused", "-waiting", "-finished", "-relax")


def countdown_scale(width: int, height: int) -> int:
    """0 = three-line Digits; 1, 2, 3 = the block font 5, 10, 15 lines tall."""
    if width >= 200 and height >= 60:
        return 3
    if width >= 130 and height >= 44:
        return 2
    if width >= 60 and height >= 22:
        return 1
    return 0


def make_session(
    routine: Routine, timeline: Timeline, *, sound: bool, record: bool, settings: Settings | None
) -> Session:
    from backtimer.usecases.session import Session  # noqa: PLC0415 - pulls in audio + history

    return Session(routine, timeline, sound=sound, record=record, settings=settings)


class SessionScreen(Screen["ev.Summary"]):
    """Runs `routine`; dismisses with the Summary when it finishes or is stopped."""

    CSS_PATH = "session.tcss"
    BINDINGS = bindings(SESSION_KEYS)  # type: ignore[assignment]
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [
        (0, "-w-tiny"),
        (46, "-w-small"),
        (70, "-w-medium"),
    ]
    VERTICAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [
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
    ) -> None:
        self.timeline = timeline or compile(routine)
        first = self.timeline.segments[0].kind if self.timeline.segments else "finished"
        # styled right from the first frame: each later change of classes restyles the screen
        classes = [f"-{first}", *self._breakpoint_classes()]
        super().__init__(classes=" ".join(c for c in classes if c))
        self.routine = routine
        self.clock: Clock = clock or time.monotonic
        self.sound = sound
        self.record = record
        self.session = session
        self.settings = settings
        self.muted = False
        self.summary: ev.Summary | None = None
        self.stop_message = ""
        self.notices_shown = 0
        self.view: SessionView | None = None
        self._paused_for_modal = False
        self.quit_requested = False
        self.notices_after: list[str] = []
        self._timer: Any = None
        # The widgets exist before the screen is mounted, so that the first render (the
        # routine's first segment) fills them before the first layout: the first frame is
        # then one full frame, not an empty layout followed by a repaint of what changed.
        # The author's text is never markup.
        self._top = TopLine(routine.name, id="top")
        self._band = Static("", id="band", markup=False)
        self._countdown = Countdown("", id="countdown")
        self._progress = RoutineProgress(id="progress")
        self._hint = Label("", id="hint")
        self._breath = BreathGuide(id="breath")
        self._next_up = Static("", id="next-up", markup=False)
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
            self.render_now(_Preview(self.timeline))
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
        after_first_frame = getattr(self.app, "after_first_frame", self.call_after_refresh)
        after_first_frame(self._begin)

    def _begin(self) -> None:
        from backtimer.ui.widgets.footer import KeysFooter  # noqa: PLC0415 - after the first frame

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
            )
        self._handle(self.session.start(self.clock()))
        self.render_now()
        self._schedule()

    def on_resize(self) -> None:
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

    def render_now(self, engine: Any = None) -> None:
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
            # touch classes only on a change: each change restyles the whole screen
            wanted = {f"-{new.state}"} | ({"-relax"} if new.small_rest else set())
            stale = [c for c in _STATE_CLASSES if c not in wanted and self.has_class(c)]
            if stale:
                self.remove_class(*stale)
            missing = [c for c in wanted if not self.has_class(c)]
            if missing:
                self.add_class(*missing)
            self._hint.update(_hint(new))
            _show(self._hint, bool(_hint(new)))
            if self.is_attached:
                self.refresh_bindings()
        self._top.show(new.state_word, new.exercise, new.detail)
        if old is None or new.instruction != old.instruction:
            self._band.update(new.instruction)
        if old is None or new.clock != old.clock:
            self._countdown.update(new.clock)
        if old is None or new.breath != old.breath:
            self._breath.breath = new.breath
            _show(self._breath, new.breath is not None)
        if old is None or new.next_up != old.next_up:
            self._next_up.update(new.next_up)
            _show(self._next_up, bool(new.next_up))
        if old is None or new.steps != old.steps or new.caution != old.caution:
            self._steps.update("\n".join(f"{i}. {s}" for i, s in enumerate(new.steps, 1)))
            self._caution.update(f"Caution: {new.caution}" if new.caution else "")
            _show(self._caution, bool(new.caution))
        if old is None or new.progress != old.progress or new.time_left != old.time_left:
            self._progress.show(new.progress, new.time_left)

    # ---- events from the engine ---------------------------------------------------------

    def _handle(self, events: list[Any]) -> None:
        from backtimer import events as ev  # noqa: PLC0415 - not needed for the first frame

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
        """The terminal bell stands in for sound when it is muted here or cannot play.
        With sound off (--no-sound) the session stays silent."""
        if not self.sound:
            return False
        if self.muted:
            return True
        audio = self._audio()
        return audio is None or audio.backend is None

    def _history_lines(self) -> list[str]:
        """What the history recorder saved, for the summary ("Saved to history ...")."""
        history = self.session.history if self.session is not None else None
        if history is None:
            return []
        try:
            info = history.describe()
        except Exception:  # a listener must never break the summary
            return []
        if info.get("saved"):
            count = int(info.get("exercises") or 0)
            where = f" ({info['path']})" if info.get("path") else ""
            noun = "exercise" if count == 1 else "exercises"
            return [f"Saved to history: {count} {noun}, {info.get('status')}{where}"]
        return []

    def _audio(self) -> AudioListener | None:
        return self.session.audio if self.session is not None else None

    def _show_notices(self) -> None:
        notices = list(self.session.notices) if self.session is not None else []
        for notice in notices[self.notices_shown :]:
            self.notify(one_line(notice, max(24, self.app.size.width * 7 // 10 - 6)), timeout=6)
        self.notices_shown = len(notices)

    def _finish(self, summary: ev.Summary, message: str) -> None:
        if self.summary is not None:
            return
        self.summary = summary
        self.stop_message = message
        if self._timer is not None:
            self._timer.stop()
        try:
            self.session.close()
        finally:
            self.notices_after = list(self.session.notices)
            self.notices_shown = len(self.notices_after)  # the summary lists them
            self.notices_after.extend(self._history_lines())
        self.dismiss(summary)

    # ---- actions ------------------------------------------------------------------------

    def _control(self, name: str, *args: float) -> None:
        if self.summary is not None or self.session is None:
            return
        method = getattr(self.session, name)
        self._handle(method(self.clock(), *args))
        self.render_now()
        self._schedule()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        state = getattr(getattr(self.session, "engine", None), "state", "ready")
        if action == "pause":
            return state != "paused"
        if action == "resume":
            return state == "paused"
        if action == "mute":
            return self.sound and not self.muted
        if action == "unmute":
            return self.sound and self.muted
        if action == "done":
            seg = getattr(self.session.engine, "segment", None) if self.session else None
            return seg is not None and seg.is_open
        return True

    def action_pause(self) -> None:
        self._control("toggle_pause")
        self.refresh_bindings()

    def action_resume(self) -> None:
        self._control("toggle_pause")
        self.refresh_bindings()

    def action_next(self) -> None:
        self._control("skip")

    def action_skip_exercise(self) -> None:
        self._control("skip_exercise")

    def action_back(self) -> None:
        self._control("back")

    def action_restart(self) -> None:
        self._control("restart_exercise")

    def action_adjust(self, seconds: float) -> None:
        self._control("adjust", float(seconds))

    def action_done(self) -> None:
        self._control("done")

    def action_mute(self) -> None:
        self._set_muted(True)

    def action_unmute(self) -> None:
        self._set_muted(False)

    def _set_muted(self, muted: bool) -> None:
        audio = self._audio()
        if audio is not None and audio.muted != muted:
            audio.toggle_mute()
        self.muted = muted
        self.notify("Sound off: the terminal bell marks each change" if muted else "Sound on")
        self.refresh_bindings()

    def action_pain(self) -> None:
        self._control("pain")

    def action_quit_session(self) -> None:
        if self.summary is not None or self.session is None:
            self.app.exit()
            return
        running = getattr(self.session.engine, "state", "") in ("running", "waiting")
        if running:
            self._control("toggle_pause")
        self._paused_for_modal = running
        from backtimer.ui.screens.confirm import QuitConfirm  # noqa: PLC0415 - on demand

        self.app.push_screen(QuitConfirm(), self._after_confirm)

    def _after_confirm(self, choice: str | None) -> None:
        if choice in ("summary", "quit"):
            self.quit_requested = choice == "quit"
            self._control("stop")
        elif self._paused_for_modal and self.session.engine.state == "paused":
            self._control("toggle_pause")
        self._paused_for_modal = False

    def on_unmount(self) -> None:
        if self.summary is None and self.session is not None:
            try:
                self.session.stop(self.clock())
            finally:
                self.session.close()


class _Preview:
    """The engine's answers before it starts: the first segment, in full."""

    state = "ready"

    def __init__(self, timeline: Timeline) -> None:
        self.segment = timeline.segments[0] if timeline.segments else None

    def remaining(self, now: float) -> float | None:
        return self.segment.duration if self.segment is not None else None

    def elapsed(self, now: float) -> float:
        return 0.0

    def progress(self, now: float) -> float:
        return 0.0

    def next_wakeup(self, now: float) -> float | None:
        return None


def _show(widget: Any, shown: bool) -> None:
    """Set display only on a change: setting it at all asks for a new layout."""
    if widget.display != shown:
        widget.display = shown


def one_line(text: str, width: int) -> str:
    """A notice as one short line: the reason in brackets goes first when it is long."""
    text = " ".join(text.split())
    if len(text) > width and " (" in text:
        text = text.split(" (", 1)[0]
    return text if len(text) <= width else text[: width - 1] + "…"


def _hint(view: SessionView) -> str:
    if view.state == "paused":
        return "Paused — press space to go on"
    if view.state == "waiting":
        return "Counting up — press d when you are done"
    return ""
