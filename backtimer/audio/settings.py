"""The [sound] table of config.toml, validated, and the cue WAV files.

    [sound]
    mute = false          # everything off
    volume = 80           # 0-100, overall
    backend = "auto"      # auto | simpleaudio | command | bell | none
    breath = false        # play the soft inhale / exhale tones

    [sound.cues.go]       # any cue: tick go rest switch rep inhale exhale halfway
    volume = 100          #          exercise_done routine_done break_due
    mute = false
    file = "~/sounds/gong.wav"   # your own WAV: 16-bit PCM, mono or stereo, 8-96 kHz, <= 10 s

A custom WAV is opened and checked here, at config load, so a bad file is named
with the problem before a session starts.
"""

from __future__ import annotations

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


def read_wav(path: Path) -> Clip:
    """Open a WAV and check it is one we can play. Raises ValueError(problem)."""
    try:
        with wave.open(str(path), "rb") as w:
            channels, width, rate, n = (
                w.getnchannels(),
                w.getsampwidth(),
                w.getframerate(),
                w.getnframes(),
            )
            frames = w.readframes(n)
    except FileNotFoundError:
        raise ValueError("file not found") from None
    except IsADirectoryError:
        raise ValueError("is a directory, expected a WAV file") from None
    except PermissionError:
        raise ValueError("permission denied") from None
    except wave.Error as exc:
        text = str(exc)
        if "unknown format" in text:
            raise ValueError(f"unsupported WAV encoding ({text}); expected 16-bit PCM") from None
        raise ValueError(f"not a WAV file ({text})") from None
    except (EOFError, OSError) as exc:
        why = str(exc) or "the file is cut short"
        raise ValueError(f"cannot read it as a WAV file ({why})") from None
    if width != 2:
        raise ValueError(f"{8 * width}-bit samples; expected 16-bit PCM")
    if channels not in (1, 2):
        raise ValueError(f"{channels} channels; expected mono or stereo")
    if not 8000 <= rate <= 96000:
        raise ValueError(f"sample rate {rate} Hz; expected 8000-96000 Hz")
    if n == 0 or not frames:
        raise ValueError("no audio in the file")
    seconds = n / rate
    if seconds > MAX_SECONDS:
        raise ValueError(f"{seconds:.1f} s long; a cue may last at most {MAX_SECONDS:.0f} s")
    frames = frames[: len(frames) - len(frames) % (2 * channels)]
    return Clip(frames=frames, channels=channels, rate=rate, source=path)


def from_config(
    config: dict[str, Any], path: Path | None = None, *, strict: bool = True
) -> SoundSettings:
    """Validate the [sound] table. Raises ConfigError naming the field, or the custom WAV
    file and its problem; with strict=False a bad custom file is left out (the built-in cue
    plays) and its message kept in `problems`, so one bad file does not lose the rest."""
    source = paths.config_file() if path is None else path
    sound = Table.of(config, "sound", source)
    sound.check_keys({"mute", "volume", "backend", "breath", "cues"})
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
        file = t.path_value("file", None)
        if file is not None:
            try:
                read_wav(file)
            except ValueError as problem:
                error = t.error("file", f"{file}: {problem}")
                if strict:
                    raise error from None
                problems.append(str(error))
                file = None
        cues[name] = CueSetting(
            volume=t.integer("volume", 100, lo=0, hi=100),
            mute=t.boolean("mute", False),
            file=file,
        )
    return SoundSettings(
        mute=sound.boolean("mute", False),
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
