"""`backtimer status` with a broken config.toml says what is wrong instead of "work mode off":
in full on stderr, and in a few words on stdout for the status bar."""

from __future__ import annotations

from pathlib import Path

import pytest

from backtimer.cli.main import main

# tmux shows stdout only: a broken config is visible in the status bar too.
STATUS_BAR_LINE = "backtimer: config.toml error (run backtimer status)\n"


def status(
    isolated_dirs: Path, config: str, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    (isolated_dirs / "config" / "config.toml").write_text(config, encoding="utf-8")
    code = main(["status"])
    out, err = capsys.readouterr()
    return code, out, err


def test_invalid_toml_names_the_file_and_line(
    isolated_dirs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = status(isolated_dirs, "[breaks]\nevery = 2h\n", capsys)
    config = isolated_dirs / "config" / "config.toml"
    assert code == 2
    assert out == STATUS_BAR_LINE
    assert err.startswith(f"backtimer: {config}:2:")
    assert "work mode off" not in out + err


def test_a_wrong_type_names_the_field_and_what_was_expected(
    isolated_dirs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = status(isolated_dirs, "[breaks]\nsnooze = true\n", capsys)
    config = isolated_dirs / "config" / "config.toml"
    assert code == 2
    assert out == STATUS_BAR_LINE
    assert err == (
        f"backtimer: {config}: [breaks] snooze: "
        'expected a duration such as 90, "45m" or "2h", got true\n'
    )


def test_breaks_that_is_not_a_table(
    isolated_dirs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = status(isolated_dirs, "breaks = 3\n", capsys)
    assert code == 2
    assert out == STATUS_BAR_LINE
    assert err.endswith("config.toml: breaks: expected a table, got 3\n")


def test_a_valid_config_still_prints_the_status(
    isolated_dirs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = status(isolated_dirs, '[breaks]\nevery = "90m"\n', capsys)
    assert (code, out, err) == (0, "work mode off\n", "")
