"""Sound through the real path: the worker process, simpleaudio (or aplay), ALSA, and ALSA's
file plugin capturing what would have reached the speaker. No sound card needed."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from backtimer.audio.listener import AudioListener
from backtimer.audio.settings import CueSetting, SoundSettings
from backtimer.timeline import compile
from backtimer.usecases.session import Session
from tests.helpers.audio_helpers import NO_DEVICE, alsa_home, cue_frames, wait_for
from tests.helpers.engine_helpers import hold, routine

try:
    import simpleaudio  # noqa: F401
except ImportError as exc:  # CI installs the audio extra, so this only happens on bare machines
    print(f"simpleaudio cannot be imported ({exc}); skipping the ALSA path tests")
    pytest.skip(f"simpleaudio cannot be imported ({exc})", allow_module_level=True)

HAVE_APLAY = shutil.which("aplay") is not None


def listener(env: dict[str, str], settings: SoundSettings | None = None,
             **kw: object) -> AudioListener:  # fmt: skip
    lis = AudioListener(None, None, True, settings=settings or SoundSettings(), tty=False,
                        env=env, **kw)  # type: ignore[arg-type]  # fmt: skip
    assert lis.client is not None
    assert lis.client.wait_ready(), lis.client.dead
    return lis


def own_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_cues_reach_alsa_in_order_with_volume_applied(tmp_path: Path) -> None:
    env, out = alsa_home(tmp_path)
    settings = SoundSettings(volume=50, cues={"go": CueSetting(volume=80)})
    lis = listener(env, settings)
    try:
        assert lis.backend == "simpleaudio"
        assert lis.notice is None
        expected = []
        for name in ("go", "tick", "rest", "switch", "routine_done"):
            lis.play(name)
            expected.append(cue_frames(name, settings.gain(name)))
            assert -1 not in wait_for(out, expected), f"{name} did not reach ALSA"
        captured = out.read_bytes()
        # full-volume data would be a different byte string: the volume really was applied
        assert cue_frames("go", 1.0) not in captured
        assert cue_frames("go", 0.4) in captured
    finally:
        lis.close()


def test_without_simpleaudio_the_next_player_is_used(tmp_path: Path) -> None:
    if not HAVE_APLAY:
        pytest.skip("aplay (alsa-utils) is not installed")
    env, out = alsa_home(tmp_path)
    env["BACKTIMER_AUDIO_HIDE"] = "simpleaudio"
    lis = listener(env, SoundSettings(volume=70))
    try:
        assert lis.backend == "aplay"
        assert lis.client.reasons[0] == "simpleaudio: hidden by BACKTIMER_AUDIO_HIDE"
        deadline = time.monotonic() + 5
        while lis.notice is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert lis.notice == "sound: using aplay (simpleaudio: hidden by BACKTIMER_AUDIO_HIDE)"
        lis.play("switch")
        assert wait_for(out, [cue_frames("switch", 0.7)])[0] >= 0
        lis.play("go")
        assert -1 not in wait_for(out, [cue_frames("switch", 0.7), cue_frames("go", 0.7)])
    finally:
        lis.close()


def test_no_sound_device_gives_one_notice_and_the_session_goes_on(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    env, out = alsa_home(tmp_path, pcm=NO_DEVICE)
    rang: list[int] = []
    for tty, expect in ((False, None), (True, "bell")):
        lis = AudioListener(None, None, True, settings=SoundSettings(), tty=tty, env=env,
                            bell=lambda: rang.append(1))  # fmt: skip
        try:
            assert lis.client.wait_ready()
            assert lis.backend == expect
            reasons = lis.client.reasons
            assert reasons[0].startswith("simpleaudio: cannot open the sound device")
            if HAVE_APLAY:
                assert any(r.startswith("aplay: failed to play a test sound") for r in reasons)
            for _ in range(20):
                lis.play("go")  # never raises
            time.sleep(0.1)
            assert len(lis.notices) == 1
            assert lis.notice is not None and lis.notice.startswith(
                "sound: no sound device or player found, "
                + ("using the terminal bell" if tty else "cues are silent")
            )
        finally:
            lis.close()
    assert len(rang) == 20
    assert not out.exists()
    # ALSA's error lines were printed in the worker, whose stderr is /dev/null
    assert "ALSA" not in capfd.readouterr().err


def test_alsa_errors_never_reach_the_terminal(tmp_path: Path) -> None:
    env, _ = alsa_home(tmp_path, pcm=NO_DEVICE)
    done = subprocess.run(
        [sys.executable, "-m", "backtimer", "sound", "--play", "go"],
        env=env,
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "backend: none (silence)" in done.stdout
    assert "not used: simpleaudio: cannot open the sound device" in done.stdout
    assert done.stderr == ""  # no "ALSA lib ..." lines, no traceback


@pytest.mark.slow
def test_sound_check_plays_every_cue_by_name(tmp_path: Path) -> None:
    env, out = alsa_home(tmp_path)
    env["BACKTIMER_CONFIG_DIR"] = os.environ["BACKTIMER_CONFIG_DIR"]
    done = subprocess.run(
        [sys.executable, "-m", "backtimer", "sound", "--check"],
        env=env,
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "backend: simpleaudio" in done.stdout
    played = ["tick", "go", "rest", "switch", "rep", "halfway", "exercise_done",
              "routine_done", "break_due"]  # fmt: skip
    for name in played:
        assert f"\n{name}\n" in done.stdout
    assert "inhale: skipped (breath tones are off" in done.stdout
    assert -1 not in wait_for(out, [cue_frames(n, 0.8) for n in played])


def test_custom_cue_file_is_played(tmp_path: Path) -> None:
    import wave

    custom = tmp_path / "mine.wav"
    with wave.open(str(custom), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(bytes(range(256)) * 40)
    env, out = alsa_home(tmp_path)
    lis = listener(env, SoundSettings(volume=100, cues={"go": CueSetting(file=custom)}))
    try:
        lis.play("go")
        assert wait_for(out, [bytes(range(256)) * 40])[0] >= 0
    finally:
        lis.close()


def test_broken_custom_file_falls_back_to_the_built_in_cue(tmp_path: Path) -> None:
    # the file was fine at config load and broke before the session started
    bad = tmp_path / "gone.wav"
    env, out = alsa_home(tmp_path)
    lis = listener(env, SoundSettings(volume=100, cues={"rest": CueSetting(file=bad)}))
    try:
        time.sleep(0.05)
        assert lis.notice == f"sound: {bad}: file not found (using the built-in cue)"
        lis.play("rest")
        assert wait_for(out, [cue_frames("rest")])[0] >= 0
    finally:
        lis.close()


FAKE_SIMPLEAUDIO = """
import os, time
LOG = os.environ["FAKE_SA_LOG"]
def _log(text):
    with open(LOG, "a") as f:
        f.write(f"{time.monotonic():.4f} {text}\\n")
