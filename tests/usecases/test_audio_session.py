"""A routine run through the Session facade (simulated time) with sound on: every cue the
person should hear reaches ALSA (file plugin capture), in order, at the configured volume."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from backtimer import paths
from backtimer.audio.cues import cues_for
from backtimer.audio.listener import AudioListener
from backtimer.timeline import compile
from backtimer.usecases.session import Session
from tests.helpers.audio_helpers import NO_DEVICE, alsa_home, cue_frames, wait_for
from tests.helpers.engine_helpers import hold, routine

try:
    import simpleaudio  # noqa: F401
except ImportError as exc:
    print(f"simpleaudio cannot be imported ({exc}); skipping the session sound tests")
    pytest.skip(f"simpleaudio cannot be imported ({exc})", allow_module_level=True)


def audio_of(session: Session) -> AudioListener:
    found = [x for x in session.listeners if isinstance(x, AudioListener)]
    assert len(found) == 1
    return found[0]


def test_session_cues_reach_alsa_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env, out = alsa_home(tmp_path)
    monkeypatch.setenv("HOME", env["HOME"])  # the worker inherits it and reads its .asoundrc
    paths.config_file().write_text("[sound]\nvolume = 60\n[sound.cues.tick]\nvolume = 50\n")
    r = routine(hold("Bridge", secs=6, reps=1, rest=5.0), hold("Plank", secs=5, reps=1),
                prepare=5.0)  # fmt: skip
    tl = compile(r)
    heard: list[str] = []
    expected: list[bytes] = []
    with Session(r, tl, record=False) as session:
        lis = audio_of(session)
        assert lis.client is not None and lis.client.wait_ready()
        t = 0.0
        events = session.start(t)
        while session.engine.state not in ("finished", "stopped"):
            for name in cues_for(events, tl, lis.settings.audible)[-1:]:
                heard.append(name)
                expected.append(cue_frames(name, lis.settings.gain(name)))
                # let this cue land before the next one (which would cut it) is due
                assert -1 not in wait_for(out, expected), f"{heard} did not all reach ALSA"
            t += 0.25
            events = session.advance(t)
        for name in cues_for(events, tl, lis.settings.audible)[-1:]:
            heard.append(name)
            expected.append(cue_frames(name, lis.settings.gain(name)))
        assert -1 not in wait_for(out, expected)
        assert session.notices == []
    countdown = ["tick", "tick", "tick"]
    assert heard == [
        *countdown, "go", *countdown, "exercise_done",
        *countdown, "go", *countdown, "routine_done",
    ]  # fmt: skip
    assert cue_frames("tick", 0.3) in out.read_bytes()


def test_session_without_a_device_goes_on_with_one_notice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env, _ = alsa_home(tmp_path, pcm=NO_DEVICE)
    monkeypatch.setenv("HOME", env["HOME"])
    monkeypatch.setenv("PATH", "/nonexistent")  # no aplay either
    r = routine(hold("Bridge", secs=6, reps=2), prepare=5.0)
    tl = compile(r)
    with Session(r, tl, record=False) as session:
        lis = audio_of(session)
        assert lis.client is not None and lis.client.wait_ready()
        t = 0.0
        session.start(t)
        while session.engine.state not in ("finished", "stopped"):
            t += 0.5
            session.advance(t)
        assert session.engine.summary.status == "completed"
        sound = [n for n in session.notices if n.startswith("sound:")]
        assert len(sound) == 1
        assert sound[0].startswith("sound: no sound device or player found")


def test_no_sound_starts_no_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    r = routine(hold("Bridge", secs=6, reps=1), prepare=0.0)
    before = set(os.listdir("/proc/self/task"))
    with Session(r, compile(r), sound=False, record=False) as session:
        lis = audio_of(session)
        assert lis.client is None and lis.backend is None
        session.start(0.0)
        session.advance(3.0)
        assert session.notices == []
    assert set(os.listdir("/proc/self/task")) == before
