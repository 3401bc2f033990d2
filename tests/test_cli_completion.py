"""Shell completion, tried in the real shells: the script `backtimer completion SHELL`
prints completes commands, options, choices and routine ids (built-in and the user's own)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent


@pytest.fixture
def shell_env(tmp_path: Path, user_routines: Path) -> dict[str, str]:
    """PATH finds this backtimer (the script calls `backtimer list --ids`); the user has a
    routine of their own; the shells start in an empty folder."""
    (user_routines / "my-desk.toml").write_text(
        '[routine]\nname = "Desk"\n\n[[exercise]]\nname = "Shrug"\nreps = 5\n', encoding="utf-8"
    )
    if not (BIN / "backtimer").exists():
        pytest.skip(f"no backtimer script beside {sys.executable} (not an installed venv)")
    return dict(os.environ) | {"PATH": f"{BIN}:{os.environ['PATH']}", "HOME": str(tmp_path)}


def script(shell: str, env: dict[str, str], tmp_path: Path) -> Path:
    out = subprocess.run(
        ["backtimer", "completion", shell], env=env, capture_output=True, text=True,
        check=True, timeout=60,
    ).stdout  # fmt: skip
    path = tmp_path / f"backtimer.{shell}"
    path.write_text(out, encoding="utf-8")
    return path


BASH_COMPLETE = """
source "$1"; shift
COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
_shtab_backtimer
printf '%s\\n' "${COMPREPLY[@]}"
"""


def bash(words: str, path: Path, env: dict[str, str], cwd: Path) -> set[str]:
    argv = words.split(" ")
    result = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", BASH_COMPLETE, "bash", str(path), *argv],
        env=env, cwd=cwd, capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    return {line for line in result.stdout.splitlines() if line}


def test_bash_completes_commands_options_choices_and_routine_ids(
    shell_env: dict[str, str], tmp_path: Path
) -> None:
    path = script("bash", shell_env, tmp_path)
    cwd = tmp_path / "here"
    cwd.mkdir()
    (cwd / "evening.toml").write_text("", encoding="utf-8")
    assert {"run", "paths", "plan"} <= bash("backtimer ", path, shell_env, cwd)
    assert bash("backtimer st", path, shell_env, cwd) == {"stats", "status"}
    assert bash("backtimer run ne", path, shell_env, cwd) == {"neck"}
    assert bash("backtimer run my", path, shell_env, cwd) == {"my-desk"}
    assert bash("backtimer show ev", path, shell_env, cwd) == {"evening.toml"}
    assert bash("backtimer work --rou", path, shell_env, cwd) == {"--routine"}
    assert bash("backtimer work --routine off", path, shell_env, cwd) == {"office-chair"}
    assert bash("backtimer completion ", path, shell_env, cwd) == {"bash", "zsh", "fish"}


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed (CI installs it)")
def test_fish_completes_commands_and_routine_ids(shell_env: dict[str, str], tmp_path: Path) -> None:
    path = script("fish", shell_env, tmp_path)

    def fish(line: str) -> set[str]:
        result = subprocess.run(
            ["fish", "--no-config", "-c", f"source {path}; complete -C '{line}'"],
            env=shell_env, cwd=tmp_path, capture_output=True, text=True, check=True, timeout=60,
        )  # fmt: skip
        return {row.split("\t")[0] for row in result.stdout.splitlines()}

    assert {"run", "paths", "completion"} <= fish("backtimer ")
    assert "neck" in fish("backtimer run ne")
    assert "my-desk" in fish("backtimer show my")
    assert fish("backtimer plan --j") == {"--json"}


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed (CI installs it)")
def test_zsh_script_parses_and_its_routine_function_lists_the_ids(
    shell_env: dict[str, str], tmp_path: Path
) -> None:
    """zsh completes only inside its line editor, which a test cannot drive without a
    terminal: the script is parsed by zsh, and its routine function runs with zsh's
    `_describe` and `_files` replaced by functions that print what they were given."""
    path = script("zsh", shell_env, tmp_path)
    subprocess.run(["zsh", "-n", str(path)], check=True, timeout=60)
    text = path.read_text(encoding="utf-8")
    start = text.index("_backtimer_routines() {")
    function = text[start : text.index("\n}\n", start) + 3]
    probe = (
        "_describe() { print -l -- ${(P)${@[-1]}} }\n_files() { print -- files $@ }\n"
        + function
        + "_backtimer_routines\n"
    )
    result = subprocess.run(
        ["zsh", "-f", "-c", probe], env=shell_env, capture_output=True, text=True,
        check=True, timeout=60,
    )  # fmt: skip
    lines = result.stdout.splitlines()
    assert {"neck", "office-chair", "my-desk"} <= set(lines)
    assert "files -g *.toml" in lines
    assert "#compdef backtimer" in text
