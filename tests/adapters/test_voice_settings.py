"""The [voice] table of config.toml: defaults, and every bad value named with its field."""

from __future__ import annotations

from pathlib import Path

import pytest

from backtimer.config import ConfigError
from backtimer.voice.settings import VoiceSettings, load


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def test_defaults_without_a_voice_table(tmp_path: Path) -> None:
    s = load(write(tmp_path, "[sound]\nvolume = 50\n"))
    assert (s.enabled, s.voice, s.rate, s.volume, s.countdown, s.breath, s.command) == (
        False, "en", 175, 100, True, False, ()
    )  # fmt: skip


def test_every_setting_is_read(tmp_path: Path) -> None:
    s = load(write(tmp_path, """[voice]
enabled = true
voice = "en-us+f3"
rate = 200
volume = 60
countdown = false
breath = true
command = ["piper", "--model", "en.onnx", "--output_file", "{wav}"]
"""))  # fmt: skip
    assert s == VoiceSettings(True, "en-us+f3", 200, 60, False, True,
                              ("piper", "--model", "en.onnx", "--output_file", "{wav}"),
                              source=s.source)  # fmt: skip


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("enabled = 1", "[voice] enabled: expected true or false, got 1"),
        ("rate = 20", "[voice] rate: expected a whole number 80-450, got 20"),
        ("volume = 101", "[voice] volume: expected a whole number 0-100, got 101"),
        ('voice = "--help"', '[voice] voice: expected a voice name such as "en", "en-us" or'),
        ('voise = "en"', '[voice] voise: unknown setting (did you mean "voice"?)'),
        ('command = "piper"', '[voice] command: expected a list of text with "{wav}" in it'),
        ('command = ["piper"]', '(where the engine writes the WAV: "{wav}")'),
        ('command = ["piper", ""]', "(every item non-empty printable text)"),
    ],
)
def test_bad_values_are_named(tmp_path: Path, body: str, message: str) -> None:
    path = write(tmp_path, f"[voice]\n{body}\n")
    with pytest.raises(ConfigError) as err:
        load(path)
    assert str(err.value).startswith(f"{path}") and message in str(err.value)
