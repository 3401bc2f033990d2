"""SpokenListener: the Session's sound with the voice on. Everything AudioListener does,
and at the moments the voice has a phrase for, the phrase instead of the cue."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from backtimer.audio.listener import AudioListener
from backtimer.config import ConfigError
from backtimer.voice import settings as voice_settings
from backtimer.voice.settings import VoiceSettings

if TYPE_CHECKING:
    from backtimer.voice.render import PhraseCache
    from backtimer.voice.speaker import Voice


class SpokenListener(AudioListener):
    """`voice`: the [voice] settings (None: read from the config file); `enabled` there
    decides whether it speaks at the start. `toggle_voice()` is the app's `v` key."""

    def __init__(
        self,
        routine: Any = None,
        timeline: Any = None,
        enabled: bool = True,
        *,
        voice: VoiceSettings | None = None,
        cache: PhraseCache | None = None,
        **kwargs: Any,
    ) -> None:
        self.voice: Voice | None = None
        self.voice_settings = VoiceSettings()
        self._cache = cache
        super().__init__(routine, timeline, enabled, **kwargs)
        if voice is None:
            try:
                voice = voice_settings.load()
            except ConfigError as exc:
                self._note(f"voice: {exc} (the voice is off)")
                return
        self.voice_settings = voice
        if not voice.enabled or not self.enabled or routine is None or timeline is None:
            return
        if self.client is None:
            if self.backend is None or self.backend == "bell":
                self._note("voice: off, because sound is off or there is no sound device")
            return
        self._start_voice()

    def _start_voice(self) -> None:
        # imported when the voice is on: a session without it does not pay for them
        from backtimer.voice.phrases import VoiceOptions, build  # noqa: PLC0415
        from backtimer.voice.speaker import Voice  # noqa: PLC0415

        v = self.voice_settings
        routine, timeline, client = self.routine, self.timeline, self.client
        if routine is None or timeline is None or client is None:  # callers check
            return
        plan = build(
            routine,
            timeline,
            VoiceOptions(rate=v.rate, countdown=v.countdown, breath=v.breath),
        )
        gain = (self.settings.volume / 100.0) * (v.volume / 100.0)
        self.voice = Voice(plan, v, client, gain, cache=self._cache, on_notice=self._note)

    def _on_message(self, msg: dict[str, Any]) -> None:
        super()._on_message(msg)
        voice = self.voice
        if voice is not None:
            voice.on_message(msg)

    def _speak(self, events: list[object]) -> bool:
        voice = self.voice
        if voice is None:
            return False
        try:
            return voice.handle(events)
        except Exception as exc:  # never into the session
            self._note(f"voice: {type(exc).__name__}: {exc}; the voice is off")
            self.voice = None
            return False

    @property
    def speaking(self) -> bool:
        return self.voice is not None and self.voice.enabled

    def toggle_voice(self) -> bool:
        """Voice on or off for this session; returns True when now on. Turning it on when it
        was off from the start begins rendering then."""
        if self.voice is None:
            if self.client is None or self.routine is None or self.timeline is None:
                return False
            self._start_voice()
            return True
        self.voice.enabled = not self.voice.enabled
        return self.voice.enabled

    def close(self) -> None:
        voice, self.voice = self.voice, None
        if voice is not None:
            with contextlib.suppress(Exception):
                voice.close()
        client = self.client
        if client is not None and client.phrases:
            # the last phrase ("Done. ...") is heard whole, but the caller does not wait
            # for it: the worker says it and exits by itself
            self.client = None
            with contextlib.suppress(Exception):
                client.close(wait=False)
            return
        super().close()
