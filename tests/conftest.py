"""Shared fixtures. Every test gets its own config and data folders, so no test ever reads
or writes the real home (user routines, config.toml, history)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def isolated_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """BACKTIMER_CONFIG_DIR / BACKTIMER_DATA_DIR point at fresh, empty temporary folders
    (and BACKTIMER_CACHE_DIR at one not made yet)."""
    root = tmp_path_factory.mktemp("home")
    config = root / "config"
    data = root / "data"
    config.mkdir()
    data.mkdir()
    monkeypatch.setenv("BACKTIMER_CONFIG_DIR", str(config))
    monkeypatch.setenv("BACKTIMER_DATA_DIR", str(data))
    monkeypatch.setenv("BACKTIMER_CACHE_DIR", str(root / "cache"))
    yield root


@pytest.fixture
def user_routines(isolated_dirs: Path) -> Path:
    """The (empty, existing) user routines folder of this test."""
    folder = isolated_dirs / "config" / "routines"
    folder.mkdir(exist_ok=True)
    return folder
