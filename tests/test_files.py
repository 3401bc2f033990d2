"""A user's file is replaced whole or not at all."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from backtimer.files import write_atomic


def test_writes_creates_folders_and_keeps_permissions(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "neck.toml"
    write_atomic(target, "one\n")
    assert target.read_text(encoding="utf-8") == "one\n"
    os.chmod(target, 0o600)
    write_atomic(target, "two\n")
    assert target.read_text(encoding="utf-8") == "two\n"
    assert target.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in target.parent.iterdir()] == ["neck.toml"]  # no temp file left


def test_a_failed_write_leaves_the_old_file_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "config.toml"
    target.write_text("volume = 50\n", encoding="utf-8")

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space left"):
        write_atomic(target, "volume = 80\n")
    assert target.read_text(encoding="utf-8") == "volume = 50\n"
    assert [p.name for p in tmp_path.iterdir()] == ["config.toml"]


def test_a_new_file_gets_the_usual_mode_under_the_umask(tmp_path: Path) -> None:
    """A routine written by `backtimer new` is shared like any file: 0644 under umask 022,
    not the 0600 of a temporary file."""
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "a.toml", "x = 1\n")
        os.umask(0o077)
        write_atomic(tmp_path / "b.toml", "x = 1\n")
    finally:
        os.umask(old)
    assert (tmp_path / "a.toml").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "b.toml").stat().st_mode & 0o777 == 0o600
