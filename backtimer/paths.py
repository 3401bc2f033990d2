"""Where backtimer reads and writes files. Pure: no Textual, no side effects on import.

Overrides (tests and unusual set-ups use them):
- BACKTIMER_CONFIG_DIR: config.toml and routines/ (default: platformdirs user config dir)
- BACKTIMER_DATA_DIR: history.sqlite3, state and logs (default: platformdirs user data dir)
- BACKTIMER_CACHE_DIR: files backtimer can make again (default: platformdirs user cache dir)
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "backtimer"
_PACKAGE = Path(__file__).resolve().parent
_REPO_ROOT = _PACKAGE.parent


def config_dir() -> Path:
    env = os.environ.get("BACKTIMER_CONFIG_DIR")
    return Path(env).expanduser() if env else platformdirs.user_config_path(APP)


def data_dir() -> Path:
    env = os.environ.get("BACKTIMER_DATA_DIR")
    return Path(env).expanduser() if env else platformdirs.user_data_path(APP)


def cache_dir() -> Path:
    env = os.environ.get("BACKTIMER_CACHE_DIR")
    return Path(env).expanduser() if env else platformdirs.user_cache_path(APP)


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
