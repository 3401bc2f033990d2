"""ALSA's file plugin as a capture device, for the audio tests and bench/audio_latency.py.

A temporary HOME gets an .asoundrc whose default PCM is the `file` plugin over the `null`
device, so everything handed to ALSA lands in a file. The plugin truncates its file at every
open, so the tests pipe through `cat >>` to keep every cue, in order; format "raw" writes the
samples exactly as the player passed them (16-bit mono at the WAV's rate).
"""

from __future__ import annotations

import array
import os
import sys
import time
import wave
from pathlib import Path

from backtimer import paths


def alsa_home(tmp: Path, *, pcm: str | None = None) -> tuple[dict[str, str], Path]:
    """(environment with HOME set, captured-bytes file)."""
    home = tmp / "alsa-home"
    home.mkdir(exist_ok=True)
    out = tmp / "out.raw"
    conf = pcm or (
        f'pcm.!default {{ type file; slave.pcm "null"; file "|cat >> \'{out}\'"; format "raw" }}\n'
    )
    (home / ".asoundrc").write_text(conf)
    env = dict(os.environ, HOME=str(home))
    env.pop("ALSA_CONFIG_PATH", None)
    return env, out


# a card that is not there: opening fails, and ALSA prints "ALSA lib ..." lines to fd 2
NO_DEVICE = (
    'pcm.!default { type hw; card "nosuchcard" }\nctl.!default { type hw; card "nosuchcard" }\n'
)


def cue_frames(name: str, gain: float = 1.0, folder: Path | None = None) -> bytes:
    """The samples of a cue WAV as they should reach ALSA at `gain` (each 16-bit sample
    multiplied and truncated toward zero)."""
    path = (folder or paths.sounds_dir()) / f"{name}.wav"
    with wave.open(str(path), "rb") as w:
        raw = w.readframes(w.getnframes())
    if gain >= 1.0:
        return raw
    data = array.array("h")
    data.frombytes(raw)
    if sys.byteorder == "big":
        data.byteswap()
    scaled = array.array("h", [int(v * gain) for v in data])
    if sys.byteorder == "big":
        scaled.byteswap()
    return scaled.tobytes()


def find_in_order(captured: bytes, parts: list[bytes]) -> list[int]:
    """Offsets of each part in `captured`, each after the previous; -1 from the first miss."""
    pos, found = 0, []
    for part in parts:
        at = captured.find(part, pos) if pos >= 0 else -1
        found.append(at)
        pos = at + len(part) if at >= 0 else -1
    return found


def wait_for(out: Path, parts: list[bytes], timeout: float = 10.0) -> list[int]:
    """Poll the capture until all parts are there in order (or the timeout)."""
    end = time.monotonic() + timeout
    while True:
        data = out.read_bytes() if out.exists() else b""
        found = find_in_order(data, parts)
        if -1 not in found or time.monotonic() > end:
            return found
        time.sleep(0.02)
