"""Rendering phrases with the real espeak-ng, the phrase cache, and what happens when the
engine is missing or fails."""

from __future__ import annotations

import os
import shutil
import threading
import wave
from pathlib import Path
from typing import Any

import pytest

from backtimer.routine.library import load
from backtimer.timeline import compile
from backtimer.usecases.session import Session
from backtimer.usecases.settings import Settings
from backtimer.voice.phrases import VoiceOptions, build, estimate
from backtimer.voice.render import INSTALL_HINT, KEEP, PhraseCache, engine_for, render
from backtimer.voice.settings import VoiceSettings
from backtimer.voice.speaker import Voice

ESPEAK = shutil.which("espeak-ng")
needs_espeak = pytest.mark.skipif(ESPEAK is None, reason="espeak-ng is not installed")
if ESPEAK is None:
    print("espeak-ng is not installed (apt-get install espeak-ng): real-render tests skip")


class FakeClient:
    """Records what the voice hands to the audio worker, and answers "loaded" at once."""

    def __init__(self) -> None:
        self.loads: list[tuple[str, Path, float]] = []
        self.said: list[tuple[str, bool]] = []
        self.stops = 0
        self.voice: Voice | None = None
        self.lock = threading.Lock()

    def load(self, name: str, path: Any, gain: float) -> bool:
        with self.lock:
            self.loads.append((name, Path(path), gain))
        if self.voice is not None:
            self.voice.on_message({"type": "loaded", "name": name})
        return True

    def say(self, name: str, *, wait: bool = True) -> bool:
        self.said.append((name, wait))
        return True

    def stop(self) -> bool:
        self.stops += 1
        return True


def voice_for(routine_id: str, settings: VoiceSettings | None = None, **kw: Any) -> Voice:
    routine = load(routine_id)
    settings = settings or VoiceSettings(enabled=True)
    plan = build(routine, compile(routine), VoiceOptions(rate=settings.rate))
    client = FakeClient()
    voice = Voice(plan, settings, client, 0.8, start=False, **kw)
    client.voice = voice
    return voice


def run(voice: Voice) -> Voice:
    voice._prepare()
    return voice


@needs_espeak
def test_a_real_phrase_is_rendered_trimmed_and_cached(tmp_path: Path) -> None:
    cache = PhraseCache(tmp_path / "voice")
    engine = engine_for(VoiceSettings(), cache)
    assert engine.name == "espeak-ng" and "eSpeak NG" in engine.identity
    clip = render(engine, "Neck retraction.", cache.folder)
    assert clip.rate == 22050 and clip.channels == 1
    assert 0.5 < clip.seconds < 2.0
    samples = [int.from_bytes(clip.frames[i : i + 2], "little", signed=True)
               for i in range(0, len(clip.frames), 2)]  # fmt: skip
    lead = next(i for i, v in enumerate(samples) if abs(v) > 150)
    assert lead / clip.rate <= KEEP + 0.0005  # speech starts within 2 ms of the start
    assert os.listdir(cache.folder) == ["engines.json"]  # the engine's temporary file is gone
    path = cache.put(engine.key("Neck retraction."), clip)
    assert sorted(os.listdir(cache.folder)) == sorted([path.name, "engines.json"])
    again = cache.get(engine.key("Neck retraction."))
    assert again is not None and again.frames == clip.frames


@needs_espeak
def test_the_estimate_errs_long_for_every_phrase_of_the_neck_routine(tmp_path: Path) -> None:
    cache = PhraseCache(tmp_path / "voice")
    engine = engine_for(VoiceSettings(), cache)
    routine = load("neck")
    texts = build(routine, compile(routine)).texts()
    assert len(texts) > 30
    for text in texts:
        seconds = render(engine, text, cache.folder).seconds
        assert seconds <= estimate(text), f"{text!r}: {seconds:.2f} s, estimated {estimate(text)}"
    fast = engine_for(VoiceSettings(rate=350), cache)
    slow = render(engine, texts[0], cache.folder).seconds
    assert render(fast, texts[0], cache.folder).seconds < 0.7 * slow
    assert render(fast, texts[0], cache.folder).seconds <= estimate(texts[0], 350)


@needs_espeak
def test_cache_key_is_text_voice_rate_and_engine(tmp_path: Path) -> None:
    cache = PhraseCache(tmp_path / "voice")
    base = engine_for(VoiceSettings(), cache)
    keys = {
        base.key("Rest."),
        base.key("Rest!"),
        engine_for(VoiceSettings(voice="en-us"), cache).key("Rest."),
        engine_for(VoiceSettings(rate=200), cache).key("Rest."),
    }
    assert len(keys) == 4
    assert base.key("Rest.") == engine_for(VoiceSettings(), cache).key("Rest.")


