"""`backtimer work` refuses bad settings with one clear line, before any screen opens."""

from __future__ import annotations

from pathlib import Path

import pytest

from backtimer.cli.main import main


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(argv)
    return code, capsys.readouterr().err


def test_every_out_of_range(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(["work", "--every", "5m"], capsys)
    assert code == 2
    assert err == "backtimer: --every: expected a duration between 10m and 4h\n"


def test_every_not_a_duration(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(["work", "--every", "soon"], capsys)
    assert code == 2
    assert err == 'backtimer: --every: expected a duration such as "45m" or "2h", got "soon"\n'


def test_unknown_routine_to_offer(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(["work", "--routine", "desk-yoga"], capsys)
    assert code == 2
    assert err.startswith("backtimer: [breaks] routines: unknown routine 'desk-yoga'")


def test_bad_config_names_the_file_and_field(
    isolated_dirs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = isolated_dirs / "config" / "config.toml"
    config.write_text('[breaks]\nhours = "nine to five"\n')
    code, err = run(["work"], capsys)
    assert code == 2
    assert err.startswith(f"backtimer: {config}: [breaks] hours: expected a time range")
