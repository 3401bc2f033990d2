"""The voice in both front ends: --voice / --no-voice on run and work, `v` in the app and
in --plain, the command palette, the work-mode reminder, `backtimer sound --check`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from backtimer.timeline import compile
from backtimer.usecases.keymap import PlainCommands
from backtimer.usecases.session import Session
from backtimer.usecases.settings import Settings
from backtimer.voice.phrases import break_phrase
from backtimer.voice.render import PhraseCache
from tests.helpers.audio_helpers import alsa_home, find_in_order

ESPEAK = shutil.which("espeak-ng")
SHORT = """
[routine]
name = "Short check"
[defaults]
prepare = "5s"
[[exercise]]
name = "Chin tuck"
hold = "3s"
reps = 2
rep_rest = "1s"
"""


class _Client:
    def load(self, name: str, path: object, gain: float) -> bool:
        return True

    def say(self, name: str, *, wait: bool = True) -> bool:
        return True

    def stop(self) -> bool:
        return True


def backtimer(*args: str, env: dict[str, str], timeout: float = 120) -> Any:
    return subprocess.run(
        [sys.executable, "-m", "backtimer", *args],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_v_is_the_voice_key_in_plain_mode_too() -> None:
    keys = PlainCommands()
    assert keys.for_key("v") == "voice"
    assert keys.for_line("voice") == "voice"
    assert "v voice on/off" in keys.key_help()


@pytest.mark.parametrize("command", ["run", "work"])
def test_run_and_work_take_voice_and_no_voice(command: str) -> None:
    done = backtimer(command, "--help", env=dict(os.environ))
    assert done.returncode == 0
    assert "--voice, --no-voice" in done.stdout


@pytest.mark.slow
@pytest.mark.skipif(ESPEAK is None, reason="espeak-ng is not installed")
def test_plain_speaks_with_voice_and_a_second_run_starts_no_espeak(tmp_path: Path) -> None:
    env, out = alsa_home(tmp_path)
    log = tmp_path / "espeak.log"
    wrapper = tmp_path / "bin"
    wrapper.mkdir()
    (wrapper / "espeak-ng").write_text(f'#!/bin/sh\necho "$*" >> "{log}"\nexec "{ESPEAK}" "$@"\n')
    (wrapper / "espeak-ng").chmod(0o755)
    env["PATH"] = f"{wrapper}:{env['PATH']}"
    routine = tmp_path / "short.toml"
    routine.write_text(SHORT)

    first = backtimer("run", str(routine), "--plain", "--voice", env=env)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "note: voice:" not in first.stdout  # no problem to report: it spoke
    calls = log.read_text().splitlines()
    assert calls, "espeak-ng never ran"

    out.unlink()
    second = backtimer("run", str(routine), "--plain", "--voice", env=env)
    assert second.returncode == 0
    assert log.read_text().splitlines() == calls  # every phrase from the cache: no process
    captured = out.read_bytes()
    # what the session chose to say, worked out again from the cache (no process either)
    from backtimer.audio.player import scale
    from backtimer.routine.loader import load_file
    from backtimer.voice.phrases import build
    from backtimer.voice.settings import VoiceSettings
    from backtimer.voice.speaker import Voice

    loaded = load_file(routine)
    timeline = compile(loaded)
    cache = PhraseCache(Path(os.environ["BACKTIMER_CACHE_DIR"]) / "voice")
    voice = Voice(build(loaded, timeline), VoiceSettings(), _Client(), 0.8, cache=cache,
                  which=lambda _n: str(wrapper / "espeak-ng"), start=False)  # fmt: skip
    voice._prepare()
    assert voice.spawned == 0
    work = [s.index for s in timeline.segments if s.kind == "work"]
    keys = [("start", 0), ("count", 0, 3), ("count", 0, 2), ("count", 0, 1),
            ("start", work[0]), ("start", work[1]), ("done",)]  # fmt: skip
    said = [str(voice.chosen[k]) for k in keys]
    assert said[0].startswith("Get ready. Chin tuck.") and said[5] == "Last one."
    assert said[6] == "Done. Short check: one exercise, twelve seconds."
    assert voice.engine is not None
    parts = [scale(c.frames, 0.8) for t in said if (c := cache.get(voice.engine.key(t)))]
    assert len(parts) == len(said)
    assert -1 not in find_in_order(captured, parts), "the phrases did not reach ALSA in order"

    # [voice] enabled in config.toml, --no-voice for this run: cues only
    (Path(env["BACKTIMER_CONFIG_DIR"]) / "config.toml").write_text("[voice]\nenabled = true\n")
    out.unlink()
    quiet = backtimer("run", str(routine), "--plain", "--no-voice", env=env)
    assert quiet.returncode == 0
    assert find_in_order(out.read_bytes(), parts[:1]) == [-1]


def test_without_espeak_plain_says_how_to_install_it_once(tmp_path: Path) -> None:
    env, _ = alsa_home(tmp_path)
    empty = tmp_path / "bin"
    empty.mkdir()
    env["PATH"] = str(empty)
    routine = tmp_path / "short.toml"
    routine.write_text(SHORT.replace('prepare = "5s"', 'prepare = "1s"').replace("3s", "1s"))
    done = backtimer("run", str(routine), "--plain", "--voice", env=env)
    assert done.returncode == 0, done.stderr
    hint = "voice: espeak-ng is not installed, so the cues play instead " \
           "(install it: sudo apt-get install espeak-ng)"  # fmt: skip
    assert done.stdout.count(hint) == 1
    assert "Short check: completed" in done.stdout


@pytest.mark.skipif(ESPEAK is None, reason="espeak-ng is not installed")
async def test_v_toggles_the_voice_in_the_app_and_the_palette_offers_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backtimer.routine.loader import load_text
    from backtimer.ui.app import BacktimerApp
    from tests.helpers.ui_helpers import FakeClock

    env, _ = alsa_home(tmp_path)
    monkeypatch.setenv("HOME", env["HOME"])  # the audio worker plays into ALSA's file plugin
    routine = load_text(SHORT, source="short.toml", routine_id="short")
    clock = FakeClock()

    def with_sound(r: object) -> Session:
        return Session(routine, compile(routine), record=False, settings=Settings({}))

    app = BacktimerApp(routine, clock=clock, sound=True, record=False, session_factory=with_sound)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        audio = screen.session.audio  # type: ignore[attr-defined]
        assert audio is not None and not audio.speaking  # [voice] enabled is off by default

        def described() -> list[str]:
            return [b.binding.description for b in app.active_bindings.values()]

        def palette() -> list[str]:
            return [c.title for c in app.get_system_commands(screen)]

        assert "Voice on" in described() and "Voice off" not in described()
        assert "Voice on" in palette()
        await pilot.press("v")
        await pilot.pause()
        assert audio.speaking and audio.voice is not None
        assert "Voice off" in described() and "Voice on" not in described()
        assert "Voice off" in palette()
        assert "Voice on" in [n.message for n in app._notifications]
        assert audio.voice.wait_ready(30) and audio.voice.notices == []
        await pilot.press("v")
        await pilot.pause()
        assert not audio.speaking
        assert "Voice off: cues only" in [n.message for n in app._notifications]


async def test_the_break_reminder_says_the_routine_and_its_length(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from backtimer.ui.screens import work as work_screen
    from backtimer.voice import check
    from tests.ui.test_work_ui import BERLIN, MONDAY_10, SETTINGS, Clock, routines, until_due

    said: list[str] = []
    monkeypatch.setattr(check, "say_once", lambda text, **kw: said.append(text) or check.Said(
        "espeak-ng", 1.0, False, "simpleaudio", None))  # fmt: skip
    monkeypatch.setattr(work_screen, "REMINDER_AFTER_CHIME", 0.0)
    monkeypatch.setattr(work_screen.WorkScreen, "_play_break_due", lambda self: None)
    from backtimer.breaks.notify import Notifier
    from backtimer.ui.work_app import WorkApp

    clock = Clock(MONDAY_10)

    def screen() -> work_screen.WorkScreen:
        return work_screen.WorkScreen(SETTINGS, reading=clock.reading, tz=BERLIN,
                                      notifier=Notifier("off", lambda _t: None, env={}),
                                      loader=routines, sound=True)  # fmt: skip

    app = WorkApp(screen, clock=clock, sound=True, record=False, voice=True)
    async with app.run_test(size=(90, 30)) as pilot:
        await pilot.pause()
        await until_due(pilot, clock)
        await app.workers.wait_for_complete()
    total = compile(routines("desk-test")).total
    assert said == [break_phrase("Desk test", total)]
    assert said[0] == f"Time for a break: desk test, {'fourteen seconds'}."


def test_break_phrase_for_the_office_routine() -> None:
    from backtimer.routine.library import load

    office = load("office-chair")
    phrase = break_phrase(office.name, compile(office).total)
    assert phrase.startswith("Time for a break: office chair")
    assert phrase.endswith(" minutes.")


def test_session_voice_follows_the_flag_then_config_toml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backtimer.routine.loader import load_text

    env, _ = alsa_home(tmp_path)
    monkeypatch.setenv("HOME", env["HOME"])
    monkeypatch.setenv("PATH", str(tmp_path))  # no espeak-ng: nothing is rendered here
    routine = load_text(SHORT, source="short.toml", routine_id="short")
    timeline = compile(routine)
    cfg = tmp_path / "config.toml"
    on = Settings({"voice": {"enabled": True, "rate": 200}}, cfg)
    cases = [(on, None, True), (on, False, False), (Settings({}, cfg), None, False),
             (Settings({}, cfg), True, True)]  # fmt: skip
    for settings, flag, expected in cases:
        s = Session(routine, timeline, record=False, settings=settings, voice=flag)
        try:
            assert s.audio is not None
            assert s.audio.voice_settings.enabled is expected
            assert (s.audio.voice is not None) is expected
            if expected and settings is on:
                assert s.audio.voice_settings.rate == 200
        finally:
            s.close()
    bad = Session(routine, timeline, record=False, settings=Settings({"voice": {"rate": 5}}, cfg))
    try:
        assert bad.notices == [
            f"voice: {cfg}: [voice] rate: expected a whole number 80-450, got 5 (the voice is off)"
        ]
        assert bad.audio is not None and bad.audio.voice is None
        from backtimer.events import SegmentStarted

        assert isinstance(bad.start(0.0)[0], SegmentStarted)  # the session runs on
    finally:
        bad.close()
