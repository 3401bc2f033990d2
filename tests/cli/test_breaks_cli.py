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
    assert err == 'backtimer: --every: expected a duration between 10m and 4h, got "5m"\n'


def test_every_not_a_duration(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(["work", "--every", "soon"], capsys)
    assert code == 2
    assert err == 'backtimer: --every: expected a duration such as 90, "45m" or "2h", got "soon"\n'


@pytest.mark.parametrize(
    ("argv", "config", "message"),
    [
        (["--snooze", "0s"], 'snooze = "0s"', 'expected a duration between 1m and 2h, got "0s"'),
        (["--snooze", "3h"], 'snooze = "3h"', 'expected a duration between 1m and 2h, got "3h"'),
        (["--every", "5h"], 'every = "5h"', 'expected a duration between 10m and 4h, got "5h"'),
        (["--hours", "25:00-26:00"], 'hours = "25:00-26:00"', "expected a time range"),
        (["--days", "someday"], 'days = "someday"', "expected day names mon..sun"),
        (["--notify", "pigeon"], 'notify = "pigeon"', "expected one of"),
    ],
)
def test_options_are_checked_exactly_like_their_config_keys(
    argv: list[str],
    config: str,
    message: str,
    isolated_dirs: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, err = run(["work", *argv], capsys)
    assert code == 2
    option = argv[0]
    assert err.startswith(f"backtimer: {option}: {message}"), err
    path = isolated_dirs / "config" / "config.toml"
    path.write_text(f"[breaks]\n{config}\n")
    code, err = run(["work"], capsys)
    assert code == 2
    key = option[2:]
    assert err.startswith(f"backtimer: {path}: [breaks] {key}: {message}"), err


def test_first_is_range_checked(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(["work", "--first", "1s"], capsys)
    assert code == 2
    assert err == "backtimer: --first: expected a duration between 10s and 2h, got '1s'\n"
    code, err = run(["work", "--every", "30m", "--first", "45m"], capsys)
    assert code == 2
    assert "between 10s and 30m" in err


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


def test_check_idle_prints_every_source_and_why(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "DISPLAY", "WAYLAND_DISPLAY")}
    env["DBUS_SESSION_BUS_ADDRESS"] = f"unix:path={tmp_path / 'no-bus'}"
    done = subprocess.run(
        [sys.executable, "-m", "backtimer", "work", "--check-idle"],
        capture_output=True, text=True, timeout=60, env=env, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Away detection: ")
    names = [line.split()[0] for line in lines[1:6]]
    assert names == ["tmux", "gnome", "screensaver", "logind", "xprintidle"]
    assert "not inside tmux" in done.stdout
    assert any(line.startswith("Meetings: ") for line in lines)
