"""AudioListener: the Session's sound. Maps engine events to cues and plays them.

Never raises into the session: any problem becomes a one-line `.notice` (set once
per distinct problem) and, when sound can no longer work, the listener goes quiet.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterable
from typing import Any

from backtimer import paths
from backtimer.audio.cue_names import CUES
from backtimer.audio.cues import cues_for
from backtimer.audio.settings import SoundSettings
from backtimer.audio.worker import WorkerClient
from backtimer.routine.model import Routine
from backtimer.timeline import Timeline


def _terminal_bell() -> None:
    stream = sys.__stdout__
    if stream is not None:
        stream.write("\a")
        stream.flush()


def _has_terminal() -> bool:
    stream = sys.__stdout__
    try:
        return stream is not None and os.isatty(stream.fileno())
    except (OSError, ValueError):
        return False


class AudioListener:
    """handle(events) plays the cue of each batch; `play(name)` plays one by name
    (break_due); `toggle_mute()` for the app's `m` key."""

    def __init__(
        self,
        routine: Routine | None = None,
        timeline: Timeline | None = None,
        enabled: bool = True,
        *,
        settings: SoundSettings | None = None,
        bell: Callable[[], None] | None = None,
        tty: bool | None = None,
        report: bool = False,
        env: dict[str, str] | None = None,
    ) -> None:
        self.routine = routine
        self.timeline = timeline
        self.enabled = enabled
        self.muted = False
        self.notice: str | None = None
        self.notices: list[str] = []
        self.bell = bell or _terminal_bell
        self.tty = _has_terminal() if tty is None else tty
        self.client: WorkerClient | None = None
        self.settings = SoundSettings()
        if not enabled:
            return
        self.settings = settings if settings is not None else SoundSettings()
        for problem in self.settings.problems:
            self._note(f"sound: {problem} (the built-in cue plays instead)")
        if self.settings.mute or self.settings.backend == "none":
            return
        if self.settings.backend == "bell":
            return
        try:
            clips = {
                name: (
                    self.settings.path(name),
                    paths.sounds_dir() / f"{name}.wav",
                    self.settings.gain(name),
                )
                for name in CUES
            }
            self.client = WorkerClient(
                clips,
                self.settings.backend,
                report=report,
                on_message=self._on_message,
                env=env,
            )
        except Exception as exc:
            self._note(f"sound: cannot start the audio worker ({exc}); sound is off")
            self.client = None
            self.enabled = False

    # -- what the worker tells us (reader thread)
    def _on_message(self, msg: dict[str, Any]) -> None:  # Any: a JSON message
        kind = msg.get("type")
        if kind == "ready":
            for problem in msg.get("errors", {}).values():
                self._note(f"sound: {problem} (using the built-in cue)")
            if msg.get("backend") != "simpleaudio" and self.settings.backend == "auto":
                self._fallback_notice(msg.get("backend"), msg.get("reasons", []))
        elif kind == "fallback":
            self._fallback_notice(msg.get("backend"), msg.get("reasons", []))
        elif kind == "dead":
            self._note(f"sound: {msg.get('reason')}; sound is off")

    def _fallback_notice(self, backend: str | None, reasons: list[str]) -> None:
        chosen = backend if backend is not None else ("bell" if self.tty else None)
        why = reasons[0] if reasons else "no player found"
        if chosen is None:
            self._note(f"sound: no sound device or player found, cues are silent ({why})")
        elif chosen == "bell":
            self._note(f"sound: no sound device or player found, using the terminal bell ({why})")
        else:
            self._note(f"sound: using {chosen} ({why})")

    def _note(self, message: str) -> None:
        if message not in self.notices:
            self.notices.append(message)
            self.notice = message

    @property
    def backend(self) -> str | None:
        """The backend in use: simpleaudio, a player's name, "bell", or None (silence)."""
        if not self.enabled or self.settings.mute or self.settings.backend == "none":
            return None
        if self.settings.backend == "bell":
            return "bell" if self.tty else None
        client = self.client
        if client is None:
            return None
        if client.ready.is_set() and (client.backend is None or client.dead):
            return "bell" if self.tty else None
        return client.backend if client.ready.is_set() else "starting"

    # -- the listener interface
    def handle(self, events: Iterable[object]) -> None:
        if not self.enabled or self.muted:
            return
        try:
            names = cues_for(events, self.timeline, self.settings.audible)
            if names:
                self.play(names[-1])  # a later cue would cut an earlier one anyway
        except Exception as exc:  # never into the session
            self._note(f"sound: {type(exc).__name__}: {exc}; sound is off")
            self.enabled = False

    def play(self, name: str) -> None:
        """Play one cue by name now (cuts the previous one). Never raises."""
        if not self.enabled or self.muted or not self.settings.audible(name):
            return
        try:
            backend = self.backend
            if backend == "bell":
                self.bell()
            elif backend is not None and self.client is not None:
                self.client.play(name)
        except Exception as exc:
            self._note(f"sound: {type(exc).__name__}: {exc}; sound is off")
            self.enabled = False

    def toggle_mute(self) -> bool:
        """Mute or unmute; returns True when now muted."""
        self.muted = not self.muted
        if self.muted and self.client is not None:
            with contextlib.suppress(Exception):
                self.client.stop()
        return self.muted

    def close(self) -> None:
        client, self.client = self.client, None
        if client is not None:
            with contextlib.suppress(Exception):
                client.close()
