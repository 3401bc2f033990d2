"""The whole way a user runs it: `backtimer run ROUTINE --plain` in a real process, sound on,
ALSA's default device captured by its file plugin: the person hears every cue, in order."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.audio_helpers import NO_DEVICE, alsa_home, cue_frames, find_in_order

try:
    import simpleaudio  # noqa: F401
except ImportError as exc:
    print(f"simpleaudio cannot be imported ({exc}); skipping the plain-runner sound test")
    pytest.skip(f"simpleaudio cannot be imported ({exc})", allow_module_level=True)

ROUTINE = """
[routine]
name = "Sound check"

[defaults]
prepare = "5s"
side_rest = "1s"

[[exercise]]
name = "Side bend"
hold = "2s"
reps = 1
sides = "both"
"""
SHORT = """
[routine]
name = "Short"

[defaults]
prepare = "1s"

[[exercise]]
name = "Hold"
hold = "1s"
"""


def run_plain(
    tmp_path: Path, env: dict[str, str], *extra: str, routine: str = ROUTINE
) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "sound-check.toml"
    path.write_text(routine)
    return subprocess.run(
        [sys.executable, "-m", "backtimer", "run", str(path), "--plain", *extra],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )


@pytest.mark.slow
def test_plain_run_with_sound_plays_every_cue_in_order(tmp_path: Path) -> None:
    env, out = alsa_home(tmp_path)
    config = Path(os.environ["BACKTIMER_CONFIG_DIR"])
    (config / "config.toml").write_text("[sound]\nvolume = 90\n[sound.cues.tick]\nvolume = 40\n")
    done = run_plain(tmp_path, env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "completed" in done.stdout
    assert "sound:" not in done.stdout + done.stderr  # no fallback notice
    assert "ALSA" not in done.stderr
    tick = cue_frames("tick", 0.9 * 0.4)
    expected = [
        tick, tick, tick, cue_frames("go", 0.9),  # get ready 3-2-1, go (left side)
        cue_frames("switch", 0.9),  # end of the 2 s hold: switch sides
        cue_frames("go", 0.9),  # right side
        cue_frames("routine_done", 0.9),  # finished, heard in full
    ]  # fmt: skip
    captured = out.read_bytes()
    assert -1 not in find_in_order(captured, expected)
    # nothing else was played: the captured bytes are exactly these cues (+ the device probe)
    assert len(captured) - sum(len(x) for x in expected) <= 440


@pytest.mark.slow
def test_plain_run_without_a_device_tells_once_and_completes(tmp_path: Path) -> None:
    env, _ = alsa_home(tmp_path, pcm=NO_DEVICE)
    env["PATH"] = os.path.dirname(sys.executable)  # no aplay: nothing can play
    done = run_plain(tmp_path, env, routine=SHORT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "completed" in done.stdout
    text = done.stdout + done.stderr
    assert text.count("sound: no sound device or player found, cues are silent") == 1
    assert "ALSA lib" not in text and "Traceback" not in text


@pytest.mark.slow
def test_plain_run_no_sound_starts_no_player(tmp_path: Path) -> None:
    env, out = alsa_home(tmp_path)
    done = run_plain(tmp_path, env, "--no-sound", routine=SHORT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert not out.exists()
