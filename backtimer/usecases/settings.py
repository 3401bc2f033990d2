"""config.toml, read once into one typed object both front ends use.

    settings = Settings.load()        # ConfigError: unreadable file, or not TOML
    settings.sound                    # SoundSettings          ([sound])
    settings.breaks                   # BreakSettings          ([breaks])
    settings.keys                     # Keymap                 ([keys])
    settings.voice                    # VoiceSettings          ([voice])

The file is read and parsed once. Each table is validated the first time it is asked for,
by the module that owns it, and a bad table raises ConfigError (naming the file and the
line or field) only for the reader that needs it: a typo in [breaks] does not stop a
routine from running. A new table is one more property here and a `from_config` function
in the module that owns it.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backtimer import paths
from backtimer.config import ConfigError, load_config
from backtimer.usecases.errors import UserError

if TYPE_CHECKING:
    from backtimer.audio.settings import SoundSettings
    from backtimer.breaks.scheduler import BreakSettings
    from backtimer.usecases.keymap import Keymap
    from backtimer.voice.settings import VoiceSettings


class Settings:
    """The settings of one config file (defaults where a table is absent)."""

    def __init__(self, data: Mapping[str, Any] | None = None, path: Path | None = None) -> None:
        # Any: the values of a TOML document, checked by each table's reader
        self.data: Mapping[str, Any] = data or {}
        self.path = paths.config_file() if path is None else path

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        """Read the config file ({} when it does not exist). Raises ConfigError."""
        source = paths.config_file() if path is None else path
        return cls(load_config(source), source)

    @classmethod
    def load_or_defaults(cls, path: Path | None = None) -> tuple[Settings, ConfigError | None]:
        """The settings, or the defaults and the problem when the file cannot be read."""
        try:
            return cls.load(path), None
        except ConfigError as exc:
            return cls(None, path), exc

    # Each table's reader is imported when the table is first asked for: `backtimer status`
    # (every few seconds, in tmux) reads only [breaks], and importing the readers of [sound]
    # and [keys] cost it 6 ms of its ~85 (audio.settings 4.5 ms, keymap 1.7 ms); `backtimer
    # run ID` reads no [breaks] before its first frame (the break model: ~5 ms).

    @cached_property
    def sound(self) -> SoundSettings:
        """[sound]; a custom WAV that cannot be played is left out (see .problems)."""
        from backtimer.audio.settings import from_config  # noqa: PLC0415 - see above

        return from_config(dict(self.data), self.path, strict=False)

    def sound_strict(self) -> SoundSettings:
        """[sound], with a custom WAV that cannot be played as an error."""
        from backtimer.audio.settings import from_config  # noqa: PLC0415 - see above

        return from_config(dict(self.data), self.path, strict=True)

    @cached_property
    def breaks(self) -> BreakSettings:
        """[breaks]: work mode's desk breaks (backtimer.breaks.settings)."""
        from backtimer.breaks.settings import break_settings  # noqa: PLC0415 - see above

        return break_settings(self.data, self.path)

    def breaks_with(self, options: Mapping[str, Any]) -> BreakSettings:
        """[breaks] with command-line options laid over it (raw text, None = not given),
        each checked exactly like its key; a mistake names the option."""
        from backtimer.breaks.settings import break_settings  # noqa: PLC0415 - see above

        return break_settings(self.data, self.path, options)

    @cached_property
    def voice(self) -> VoiceSettings:
        """[voice]: the spoken cues (backtimer.voice.settings)."""
        from backtimer.voice.settings import from_config  # noqa: PLC0415 - see above

        return from_config(dict(self.data), self.path)

    @cached_property
    def keys(self) -> Keymap:
        """[keys]: the bindings the person remapped (backtimer.usecases.keymap)."""
        from backtimer.usecases.keymap import keymap_from_config  # noqa: PLC0415 - see above

        return keymap_from_config(self.data, self.path)


def settings_with_keys() -> Settings:
    """config.toml with a valid [keys] table, as both front ends start with it; UserError
    naming the file and the line or field otherwise."""
    try:
        settings = Settings.load()
        _ = settings.keys
    except ConfigError as exc:
        raise UserError(str(exc), 1) from None
    return settings


__all__ = ["ConfigError", "Settings", "settings_with_keys"]
