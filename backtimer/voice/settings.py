"""The [voice] table of config.toml, validated.

[voice]
enabled = false       # speak (--voice / --no-voice for one session, `v` in the app)
voice = "en"          # an espeak-ng voice: "en", "en-us", "en+f3", ...
rate = 175            # words per minute, 80-450
volume = 100          # 0-100, multiplied with [sound] volume
countdown = true      # "Three. Two. One." instead of the ticks before work
breath = false        # "In." / "Out." for the breath pacer
command = ["piper", "--model", "en.onnx", "--output_file", "{wav}"]
                      # another engine: writes a WAV to {wav}, reads the text on stdin
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from backtimer import paths
from backtimer.config import ConfigError, Table, load_config

DEFAULT_RATE = 175
MIN_RATE, MAX_RATE = 80, 450
KEYS = ("enabled", "voice", "rate", "volume", "countdown", "breath", "command")
_VOICE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_+.\-]{0,39}")
MAX_COMMAND = 64  # arguments
WAV = "{wav}"


@dataclass(frozen=True)
class VoiceSettings:
    enabled: bool = False
    voice: str = "en"
    rate: int = DEFAULT_RATE
    volume: int = 100
    countdown: bool = True
    breath: bool = False
    command: tuple[str, ...] = ()  # empty: espeak-ng
    source: Path | None = None


def _command(table: Table) -> tuple[str, ...]:
    value = table.get("command", None)
    if value is None:
        return ()
    expected = (
        'expected a list of text with "{wav}" in it, e.g. ["piper", "--output_file", "{wav}"]'
    )
    if not isinstance(value, list) or not value or len(value) > MAX_COMMAND:
        raise table.error("command", expected)
    if not all(isinstance(a, str) and a and a.isprintable() for a in value):
        raise table.error("command", f"{expected} (every item non-empty printable text)")
    if not any(WAV in a for a in value[1:]):
        raise table.error("command", f'{expected} (where the engine writes the WAV: "{WAV}")')
    return tuple(value)


def from_config(config: dict[str, Any], path: Path | None = None) -> VoiceSettings:
    """Validate the [voice] table. Raises ConfigError naming the field."""
    source = paths.config_file() if path is None else path
    t = Table.of(config, "voice", source)
    t.check_keys(KEYS)
    voice = t.string("voice", "en")
    if not _VOICE_NAME.fullmatch(voice):
        raise t.error(
            "voice", f'expected a voice name such as "en", "en-us" or "en+f3", got "{voice}"'
        )
    return VoiceSettings(
        enabled=t.boolean("enabled", False),
        voice=voice,
        rate=t.integer("rate", DEFAULT_RATE, lo=MIN_RATE, hi=MAX_RATE),
        volume=t.integer("volume", 100, lo=0, hi=100),
        countdown=t.boolean("countdown", True),
        breath=t.boolean("breath", False),
        command=_command(t),
        source=source,
    )


def load(path: Path | None = None) -> VoiceSettings:
    """Settings from the config file (default location). Raises ConfigError."""
    source = paths.config_file() if path is None else path
    return from_config(load_config(source), source)


__all__ = ["ConfigError", "VoiceSettings", "from_config", "load"]
