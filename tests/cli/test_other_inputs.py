"""Every other input is checked like config.toml: ~user paths that do not resolve, numbers
given to options, file names handed to the editor, text handed to notify-send."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from backtimer.breaks.notify import Notifier

BIN = Path(sys.executable).parent / "backtimer"


def backtimer(*args: str, cwd: Path | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=cwd,
        env={**os.environ, **env},
    )


@pytest.mark.parametrize(
    "args",
    [
        ["show", "~nosuchuser/x.toml"],
        ["plan", "~nosuchuser/x.toml"],
        ["validate", "~nosuchuser/x.toml"],
        ["run", "~nosuchuser/x.toml", "--plain"],
        ["new", "mine", "--path", "~nosuchuser/"],
        ["edit", "~nosuchuser/x.toml"],
    ],
)
def test_a_home_that_does_not_resolve_is_a_message(args: list[str]) -> None:
    done = backtimer(*args, EDITOR="true")
    assert done.returncode in (1, 2)  # the codes of a user's mistake (2: usage)
    path = next(a for a in args if a.startswith("~"))
    assert done.stderr == f"backtimer: {path}: there is no user 'nosuchuser' on this system\n"


@pytest.mark.parametrize(
    ("name", "command"), [("BACKTIMER_CONFIG_DIR", "list"), ("BACKTIMER_DATA_DIR", "history")]
)
def test_a_folder_setting_that_does_not_resolve_is_a_message(name: str, command: str) -> None:
    done = backtimer(command, **{name: "~nosuchuser/backtimer"})
    assert done.returncode == 2
    assert done.stderr == (
        f"backtimer: ${name}: ~nosuchuser/backtimer: there is no user 'nosuchuser' on this system\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["history", "-n", "ten"],
            "argument -n/--limit: expected a whole number 1-100000, got 'ten'",
        ),
        (
            ["history", "-n", "1e3"],
            "argument -n/--limit: expected a whole number 1-100000, got '1e3'",
        ),
        (
            ["serve", "--port", "70000"],
            "argument --port: expected a whole number 0-65535, got 70000",
        ),
        (["serve", "--port", "-1"], "argument --port: expected a whole number 0-65535, got -1"),
        (
            ["serve", "--port", "9" * 5000],
            "argument --port: expected a whole number 0-65535, got " + "9" * 30 + "…",
        ),
    ],
)
def test_numbers_given_to_options_are_bounded(args: list[str], message: str) -> None:
    done = backtimer(*args)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines()[-1] == f"backtimer {args[0]}: error: {message}"


@pytest.mark.parametrize("value", ["99999999999999999999999", "9" * 5000, "0", "-7", "100000"])
def test_history_limit_beyond_its_bounds_is_the_nearest_bound(value: str) -> None:
    done = backtimer("history", "-n", value)
    assert done.returncode == 0, done.stderr
    assert "No sessions recorded yet" in done.stdout


def fake_program(folder: Path, name: str, log: Path) -> Path:
    folder.mkdir(exist_ok=True)
    tool = folder / name
    tool.write_text(f'#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a" >> {log}; done\n')
    tool.chmod(tool.stat().st_mode | stat.S_IEXEC)
    return tool


def test_the_editor_gets_an_absolute_path_never_an_option(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    log = tmp_path / "argv.txt"
    editor = fake_program(tmp_path / "bin", "vim", log)
    for name in ("-c.toml", "+q.toml"):
        (work / name).write_text(
            '[routine]\nname = "Mine"\n[[exercise]]\nname = "Tuck"\nhold = "5s"\n'
        )
        log.unlink(missing_ok=True)
        done = backtimer("edit", f"./{name}", cwd=work, EDITOR=str(editor))
        assert done.returncode == 0, done.stderr
        argv = log.read_text().splitlines()
        assert argv == [str(work / name)]  # one argument: the file, absolute


def test_notify_send_reads_the_text_as_text_whatever_it_starts_with(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "argv.txt"
    folder = tmp_path / "bin"
    fake_program(folder, "notify-send", log)
    monkeypatch.setenv("PATH", f"{folder}:/usr/bin:/bin")
    env = {"DISPLAY": ":0", "PATH": str(folder)}
    written: list[str] = []
    notice = Notifier("notify-send", written.append, env=env, which=lambda n: str(folder / n))
    assert notice.send("--help", "-u critical") is None
    argv = log.read_text().splitlines()
    assert argv[-3:] == ["--", "--help", "-u critical"]
    assert argv.index("--") == len(argv) - 3  # every option before it is ours
