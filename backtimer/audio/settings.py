"""The [sound] table of config.toml, validated, and the cue WAV files.

    [sound]
    mute = false          # everything off, the terminal bell too
    bell = false          # also ring the terminal bell at each change (it always rings
                          # in place of sound when no player works)
    volume = 80           # 0-100, overall
    backend = "auto"      # auto | simpleaudio | command | bell | none
    breath = false        # play the soft inhale / exhale tones

    [sound.cues.go]       # any cue: tick go rest switch rep inhale exhale halfway
    volume = 100          #          exercise_done routine_done break_due
    mute = false
    file = "~/sounds/gong.wav"   # your own WAV: 16-bit PCM, mono or stereo, 8-96 kHz, <= 10 s,
                                 # a regular file of at most 4 MiB

A custom WAV is opened and checked here, at config load, so a bad file is named
with the problem before a session starts.
"""

from __future__ import annotations

import io
import os
import stat
import wave
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from backtimer import paths
from backtimer.audio.cue_names import CUES, OFF_BY_DEFAULT
from backtimer.config import ConfigError, Table
from backtimer.toml_messages import did_you_mean

# Any: the values of a TOML document, checked here.

BACKENDS = ("auto", "simpleaudio", "command", "bell", "none")
MAX_SECONDS = 10.0
# The largest cue file read: 10 s of 16-bit stereo at 96 kHz is 3.84 MB, plus headers.
MAX_BYTES = 4 << 20


@dataclass(frozen=True)
class Clip:
    """PCM of one cue as played: 16-bit little-endian samples."""

    frames: bytes
    channels: int
    rate: int
    source: Path

    @property
    def seconds(self) -> float:
        return len(self.frames) / (2 * self.channels * self.rate)


@dataclass(frozen=True)
class CueSetting:
    volume: int = 100  # 0-100, multiplied with the overall volume
    mute: bool = False
    file: Path | None = None  # custom WAV


@dataclass(frozen=True)
class SoundSettings:
    mute: bool = False
    bell: bool = False  # ring the terminal bell at each change, as well as the cues
    volume: int = 80
    backend: str = "auto"
    breath: bool = False
    cues: dict[str, CueSetting] = field(default_factory=dict)
    source: Path | None = None  # the config file
    problems: tuple[str, ...] = ()  # custom files left out (only when loaded with strict=False)

    def cue(self, name: str) -> CueSetting:
        return self.cues.get(name, CueSetting())

    def audible(self, name: str) -> bool:
        if self.mute or name not in CUES:
            return False
        c = self.cue(name)
        if c.mute:
            return False
        if name in OFF_BY_DEFAULT and not self.breath:
            return False
        return self.gain(name) > 0

    def gain(self, name: str) -> float:
        """Overall volume x cue volume, 0..1."""
        return (self.volume / 100.0) * (self.cue(name).volume / 100.0)

    def path(self, name: str) -> Path:
        c = self.cue(name)
        return c.file if c.file is not None else paths.sounds_dir() / f"{name}.wav"


def read_wav(path: Path, max_seconds: float = MAX_SECONDS, what: str = "a cue") -> Clip:
    """Open a WAV and check it is one we can play. Raises ValueError(problem).

    Only a regular file of at most MAX_BYTES is read, and that is checked on the open file
    before reading it: a FIFO, a device or a huge file is refused, never waited on or read.
    """
    data = _read_cue_file(path)
    try:
        with wave.open(io.BytesIO(data), "rb") as w:
            channels, width, rate, n = (
                w.getnchannels(),
                w.getsampwidth(),
                w.getframerate(),
                w.getnframes(),
            )
            frames = w.readframes(n)  # at most the MAX_BYTES read
    except wave.Error as exc:
        text = str(exc)
        if "unknown format" in text:
            raise ValueError(f"unsupported WAV encoding ({text}); expected 16-bit PCM") from None
        raise ValueError(f"not a WAV file ({text})") from None
    except (EOFError, OSError) as exc:
        why = str(exc) or "the file is cut short"
        raise ValueError(f"cannot read it as a WAV file ({why})") from None
    except Exception as exc:  # any other way a damaged header can fail the reader
        raise ValueError(f"cannot read it as a WAV file ({type(exc).__name__})") from None
    if width != 2:
        raise ValueError(f"{8 * width}-bit samples; expected 16-bit PCM")
    if channels not in (1, 2):
        raise ValueError(f"{channels} channels; expected mono or stereo")
    if not 8000 <= rate <= 96000:
        raise ValueError(f"sample rate {rate} Hz; expected 8000-96000 Hz")
    if n == 0 or not frames:
        raise ValueError("no audio in the file")
    seconds = n / rate
    if seconds > max_seconds:
        raise ValueError(f"{seconds:.1f} s long; {what} may last at most {max_seconds:.0f} s")
    frames = frames[: len(frames) - len(frames) % (2 * channels)]
    return Clip(frames=frames, channels=channels, rate=rate, source=path)


