"""The session facade the plain runner and the TUI both drive: an Engine plus listeners.

Every call forwards to the engine and hands the events it returns to each listener
(the front end's own display first, then sound and history):

    handle(events: list[Event]) -> None
    close() -> None
    notice: str | None          # a one-line message for the person, e.g. "sound: ..."

`session.audio` (the SpokenListener: an AudioListener that also speaks, for mute, the voice
toggle and its backend) and `session.history` (the HistoryRecorder, for where the session was
saved) are typed attributes, None when that listener is off or could not start. A listener
that raises is switched off with a notice; it never stops a session.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import replace
from typing import Protocol

from backtimer.audio.settings import SoundSettings
from backtimer.config import ConfigError
from backtimer.engine import Engine
from backtimer.events import Event
from backtimer.history.recorder import HistoryRecorder
from backtimer.routine.model import Routine
from backtimer.timeline import Timeline
from backtimer.usecases.settings import Settings
from backtimer.voice.listener import SpokenListener
from backtimer.voice.settings import VoiceSettings


class Listener(Protocol):
    notice: str | None

    def handle(self, events: list[Event]) -> None: ...

    def close(self) -> None: ...


class Session:
    def __init__(
        self,
        routine: Routine,
        timeline: Timeline,
        *,
        sound: bool = True,
        record: bool = True,
        listeners: Iterable[Listener] | None = None,
        max_gap: float | None = 5.0,
        settings: Settings | None = None,
        voice: bool | None = None,
    ) -> None:
        """`listeners` come on top of the default ones (sound, and history when `record`) and
        are handed each batch first, so a display is never held up by a database write.
        `settings`: config.toml as the front end read it (read here when not given).
        `voice`: speak (--voice / --no-voice); None: as `[voice] enabled` says."""
        self.routine = routine
        self.timeline = timeline
        self.engine = Engine(timeline, max_gap=max_gap)
        self.notices: list[str] = []
        self._listeners: list[Listener] = list(listeners or ())
        self._closed = False
        self.audio: SpokenListener | None = None
        self.history: HistoryRecorder | None = None
        if settings is None and sound:
            settings, problem = Settings.load_or_defaults()
            if problem is not None:
                self._notice(f"sound: {problem} (using the default sound settings)")
        try:
            self.audio = SpokenListener(
                routine,
                timeline,
                sound,
                settings=self._sound_settings(sound, settings),
                voice=self._voice_settings(sound, voice, settings),
            )
            self._listeners.append(self.audio)
        except Exception as exc:  # a listener that cannot start must not stop the session
            self._notice(f"sound: off ({_reason(exc)})")
        if record:
            try:
                self.history = HistoryRecorder(routine, timeline)
                self._listeners.append(self.history)
            except Exception as exc:
                self._notice(f"history: off ({_reason(exc)})")
        self._collect_notices()

    def _sound_settings(self, sound: bool, settings: Settings | None) -> SoundSettings:
        if not sound or settings is None:
            return SoundSettings()
        try:
            return settings.sound
        except ConfigError as exc:
            self._notice(f"sound: {exc} (using the default sound settings)")
            return SoundSettings()

    def _voice_settings(
        self, sound: bool, voice: bool | None, settings: Settings | None
    ) -> VoiceSettings:
        chosen = VoiceSettings()
        if sound and settings is not None:
            try:
                chosen = settings.voice
            except ConfigError as exc:
                self._notice(f"voice: {exc} (the voice is off)")
                return VoiceSettings(enabled=False)
        return chosen if voice is None else replace(chosen, enabled=voice)

    @property
    def listeners(self) -> tuple[Listener, ...]:
        return tuple(self._listeners)

    # ------------------------------------------------------------ driving
    def start(self, now: float, boot: float | None = None) -> list[Event]:
        return self._hand(self.engine.start(now, boot))

    def advance(self, now: float, boot: float | None = None) -> list[Event]:
        return self._hand(self.engine.advance(now, boot))

    def toggle_pause(self, now: float) -> list[Event]:
        return self._hand(self.engine.toggle_pause(now))

    def pause(self, now: float) -> list[Event]:
        return self._hand(self.engine.pause(now))

    def resume(self, now: float) -> list[Event]:
        return self._hand(self.engine.resume(now))

    def skip(self, now: float) -> list[Event]:
        return self._hand(self.engine.skip(now))

    def skip_exercise(self, now: float) -> list[Event]:
        return self._hand(self.engine.skip_exercise(now))

    def back(self, now: float) -> list[Event]:
        return self._hand(self.engine.back(now))

    def restart_exercise(self, now: float) -> list[Event]:
        return self._hand(self.engine.restart_exercise(now))

    def adjust(self, now: float, delta: float) -> list[Event]:
        return self._hand(self.engine.adjust(now, delta))

    def done(self, now: float) -> list[Event]:
        return self._hand(self.engine.done(now))

    def stop(self, now: float) -> list[Event]:
        return self._hand(self.engine.stop(now))

    def pain(self, now: float) -> list[Event]:
        return self._hand(self.engine.pain(now))

    def close(self) -> None:
        """Close every listener (once). Safe to call more than once."""
        if self._closed:
            return
        self._closed = True
        for listener in list(self._listeners):
            try:
                listener.close()
            except Exception as exc:
                self._notice(f"{self._label(listener)}: failed while closing ({_reason(exc)})")
        self._collect_notices()

    def saved_to_history(self) -> str | None:
        """The line both front ends end with when the history recorder saved the session:
        "Saved to history: 3 exercises, completed (/home/ann/.local/share/.../history.sqlite3)".
        None when nothing was saved (record off, a database problem: see `notices`)."""
        if self.history is None:
            return None
        try:
            info = self.history.describe()
        except Exception:  # the end of a session must never fail on it
            return None
        if not info.saved:
            return None
        where = f" ({info.path})" if info.path else ""
        noun = "exercise" if info.exercises == 1 else "exercises"
        return f"Saved to history: {info.exercises} {noun}, {info.status}{where}"

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ internals
    def _hand(self, events: list[Event]) -> list[Event]:
        if events and not self._closed:  # after close, nothing more is saved or played
            for listener in list(self._listeners):
                try:
                    listener.handle(events)
                except Exception as exc:
                    self._listeners.remove(listener)
                    self._notice(
                        f"{self._label(listener)}: switched off after an error ({_reason(exc)})"
                    )
                    with contextlib.suppress(Exception):
                        listener.close()
        self._collect_notices()
        return events

    def _collect_notices(self) -> None:
        for listener in self._listeners:
            texts: list[str | None] = [listener.notice]
            if self.audio is not None and listener is self.audio:
                texts[:0] = self.audio.notices  # every distinct one, not only the last
            if self.history is not None and listener is self.history:
                texts[:0] = self.history.notices  # e.g. a damaged file moved aside
            for text in texts:
                if text:
                    self._notice(text)

    def _label(self, listener: Listener) -> str:
        if listener is self.audio:
            return "sound"
        if listener is self.history:
            return "history"
        return type(listener).__name__

    def _notice(self, text: str) -> None:
        if text not in self.notices:
            self.notices.append(text)


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
