"""Playback backends, tried in order: simpleaudio, a command-line player on PATH
(pw-play, paplay, aplay, afplay), then (in the app process) the terminal bell, then
silence. Each backend says why it can or cannot be used.

These classes run inside the audio worker process (see worker.py), never in the
app's process: simpleaudio holds the GIL while it opens the device and ALSA prints
errors to file descriptor 2.

A new cue cuts the previous one: `play` stops whatever is still sounding first.
"""

from __future__ import annotations

import array
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path
from typing import Any, Protocol

from backtimer.audio.settings import Clip

COMMANDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("pw-play", ()),
    ("paplay", ()),
    ("aplay", ("-q",)),
    ("afplay", ()),
)
PROBE_TIMEOUT = 3.0
HIDE_ENV = "BACKTIMER_AUDIO_HIDE"  # comma list of backends to pretend are missing (tests)


class Unavailable(Exception):
    """This backend cannot be used; str() says why."""


class Backend(Protocol):
    name: str

    def play(self, name: str) -> None: ...
    def stop(self) -> None: ...
    def drain(self, limit: float) -> None: ...
    def close(self) -> None: ...


def scale(frames: bytes, gain: float) -> bytes:
    """16-bit little-endian PCM with every sample multiplied by gain (0..1) and truncated
    toward zero (int()), so the result is the same on every machine."""
    if gain >= 1.0:
        return frames
    samples = array.array("h")
    samples.frombytes(frames)
    if sys.byteorder == "big":
        samples.byteswap()
    if gain <= 0.0:
        out = array.array("h", bytes(len(frames)))
    else:
        out = array.array("h", (int(s * gain) for s in samples))
    if sys.byteorder == "big":
        out.byteswap()
    return out.tobytes()


def hidden() -> set[str]:
    return {x.strip() for x in os.environ.get(HIDE_ENV, "").split(",") if x.strip()}


class SimpleaudioBackend:
    name = "simpleaudio"

    def __init__(self, clips: dict[str, Clip], gains: dict[str, float]) -> None:
        if "simpleaudio" in hidden():
            raise Unavailable(f"hidden by {HIDE_ENV}")
        try:
            # only ever imported in the worker process
            import simpleaudio  # type: ignore[import-untyped,import-not-found,unused-ignore]  # noqa: PLC0415
        except ImportError:
            raise Unavailable(
                "not installed (install the audio extra: pip install 'backtimer[audio]')"
            ) from None
        except Exception as exc:  # a broken build
            raise Unavailable(f"cannot be imported ({exc})") from None
        self._sa: Any = simpleaudio  # Any: simpleaudio has no type information
        # volume applied to the samples once, at start: playing is then only a device write
        self.buffers = {n: (scale(c.frames, gains.get(n, 1.0)), c) for n, c in clips.items()}
        self.current: Any = None  # Any: a simpleaudio PlayObject
        try:  # open the device once with a few ms of silence: no device -> say so now
            probe = self._sa.play_buffer(bytes(2 * 220), 1, 2, 22050)
            probe.wait_done()
        except Exception as exc:
            raise Unavailable(f"cannot open the sound device ({_oneline(exc)})") from None

    def play(self, name: str) -> None:
        frames, clip = self.buffers[name]
        self.stop()
        self.current = self._sa.play_buffer(frames, clip.channels, 2, clip.rate)

    def stop(self) -> None:
        if self.current is not None:
            self.current.stop()
            self.current = None

    def drain(self, limit: float) -> None:
        """Let the cue that is sounding finish (at most `limit` seconds)."""
        end = time.monotonic() + limit
        while self.current is not None and self.current.is_playing() and time.monotonic() < end:
            time.sleep(0.01)

    def close(self) -> None:
        self.stop()


class CommandBackend:
    """A player program on PATH, fed WAV files written with the volume already applied."""

    def __init__(self, program: str, clips: dict[str, Clip], gains: dict[str, float]) -> None:
        self.name = program
        args = dict(COMMANDS)[program]
        if program in hidden():
            raise Unavailable(f"hidden by {HIDE_ENV}")
        exe = shutil.which(program)
        if exe is None:
            raise Unavailable("not found on PATH")
        self.argv = [exe, *args]
        self.dir = tempfile.TemporaryDirectory(prefix="backtimer-sound-")
        self.files: dict[str, str] = {}
        for name, clip in clips.items():
            path = Path(self.dir.name) / f"{name}.wav"
            with wave.open(str(path), "wb") as w:
                w.setnchannels(clip.channels)
                w.setsampwidth(2)
                w.setframerate(clip.rate)
                w.writeframes(scale(clip.frames, gains.get(name, 1.0)))
            self.files[name] = str(path)
        probe = Path(self.dir.name) / "probe.wav"
        with wave.open(str(probe), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(22050)
            w.writeframes(bytes(2 * 220))
        try:
            done = subprocess.run(
                [*self.argv, str(probe)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                timeout=PROBE_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            self.dir.cleanup()
            raise Unavailable(f"did not finish a test sound within {PROBE_TIMEOUT:.0f} s") from None
        except OSError as exc:
            self.dir.cleanup()
            raise Unavailable(f"cannot run it ({exc.strerror})") from None
        if done.returncode != 0:
            self.dir.cleanup()
            lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
            err = _oneline(lines[-1]) if lines else "no message"
            raise Unavailable(f"failed to play a test sound (exit {done.returncode}: {err})")
        self.proc: subprocess.Popen[bytes] | None = None

    def play(self, name: str) -> None:
        self.stop()
        self.proc = subprocess.Popen(
            [*self.argv, self.files[name]],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            close_fds=True,
        )

    def drain(self, limit: float) -> None:
        if self.proc is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=limit)

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.terminate()
        try:
            proc.wait(timeout=1.0)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def close(self) -> None:
        self.stop()
        self.dir.cleanup()


def candidates(preferred: str) -> list[str]:
    """Backends to try in the worker, best first, for config `backend`."""
    commands = [c for c, _ in COMMANDS]
    if preferred == "simpleaudio":
        return ["simpleaudio"]
    if preferred == "command":
        return commands
    if preferred in ("bell", "none"):
        return []
    return ["simpleaudio", *commands]


def open_backend(name: str, clips: dict[str, Clip], gains: dict[str, float]) -> Backend:
    if name == "simpleaudio":
        return SimpleaudioBackend(clips, gains)
    return CommandBackend(name, clips, gains)


def _oneline(exc: object) -> str:
    return " ".join(str(exc).split())[:300]
