"""`backtimer --version`, `--help`, `backtimer NAME --help`, a mistyped command and the
completion script are answered from the commands' declarations alone (cli/commands.py):
they load none of the commands' code (the routine loader, SQLite, Rich, Textual), so they
come back about as fast as Python starts (bench/cli_startup.py). Each runs as a real
process, with `-X importtime` listing every module it imported."""

from __future__ import annotations

import gc
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from backtimer import __version__
from backtimer.cli.command import importing
from backtimer.cli.commands import BY_NAME
from backtimer.cli.main import build_parser, main

ROUTINES = Path(__file__).resolve().parents[2] / "routines"

# What only running a command may load: its code and the libraries it works with.
COMMAND_CODE = (
    "textual",
    "rich",
    "sqlite3",
    "tomli",
    "tomllib",
    "platformdirs",
    "backtimer.routine",
    "backtimer.timeline",
    "backtimer.history",
    "backtimer.breaks",
    "backtimer.audio",
    "backtimer.voice",
    "backtimer.usecases",
    "backtimer.ui",
    "backtimer.web",
)


def backtimer(*words: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """Run `python -m backtimer WORDS`: (the process, with the import report taken out of
    its stderr; every module it imported)."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "backtimer", *words],
        capture_output=True, text=True, check=False, timeout=60,
        env={**os.environ, "COLUMNS": "100"},
    )  # fmt: skip
    modules, rest = [], []
    for line in result.stderr.splitlines(keepends=True):
        if line.startswith("import time:"):
            name = line.rsplit("|", 1)[1].strip()
            if name != "package":  # the report's own header line
                modules.append(name)
        else:
            rest.append(line)
    result.stderr = "".join(rest)
    return result, modules


# What running any command loads around it (backtimer.cli.execute: the one-line messages).
AROUND_EVERY_COMMAND = ("backtimer.usecases.errors", "backtimer.usecases")


def command_code(modules: list[str], *, running: bool = False) -> list[str]:
    found = (m for m in modules if any(m == c or m.startswith(c + ".") for c in COMMAND_CODE))
    around = AROUND_EVERY_COMMAND if running else ()
    return sorted(m for m in found if not any(m == a or m.startswith(a + ".") for a in around))


def test_version_prints_the_version_and_loads_no_command() -> None:
    result, modules = backtimer("--version")
    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        f"backtimer {__version__}\n",
        "",
    )
    assert "backtimer.cli.commands" in modules  # the parser was built: the report is whole
    assert command_code(modules) == []


@pytest.mark.parametrize("words", [["--help"], ["-h"], *([name, "--help"] for name in BY_NAME)])
def test_help_loads_no_command(words: list[str]) -> None:
    result, modules = backtimer(*words)
    assert result.returncode == 0, result.stderr
    name = words[0] if words[0] in BY_NAME else ""
    assert result.stdout.startswith(f"usage: backtimer {name}".rstrip())
    if name:
        assert "\nexamples:\n" in result.stdout
    assert command_code(modules) == []


@pytest.mark.parametrize("words", [["lsit"], ["show"], ["history", "-n", "lots"]])
def test_a_usage_mistake_loads_no_command(words: list[str]) -> None:
    result, modules = backtimer(*words)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "usage: backtimer" in result.stderr and "error:" in result.stderr
    assert command_code(modules) == []


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_the_completion_script_loads_no_command(shell: str) -> None:
    """What a shell's start-up file runs (`eval "$(backtimer completion bash)"`)."""
    result, modules = backtimer("completion", shell)
    assert result.returncode == 0, result.stderr
    assert "backtimer list --ids" in result.stdout  # routine ids complete
    assert all(f" {name}" in result.stdout for name in BY_NAME)
    assert "shtab" in modules
    assert command_code(modules, running=True) == []


def test_list_ids_names_every_routine_list_shows_without_reading_one(user_routines: Path) -> None:
    """What the completion scripts run at each tab on a routine argument."""
    (user_routines / "desk.toml").write_text(
        '[routine]\nname = "Desk"\n\n[[exercise]]\nname = "Shrug"\nreps = 5\n', encoding="utf-8"
    )
    (user_routines / "broken.toml").write_text("[routine\n", encoding="utf-8")
    (user_routines / "neck.toml").write_text("", encoding="utf-8")  # replaces the built-in
    listed, _ = backtimer("list", "--json")
    rows = json.loads(listed.stdout)
    result, modules = backtimer("list", "--ids")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [row["id"] for row in rows]
    assert {"desk", "broken", "neck", "office-chair"} <= set(result.stdout.splitlines())
    assert [row["origin"] for row in rows if row["id"] == "neck"] == ["user"]
    assert not {"rich", "tomli", "backtimer.routine.loader"} & set(modules)


def test_a_command_loads_what_it_runs() -> None:
    # the check above can fail: a command that reads a routine shows the loader and TOML
    result, modules = backtimer("validate", str(ROUTINES / "neck.toml"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok  ")
    assert {"backtimer.routine.loader", "tomli"} <= set(command_code(modules))


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_every_command_runs_a_function_of_its_module(name: str) -> None:
    module, _, function = BY_NAME[name].runner.partition(":")
    assert module.startswith("backtimer.cli.")
    assert callable(getattr(importlib.import_module(module), function))


# ---- words the declarations repeat from the code that reads the values ----------------------


def help_of(name: str, capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit):
        build_parser().parse_args([name, "--help"])
    return " ".join(capsys.readouterr().out.split())  # argparse wraps the lines


@pytest.mark.parametrize("name", ["run", "show", "plan"])
def test_level_offers_exactly_the_levels(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    from backtimer.usecases.levels import LEVELS

    parser = build_parser()
    words = [name, "neck"]
    for level in LEVELS:
        assert parser.parse_args([*words, "--level", level]).level == level
    assert f"--level {{{','.join(LEVELS)}}}" in help_of(name, capsys)


def test_work_help_names_every_notify_choice(capsys: pytest.CaptureFixture[str]) -> None:
    from backtimer.breaks.model import NOTIFY_CHOICES

    assert f"--notify HOW {', '.join(NOTIFY_CHOICES)} " in help_of("work", capsys)


def test_pause_help_shows_what_pause_accepts(capsys: pytest.CaptureFixture[str]) -> None:
    from backtimer.breaks.pause import EXAMPLES

    text = help_of("pause", capsys)
    assert f"HOW LONG: {EXAMPLES} (a length" in text
    assert f"HOW_LONG {EXAMPLES} " in text


# ---- the garbage collector, paused while a command's code is imported -----------------------


def test_commands_and_the_app_run_with_the_garbage_collector_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An app left open for hours must collect its garbage: the collector is paused only
    while the code is imported."""
    from backtimer.cli import inspect
    from backtimer.ui import app

    seen: list[tuple[str, bool]] = []
    monkeypatch.setattr(inspect, "cmd_list", lambda _args: seen.append(("list", gc.isenabled())))
    monkeypatch.setattr(app, "launch", lambda *_a, **_k: seen.append(("app", gc.isenabled())))
    monkeypatch.setenv("TEXTUAL_DRIVER", "headless")  # `run` then launches the app
    assert main(["list"]) == 0
    assert main(["run", "neck"]) == 0
    assert seen == [("list", True), ("app", True)]
    assert gc.isenabled()
    # and a command run again in the same process (loading no code) freezes nothing more
    frozen = gc.get_freeze_count()
    assert main(["list"]) == 0
    assert gc.get_freeze_count() == frozen


def test_the_collector_runs_again_when_an_import_fails() -> None:
    with pytest.raises(ImportError), importing():
        import backtimer.no_such_module  # noqa: F401
    assert gc.isenabled()
