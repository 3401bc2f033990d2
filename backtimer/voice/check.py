"""Saying one phrase outside a session: `backtimer sound --check` and the break reminder.

`say_once(text)` renders the phrase (or takes it from the cache), starts the audio worker,
says it and waits until it has sounded. It never raises: what happened comes back as a
`Said` with the engine, whether it was rendered or cached, and any problem, in words.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass
from typing import Any

from backtimer.audio.listener import AudioListener
from backtimer.audio.settings import SoundSettings
from backtimer.voice.phrases import VoiceOptions, for_texts
from backtimer.voice.render import PhraseCache
from backtimer.voice.settings import VoiceSettings
from backtimer.voice.speaker import Voice

TEST_PHRASE = "This is the backtimer voice. Neck retraction. Hold three seconds, ten times."


@dataclass(frozen=True)
class Said:
    engine: str | None  # "espeak-ng (eSpeak NG text-to-speech: 1.51 ...)", None: none found
    seconds: float  # how long the phrase is (0: not said)
    rendered: bool  # rendered now (False: from the cache)
    backend: str | None  # the sound backend that played it
    problem: str | None  # why it was not said, in one line


class _Listener(AudioListener):
    def __init__(self, **kw: Any) -> None:
        self.voice: Voice | None = None
        super().__init__(None, None, True, **kw)

    def _on_message(self, msg: dict[str, Any]) -> None:
        super()._on_message(msg)
        if self.voice is not None:
            self.voice.on_message(msg)


def say_once(
    text: str = TEST_PHRASE,
    *,
    voice: VoiceSettings | None = None,
    sound: SoundSettings | None = None,
    cache: PhraseCache | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 30.0,
) -> Said:
    settings = voice or VoiceSettings(enabled=True)
    listener = _Listener(settings=sound, tty=False, env=env)
    try:
        return _say(listener, text, settings, cache, timeout)
    except Exception as exc:  # never a traceback for the person
        return Said(None, 0.0, False, None, f"voice: {type(exc).__name__}: {exc}")
    finally:
        with contextlib.suppress(Exception):
            listener.close()


def _say(
    listener: _Listener,
    text: str,
    settings: VoiceSettings,
    cache: PhraseCache | None,
    timeout: float,
) -> Said:
    client = listener.client
    if client is None or not client.wait_ready(timeout):
        why = listener.notice or "sound is off"
        return Said(None, 0.0, False, listener.backend, f"voice: no sound to speak with ({why})")
    gain = (listener.settings.volume / 100.0) * (settings.volume / 100.0)
    voice = Voice(
        for_texts([text], VoiceOptions(rate=settings.rate)),
        settings,
        client,
        gain,
        cache=cache,
        processes=1,
    )
    listener.voice = voice
    loaded = voice.wait_loaded(timeout)
    engine = voice.engine
    label = f"{engine.name} ({engine.identity})" if engine is not None else None
    if engine is not None and engine.identity.startswith("command "):
        label = f"{engine.name} (the [voice] command)"
    problem = voice.notices[0] if voice.notices else None
    if not loaded or problem is not None or not voice.say_text(text):
        return Said(label, 0.0, text in voice.rendered, listener.backend,
                    problem or "voice: the phrase could not be loaded")  # fmt: skip
    seconds = voice.lengths.get(text, 0.0)
    time.sleep(seconds + 0.2)
    return Said(label, seconds, text in voice.rendered, listener.backend, None)
