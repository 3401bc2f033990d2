"""Where backtimer reads and writes files. Pure: no Textual, no side effects on import.

Overrides (tests and unusual set-ups use them):
- BACKTIMER_CONFIG_DIR: config.toml and routines/ (default: platformdirs user config dir)
- BACKTIMER_DATA_DIR: history.sqlite3, state and logs (default: platformdirs user data dir)
- BACKTIMER_CACHE_DIR: files backtimer can make again (default: platformdirs user cache dir)
"""

from __future__ import annotations

import os
from pathlib import Path

APP = "backtimer"
_PACKAGE = Path(__file__).resolve().parent
_REPO_ROOT = _PACKAGE.parent


class PathError(ValueError):
    """A path that cannot be used as written; str() is the whole message."""


def expand_user(text: str) -> Path:
    """`text` as a path with a leading "~" or "~user" expanded. PathError when it does not
    resolve (no such user, no home directory), instead of the RuntimeError of pathlib."""
    path = Path(text)
    if not text.startswith("~"):
        return path
    try:
        return path.expanduser()
    except RuntimeError:
        user = text[1:].split("/", 1)[0].split(os.sep, 1)[0]
        if user:
            raise PathError(f"{text}: there is no user {user!r} on this system") from None
        raise PathError(f"{text}: the home directory is not known ($HOME is not set)") from None


def config_dir() -> Path:
    env = os.environ.get("BACKTIMER_CONFIG_DIR")
    return _from_env("BACKTIMER_CONFIG_DIR", env) if env else _user_dir("config")


def data_dir() -> Path:
    env = os.environ.get("BACKTIMER_DATA_DIR")
    return _from_env("BACKTIMER_DATA_DIR", env) if env else _user_dir("data")


def _user_dir(kind: str) -> Path:
    """This user's folder of `kind` for backtimer, by the platform's rules (platformdirs:
    ~/.config/backtimer, ~/.local/share/backtimer, ~/.cache/backtimer, or $XDG_*)."""
    # imported when a folder is first asked for (~5 ms at start): `backtimer validate FILE`
    # and the shells' completion script never ask
    import platformdirs  # noqa: PLC0415

    where = {
        "config": platformdirs.user_config_path,
        "data": platformdirs.user_data_path,
        "cache": platformdirs.user_cache_path,
    }[kind]
    return where(APP)


def _from_env(name: str, value: str) -> Path:
    try:
        return expand_user(value)
    except PathError as exc:
        raise PathError(f"${name}: {exc}") from None


def cache_dir() -> Path:
    env = os.environ.get("BACKTIMER_CACHE_DIR")
    return _from_env("BACKTIMER_CACHE_DIR", env) if env else _user_dir("cache")


def logs_dir() -> Path:
    return data_dir() / "logs"


def config_file() -> Path:
    return config_dir() / "config.toml"


def user_routines_dir() -> Path:
    return config_dir() / "routines"


def history_db() -> Path:
    return data_dir() / "history.sqlite3"


def _shipped(name: str) -> Path:
    """A data folder shipped with the package: inside the wheel (backtimer/_data/NAME),
    or the repository's top-level folder in a source checkout / editable install.
    (The package's own folder, not importlib.resources: backtimer is never run from a zip,
    and importing importlib.resources pulls in zipfile at every start.)"""
    packaged = _PACKAGE / "_data" / name
    if packaged.is_dir():
        return packaged
    return _REPO_ROOT / name


def builtin_routines_dir() -> Path:
    return _shipped("routines")


def sounds_dir() -> Path:
    return _shipped("sounds")
