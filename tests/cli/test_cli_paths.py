"""`backtimer paths` tells a person where their files are, run as they would run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from backtimer import paths


def backtimer(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "backtimer", *args],
        capture_output=True, text=True, env=env, timeout=60, check=False,
    )  # fmt: skip


def test_paths_follow_the_xdg_folders_of_this_user(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKTIMER_")}
    env |= {
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "cfg"),
        "XDG_DATA_HOME": str(tmp_path / "share"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    (tmp_path / "cfg" / "backtimer" / "routines").mkdir(parents=True)
    result = backtimer("paths", "--json", env=env)
    assert result.returncode == 0, result.stderr
    where = json.loads(result.stdout)
    assert where == {
        "routines": f"{tmp_path}/cfg/backtimer/routines",
        "config": f"{tmp_path}/cfg/backtimer/config.toml",
        "history": f"{tmp_path}/share/backtimer/history.sqlite3",
        "break_schedule": f"{tmp_path}/share/backtimer/breaks-state.json",
        "logs": f"{tmp_path}/share/backtimer/logs",
        "cache": f"{tmp_path}/cache/backtimer",
        "builtin_routines": str(paths.builtin_routines_dir()),
    }
    text = backtimer("paths", env=env).stdout.splitlines()
    rows = {line[:19].strip(): line[19:] for line in text}
    assert rows["your routines"] == f"{tmp_path}/cfg/backtimer/routines/"
    assert rows["config file"] == f"{tmp_path}/cfg/backtimer/config.toml  (not there yet)"
    assert rows["built-in routines"].rstrip("/") == str(paths.builtin_routines_dir())
    assert (Path(rows["built-in routines"]) / "neck.toml").is_file()


def test_paths_follow_the_backtimer_overrides(tmp_path: Path) -> None:
    env = dict(os.environ) | {
        "BACKTIMER_CONFIG_DIR": str(tmp_path / "c"),
        "BACKTIMER_DATA_DIR": str(tmp_path / "d"),
        "BACKTIMER_CACHE_DIR": str(tmp_path / "k"),
    }
    where = json.loads(backtimer("paths", "--json", env=env).stdout)
    assert where["config"] == f"{tmp_path}/c/config.toml"
    assert where["history"] == f"{tmp_path}/d/history.sqlite3"
    assert where["cache"] == f"{tmp_path}/k"


def test_a_folder_name_with_an_escape_sequence_is_shown_escaped(tmp_path: Path) -> None:
    env = dict(os.environ) | {"BACKTIMER_CONFIG_DIR": str(tmp_path / "c\x1b[2Jx")}
    text = backtimer("paths", env=env).stdout
    assert "\x1b" not in text and "c\\x1b[2Jx" in text
    raw = backtimer("paths", "--json", env=env).stdout
    assert "\x1b" not in raw
    assert json.loads(raw)["config"] == f"{tmp_path}/c\x1b[2Jx/config.toml"
