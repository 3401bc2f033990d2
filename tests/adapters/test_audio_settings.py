"""The [sound] config table: volumes, mutes, custom WAV files checked at load with the file
and the problem named."""

from __future__ import annotations

import struct
import wave
from pathlib import Path

import pytest

from backtimer import paths
from backtimer.audio.settings import SoundSettings, read_wav
from backtimer.config import ConfigError
from backtimer.usecases.settings import Settings


def load(*, strict: bool = True) -> SoundSettings:
    """[sound] of config.toml as `backtimer sound` (strict) or a session reads it."""
    settings = Settings.load()
    return settings.sound_strict() if strict else settings.sound


def config(text: str) -> Path:
    p = paths.config_file()
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")
    return p


def wav(path: Path, *, channels: int = 1, width: int = 2, rate: int = 22050,
        frames: int = 2205) -> Path:  # fmt: skip
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(b"\x01" * (frames * channels * width))
    return path


def test_defaults_without_a_config_file() -> None:
    s = load()
    assert (s.mute, s.volume, s.backend, s.breath) == (False, 80, "auto", False)
    assert s.path("go") == paths.sounds_dir() / "go.wav"
    assert s.audible("go") and not s.audible("inhale")
    assert s.gain("go") == pytest.approx(0.8)


def test_overall_and_per_cue_volume_and_mute(tmp_path: Path) -> None:
    custom = wav(tmp_path / "gong.wav")
    config(
        f"""
[sound]
volume = 50
breath = true
[sound.cues.go]
volume = 60
file = "{custom}"
[sound.cues.tick]
mute = true
"""
    )
    s = load()
    assert s.gain("go") == pytest.approx(0.3)
    assert s.path("go") == custom
    assert not s.audible("tick") and s.audible("inhale") and s.audible("rest")


def test_relative_custom_file_is_next_to_the_config() -> None:
    p = config('[sound.cues.rest]\nfile = "my/rest.wav"\n')
    (p.parent / "my").mkdir()
    wav(p.parent / "my" / "rest.wav", channels=2, rate=48000)
    assert load().path("rest") == p.parent / "my" / "rest.wav"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[sound]\nvolume = "loud"\n', '[sound] volume: expected a whole number 0-100, got "loud"'),
        ("[sound]\nvolume = 120\n", "[sound] volume: expected a whole number 0-100, got 120"),
        ('[sound]\nmute = "yes"\n', '[sound] mute: expected true or false, got "yes"'),
        ("[sound]\nvolum = 3\n", '[sound] volum: unknown setting (did you mean "volume"?)'),
        ('[sound]\nbackend = "alsa"\n', '[sound] backend: expected one of "auto", "bell"'),
        ("[sound.cues.gong]\nvolume = 3\n", "[sound.cues] gong: unknown cue"),
        ("[sound.cues.swtich]\nvolume = 3\n", '(did you mean "switch"?)'),
        ("[sound.cues.go]\nvolume = -5\n", "[sound.cues.go] volume: expected a whole number 0-100"),
        ("[sound.cues.go]\nloud = 5\n", "[sound.cues.go] loud: unknown setting"),
        ("[sound]\ncues = 3\n", "[sound] cues: expected a table, got 3"),
        ("sound = 3\n", "sound: expected a table, got 3"),
        ("[sound]\nvolume = \n", "config.toml:2:10: "),
    ],
)
def test_bad_settings_name_file_and_field(text: str, message: str) -> None:
    p = config(text)
    with pytest.raises(ConfigError) as info:
        load()
    assert message in str(info.value)
    assert str(info.value).startswith(str(p))


def wav_problem(tmp_path: Path, make: str) -> str:
    target = tmp_path / "cue.wav"
    if make == "missing":
        pass
    elif make == "text":
        target.write_text("not audio at all")
    elif make == "8bit":
        wav(target, width=1)
    elif make == "24bit":
        wav(target, width=3)
    elif make == "float":
        fmt = struct.pack("<HHIIHH", 3, 1, 22050, 22050 * 4, 4, 32)
        data = b"\0" * 400
        body = b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt + b"data"
        body += struct.pack("<I", len(data)) + data
        target.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    elif make == "surround":
        wav(target, channels=6)
    elif make == "rate":
        wav(target, rate=4000)
    elif make == "long":
        wav(target, rate=8000, frames=8000 * 11)
    elif make == "empty":
        wav(target, frames=0)
    elif make == "truncated":
        wav(target)
        target.write_bytes(target.read_bytes()[:30])
    config(f'[sound.cues.switch]\nfile = "{target}"\n')
    with pytest.raises(ConfigError) as info:
        load()
    msg = str(info.value)
    assert f"[sound.cues.switch] file: {target}: " in msg
    return msg.split(f"{target}: ", 1)[1]


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        ("missing", "file not found"),
        ("text", "not a WAV file"),
        ("8bit", "8-bit samples; expected 16-bit PCM"),
        ("24bit", "24-bit samples; expected 16-bit PCM"),
        ("float", "unsupported WAV encoding"),
        ("surround", "6 channels; expected mono or stereo"),
        ("rate", "sample rate 4000 Hz"),
        ("long", "11.0 s long; a cue may last at most 10 s"),
        ("empty", "no audio in the file"),
        ("truncated", "cannot read it as a WAV file (the file is cut short)"),
    ],
)
def test_custom_wav_problems_are_named_at_load(tmp_path: Path, make: str, problem: str) -> None:
    assert problem in wav_problem(tmp_path, make)


def test_read_wav_stereo_clip(tmp_path: Path) -> None:
    clip = read_wav(wav(tmp_path / "s.wav", channels=2, rate=44100, frames=4410))
    assert (clip.channels, clip.rate) == (2, 44100)
    assert clip.seconds == pytest.approx(0.1)


def test_lenient_load_keeps_the_other_settings(tmp_path: Path) -> None:
    bad = tmp_path / "x.wav"
    bad.write_text("a shopping list, saved with the wrong name")
    p = config(f'[sound]\nvolume = 30\n[sound.cues.go]\nfile = "{bad}"\nvolume = 50\n')
    s = load(strict=False)
    assert s.volume == 30 and s.gain("go") == pytest.approx(0.15)
    assert s.path("go") == paths.sounds_dir() / "go.wav"
    assert s.problems == (f"{p}: [sound.cues.go] file: {bad}: not a WAV file (file does not "
                          "start with RIFF id)",)  # fmt: skip