def _read_cue_file(path: Path) -> bytes:
    """The bytes of a cue file: a regular file of at most MAX_BYTES. Raises ValueError."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then refuses it
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise ValueError("file not found") from None
    except IsADirectoryError:
        raise ValueError("is a directory, expected a WAV file") from None
    except PermissionError:
        raise ValueError("permission denied") from None
    except OSError as exc:
        raise ValueError(f"cannot open it ({exc.strerror or exc})") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise ValueError("is a directory, expected a WAV file")
        if not stat.S_ISREG(info.st_mode):
            raise ValueError(
                "not a regular file (a pipe, a device or a socket); expected a WAV file"
            )
        if info.st_size > MAX_BYTES:
            raise ValueError(
                f"{info.st_size / (1 << 20):.1f} MiB; a cue file may be at most "
                f"{MAX_BYTES >> 20} MiB (10 s of 16-bit stereo at 96 kHz)"
            )
        os.set_blocking(fd, True)
        chunks: list[bytes] = []
        left = MAX_BYTES + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except OSError as exc:
        raise ValueError(f"cannot read it ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
    if left <= 0:  # it grew while being read
        raise ValueError(f"more than {MAX_BYTES >> 20} MiB; a cue file may be at most that")
    return b"".join(chunks)


def from_config(
    config: dict[str, Any], path: Path | None = None, *, strict: bool = True
) -> SoundSettings:
    """Validate the [sound] table. Raises ConfigError naming the field, or the custom WAV
    file and its problem; with strict=False a bad custom file is left out (the built-in cue
    plays) and its message kept in `problems`, so one bad file does not lose the rest."""
    source = paths.config_file() if path is None else path
    sound = Table.of(config, "sound", source)
    sound.check_keys({"mute", "bell", "volume", "backend", "breath", "cues"})
    bell = sound.get("bell", False)
    if not isinstance(bell, bool):
        shown = f'"{bell}"' if isinstance(bell, str) else repr(bell)
        raise sound.error_at_line("bell", f"expected true or false, got {shown}")
    backend = sound.string("backend", "auto", choices=BACKENDS)
    cues_table = sound.table("cues")
    cues: dict[str, CueSetting] = {}
    problems: list[str] = []
    for name in cues_table.keys():  # noqa: SIM118
        if name not in CUES:
            raise cues_table.error(
                name, f"unknown cue{did_you_mean(name, CUES)}; cues: {', '.join(CUES)}"
            )
        t = cues_table.table(name)
        t.check_keys({"volume", "mute", "file"})
        try:
            file = t.path_value("file", None)
            if file is not None:
                try:
                    read_wav(file)
                except ValueError as problem:
                    raise t.error("file", f"{file}: {problem}") from None
        except ConfigError as error:
            if strict:
                raise
            problems.append(str(error))
            file = None
        cues[name] = CueSetting(
            volume=t.integer("volume", 100, lo=0, hi=100),
            mute=t.boolean("mute", False),
            file=file,
        )
    return SoundSettings(
        mute=sound.boolean("mute", False),
        bell=bell,
        volume=sound.integer("volume", 80, lo=0, hi=100),
        backend=backend,
        breath=sound.boolean("breath", False),
        cues=cues,
        source=source,
        problems=tuple(problems),
    )


__all__ = [
    "BACKENDS",
    "Clip",
    "ConfigError",
    "CueSetting",
    "SoundSettings",
    "from_config",
    "read_wav",
]