@needs_espeak
def test_second_run_starts_no_process_and_bad_cache_files_are_rendered_again(
    tmp_path: Path,
) -> None:
    cache = PhraseCache(tmp_path / "voice")
    first = run(voice_for("neck", cache=cache))
    assert first.notices == []
    assert first.spawned > 10
    chosen = {k: t for k, t in first.chosen.items() if t}
    assert len(chosen) == len(first.plan.slots)  # every moment has its phrase

    second = run(voice_for("neck", cache=cache))
    assert second.spawned == 0  # not even espeak-ng --version
    assert second.chosen == first.chosen
    said = second.text_for(("start", 0))
    assert said == "Get ready. Neck retraction. Hold three seconds, ten times."

    # cached files are not to be trusted: each bad one is replaced by a fresh render
    assert first.engine is not None
    paths = [cache.path(first.engine.key(t)) for t in list(set(chosen.values()))[:4]]
    paths[0].write_bytes(b"RIFF....WAVEfmt this is not a wav")
    paths[1].unlink()
    paths[1].symlink_to("/dev/zero")
    paths[2].unlink()
    paths[2].mkdir()
    with open(paths[3], "r+b") as fh:  # a WAV grown past the phrase size limit
        fh.truncate(9 << 20)
    third = run(voice_for("neck", cache=cache))
    assert third.spawned == 4
    assert third.chosen == first.chosen
    for p in paths:
        assert p.is_file() and not p.is_symlink()
        with wave.open(str(p)) as w:
            assert w.getnframes() > 1000


def test_without_espeak_one_message_says_how_to_install_it(tmp_path: Path) -> None:
    voice = voice_for("neck", which=lambda _name: None, cache=PhraseCache(tmp_path))
    assert voice.notices == [INSTALL_HINT]
    assert "apt-get install espeak-ng" in INSTALL_HINT
    assert voice.ready.is_set() and voice.spawned == 0
    assert voice.handle([]) is False


def test_a_session_without_espeak_goes_on_with_cues(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # no espeak-ng (nor a player: cues go silent)
    routine = load("neck")
    session = Session(routine, compile(routine), record=False, voice=True, max_gap=None,
                      settings=Settings({}))  # fmt: skip
    try:
        events = session.start(0.0)
        events += session.advance(30.0)
        assert session.engine.state == "running"
        assert session.notices.count(INSTALL_HINT) == 1
        session.advance(60.0)
        assert session.notices.count(INSTALL_HINT) == 1
    finally:
        session.close()


@needs_espeak
def test_another_engine_by_command(tmp_path: Path) -> None:
    script = tmp_path / "my-tts"
    body = f'# text on stdin, the WAV to "$2"\nexec "{ESPEAK}" -w "$2" --stdin\n'
    script.write_text("#!/bin/sh\n" + body)
    script.chmod(0o755)
    settings = VoiceSettings(enabled=True, command=(str(script), "--out", "{wav}"))
    cache = PhraseCache(tmp_path / "voice")
    voice = run(voice_for("warm-up", settings, cache=cache))
    assert voice.notices == []
    assert voice.engine is not None and voice.engine.name == "my-tts"
    assert voice.spawned > 0 and all(voice.chosen.values())
    assert run(voice_for("warm-up", settings, cache=cache)).spawned == 0


def test_an_engine_that_fails_is_one_message_and_rendering_stops(tmp_path: Path) -> None:
    script = tmp_path / "broken-tts"
    script.write_text("#!/bin/sh\necho 'model file missing' >&2\nexit 3\n")
    script.chmod(0o755)
    settings = VoiceSettings(enabled=True, command=(str(script), "{wav}"))
    voice = run(voice_for("neck", settings, cache=PhraseCache(tmp_path / "voice")))
    assert voice.notices == [
        "voice: broken-tts failed (exit 3: model file missing) (the cues play instead)"
    ]
    assert voice.spawned <= 2  # the processes already running, no more
    assert not any(voice.chosen.values())
    assert voice.handle([]) is False


def test_a_command_that_is_not_there_is_named(tmp_path: Path) -> None:
    settings = VoiceSettings(enabled=True, command=("no-such-tts", "{wav}"))
    voice = voice_for("neck", settings, cache=PhraseCache(tmp_path))
    assert voice.notices == [
        "voice: no-such-tts (the [voice] command) is not found, so the cues play instead"
    ]


def test_the_cache_is_pruned_least_recently_used_first(tmp_path: Path) -> None:
    cache = PhraseCache(tmp_path)
    for i in range(30):
        path = tmp_path / f"{i:02d}.wav"
        path.write_bytes(b"x")
        os.utime(path, (1000 + i, 1000 + i))
    assert cache.prune(keep=40) == 0
    assert cache.prune(keep=20) == 3
    assert sorted(p.name for p in tmp_path.iterdir())[:2] == ["03.wav", "04.wav"]