class PlayObject:
    def __init__(self, frames, rate):
        self.stopped = False
        self.end = time.monotonic() + frames / rate
    def stop(self):
        _log("stop")
        self.stopped = True
    def is_playing(self):
        return not self.stopped and time.monotonic() < self.end
    def wait_done(self):
        while self.is_playing():
            time.sleep(0.002)
def play_buffer(data, channels, width, rate):
    _log(f"play {len(data)}")
    return PlayObject(len(data) // (channels * width), rate)
"""


def test_a_new_cue_cuts_the_previous_one(tmp_path: Path) -> None:
    """A simpleaudio that plays in real time (a stand-in module on the worker's path):
    `go` right after the 0.9 s `routine_done` stops it and starts at once, no queueing."""
    fake = tmp_path / "fake"
    fake.mkdir()
    (fake / "simpleaudio.py").write_text(FAKE_SIMPLEAUDIO)
    log = tmp_path / "sa.log"
    env = dict(os.environ, PYTHONPATH=f"{fake}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
               FAKE_SA_LOG=str(log))  # fmt: skip
    lis = listener(env, SoundSettings(volume=100))
    try:
        lis.play("routine_done")
        time.sleep(0.1)
        lis.play("go")
        time.sleep(0.2)
    finally:
        lis.close()
    lines = [line.split(" ", 1) for line in log.read_text().splitlines()]
    steps = [s for _, s in lines][1:]  # after the device probe
    assert steps[:4] == [
        f"play {len(cue_frames('routine_done'))}",
        "stop",
        f"play {len(cue_frames('go'))}",
        "stop",  # closing the session stops the last cue too
    ]
    started = [float(t) for t, s in lines[1:] if s.startswith("play")]
    assert started[1] - started[0] < 0.5  # go did not wait for routine_done (0.9 s) to end


def test_closing_lets_the_last_cue_finish(tmp_path: Path) -> None:
    """At the end of a routine the session closes right after `routine_done`: the person
    still hears all of it (the worker drains the last cue, up to 1.5 s, before it exits)."""
    fake = tmp_path / "fake"
    fake.mkdir()
    (fake / "simpleaudio.py").write_text(FAKE_SIMPLEAUDIO)
    log = tmp_path / "sa.log"
    env = dict(os.environ, PYTHONPATH=f"{fake}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
               FAKE_SA_LOG=str(log))  # fmt: skip
    lis = listener(env, SoundSettings(volume=100))
    lis.play("routine_done")
    lis.close()
    lines = [line.split(" ", 1) for line in log.read_text().splitlines()][1:]
    assert [s for _, s in lines] == [f"play {len(cue_frames('routine_done'))}", "stop"]
    assert float(lines[1][0]) - float(lines[0][0]) >= 0.85  # the 0.9 s cue was not cut


def test_a_stuck_worker_never_blocks_the_app(tmp_path: Path) -> None:
    env, _ = alsa_home(tmp_path)
    lis = listener(env)
    os.kill(lis.client.pid, signal.SIGSTOP)  # like a worker stuck in a sound server call
    try:
        t0 = time.monotonic()
        for _ in range(20_000):
            lis.play("tick")
        assert time.monotonic() - t0 < 5.0  # a blocking pipe would hang here forever
        assert lis.client.dropped > 0
    finally:
        os.kill(lis.client.pid, signal.SIGCONT)
        lis.close()


def test_worker_dying_mid_session_is_one_notice(tmp_path: Path) -> None:
    env, _ = alsa_home(tmp_path)
    lis = listener(env)
    try:
        os.kill(lis.client.pid, signal.SIGKILL)
        lis.client.proc.wait(5)
        deadline = time.monotonic() + 5
        while lis.notice is None and time.monotonic() < deadline:
            lis.play("go")
            time.sleep(0.01)
        assert lis.notice is not None
        assert lis.notice.startswith("sound: the audio worker stopped (exit code -9)")
        for _ in range(10):
            lis.play("go")
        assert len(lis.notices) == 1
    finally:
        lis.close()


def test_a_cue_sent_to_a_dead_worker_before_the_reader_notices_is_one_notice(
    tmp_path: Path,
) -> None:
    """The race behind a flaky run: on a busy machine the app's next cue can hit the broken
    pipe before the reader thread has seen the worker's exit. The person must still get the
    notice, once. The reader is held right after EOF until the cue has been sent."""
    env, _ = alsa_home(tmp_path)
    lis = listener(env)
    proc = lis.client.proc
    release, reader_waiting = threading.Event(), threading.Event()
    real_wait = proc.wait

    def held_wait(timeout: float | None = None) -> int:
        if threading.current_thread() is lis.client._reader:
            reader_waiting.set()
            release.wait(10)
        return real_wait(timeout)

    proc.wait = held_wait  # type: ignore[method-assign]
    try:
        os.kill(lis.client.pid, signal.SIGKILL)
        assert reader_waiting.wait(10), "the reader never saw the worker's stdout close"
        real_wait(5)
        lis.play("go")  # EPIPE here, while the reader is still held
        assert lis.notices == ["sound: the audio worker stopped (exit code -9); sound is off"]
        release.set()
        lis.client._reader.join(10)
        for _ in range(10):
            lis.play("go")
        assert lis.notices == ["sound: the audio worker stopped (exit code -9); sound is off"]
    finally:
        release.set()
        lis.close()


def _settle(lis: AudioListener, baseline: dict[str, int], timeout: float = 5.0) -> dict[str, int]:
    """Worker counts once the last cue's playback thread has ended."""
    end = time.monotonic() + timeout
    while True:
        stats = lis.client.ping()
        assert stats is not None
        now = {k: stats[k] for k in ("threads", "tasks", "fds")}
        if now == baseline or time.monotonic() > end:
            return now
        time.sleep(0.05)


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["simpleaudio", "aplay"])
def test_a_thousand_cues_leak_no_threads_files_or_processes(tmp_path: Path, backend: str) -> None:
    if backend == "aplay" and not HAVE_APLAY:
        pytest.skip("aplay (alsa-utils) is not installed")
    # the file plugin writing straight to a file (no `cat` per cue)
    direct = f'type file; slave.pcm "null"; file "{tmp_path}/o.raw"; format "raw"'
    env, _ = alsa_home(tmp_path, pcm=f"pcm.!default {{ {direct} }}\n")
    if backend == "aplay":
        env["BACKTIMER_AUDIO_HIDE"] = "simpleaudio"
    lis = listener(env)
    try:
        assert lis.backend == backend
        lis.play("tick")
        time.sleep(0.5)
        stats = lis.client.ping()
        assert stats is not None
        baseline = {k: stats[k] for k in ("threads", "tasks", "fds")}
        main_threads, main_fds = threading.active_count(), own_fds()
        for i in range(1000):
            lis.play("tick" if i % 2 else "rep")
            if backend == "aplay":
                time.sleep(0.002)  # one aplay process per cue: let the pipe breathe
        assert lis.client.dropped == 0
        after = _settle(lis, baseline)
        assert after == baseline
        assert (threading.active_count(), own_fds()) == (main_threads, main_fds)
        children = Path(f"/proc/{lis.client.pid}/task/{lis.client.pid}/children").read_text()
        assert len(children.split()) <= 1  # at most the last cue's player, no zombies piling up
    finally:
        lis.close()
    assert threading.active_count() == main_threads - 1  # the reader thread ended with close()


def test_break_due_outside_a_session(tmp_path: Path) -> None:
    """The break reminder plays its cue by name, at the person's volume."""
    env, out = alsa_home(tmp_path)
    lis = AudioListener(None, None, True, settings=SoundSettings(volume=90), tty=False, env=env)
    try:
        assert lis.client is not None and lis.client.wait_ready()
        lis.play("break_due")
        assert wait_for(out, [cue_frames("break_due", 0.9)])[0] >= 0
        assert lis.notice is None
    finally:
        lis.close()


FAILING_SIMPLEAUDIO = """
class SimpleaudioError(Exception):
    pass
class PlayObject:
    def stop(self):
        pass
    def wait_done(self):
        pass
calls = 0
def play_buffer(data, channels, width, rate):
    global calls
    calls += 1
    if calls > 1:  # the probe works, the first real cue fails: the device went away
        raise SimpleaudioError("Error opening PCM device. -- CODE: -19 -- MSG: No such device")
    return PlayObject()
"""


def test_audio_error_mid_session_falls_back_with_one_notice(tmp_path: Path) -> None:
    if not HAVE_APLAY:
        pytest.skip("aplay (alsa-utils) is not installed")
    fake = tmp_path / "fake"
    fake.mkdir()
    (fake / "simpleaudio.py").write_text(FAILING_SIMPLEAUDIO)
    env, out = alsa_home(tmp_path)
    env["PYTHONPATH"] = f"{fake}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"
    lis = listener(env, SoundSettings(volume=100))
    try:
        assert lis.backend == "simpleaudio"
        lis.play("go")  # fails in simpleaudio; the worker moves on to aplay and plays it there
        assert wait_for(out, [cue_frames("go")])[0] >= 0
        # the worker's message about the switch may arrive just after the sound
        deadline = time.monotonic() + 5.0
        while lis.backend != "aplay" and time.monotonic() < deadline:
            time.sleep(0.01)
        assert lis.backend == "aplay"
        assert lis.notice == (
            "sound: using aplay (simpleaudio: stopped working (Error opening PCM device. "
            "-- CODE: -19 -- MSG: No such device))"
        )
        lis.play("rest")
        assert -1 not in wait_for(out, [cue_frames("go"), cue_frames("rest")])
        assert len(lis.notices) == 1
    finally:
        lis.close()


QUIET_PROBE = """
import sys
from backtimer.audio.worker import _quiet_alsa
if sys.argv[1] == "quiet":
    assert _quiet_alsa() is not None
import simpleaudio
try:
    simpleaudio.play_buffer(bytes(440), 1, 2, 22050)
except Exception as exc:
    print("failed:", exc)
"""


def test_alsa_error_handler_silences_alsa_lib_lines(tmp_path: Path) -> None:
    """Besides its stderr going to /dev/null, the worker installs a no-op ALSA error
    handler; without it a failed open prints "ALSA lib ..." lines to fd 2."""
    env, _ = alsa_home(tmp_path, pcm=NO_DEVICE)
    runs = {
        mode: subprocess.run(
            [sys.executable, "-c", QUIET_PROBE, mode],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        for mode in ("loud", "quiet")
    }
    assert "failed: Error opening PCM device" in runs["loud"].stdout
    assert "ALSA lib" in runs["loud"].stderr  # what would have hit the Textual screen
    assert "failed: Error opening PCM device" in runs["quiet"].stdout
    assert runs["quiet"].stderr == ""


def session_with_sound(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Session, Path]:
    """A session reading config.toml as `backtimer run` does, its cues captured."""
    env, out = alsa_home(tmp_path)
    monkeypatch.setenv("HOME", env["HOME"])  # the worker inherits it and reads its .asoundrc
    r = routine(hold("Bridge", secs=6, reps=1), prepare=0.0)
    return Session(r, compile(r), record=False), out


def test_bad_custom_file_in_config_is_named_and_defaults_play(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backtimer import paths

    bad = tmp_path / "notes.wav"
    bad.write_text("these are my notes, not a sound")
    cfg = paths.config_file()
    cfg.write_text(f'[sound]\nvolume = 100\n[sound.cues.go]\nfile = "{bad}"\n')
    session, out = session_with_sound(tmp_path, monkeypatch)
    with session:
        lis = session.audio
        assert lis is not None and lis.notice is not None
        assert lis.notice.startswith(f"sound: {cfg}: [sound.cues.go] file: {bad}: not a WAV file")
        assert lis.notice.endswith("(the built-in cue plays instead)")
        assert session.notices == [lis.notice]
        assert lis.client is not None and lis.client.wait_ready()
        lis.play("go")  # the session still has sound: the built-in cue, at the user's volume
        assert wait_for(out, [cue_frames("go", 1.0)])[0] >= 0
        assert len(lis.notices) == 1


def test_bad_setting_in_config_is_named_and_defaults_play(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backtimer import paths

    cfg = paths.config_file()
    cfg.write_text('[sound]\nvolume = "loud"\n')
    session, out = session_with_sound(tmp_path, monkeypatch)
    with session:
        assert session.notices == [
            f'sound: {cfg}: [sound] volume: expected a whole number 0-100, got "loud" '
            "(using the default sound settings)"
        ]
        lis = session.audio
        assert lis is not None and lis.client is not None and lis.client.wait_ready()
        lis.play("rest")
        assert wait_for(out, [cue_frames("rest", 0.8)])[0] >= 0
