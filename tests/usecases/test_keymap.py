"""One keymap for both front ends: the plain runner's keys and line commands are the app's
actions and follow [keys]; config.toml is read once into Settings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from backtimer import paths
from backtimer.config import ConfigError
from backtimer.usecases.keymap import SESSION_KEYS, PlainCommands
from backtimer.usecases.settings import Settings

BIN = Path(sys.executable).parent / "backtimer"


def test_plain_keys_are_the_apps_session_keys() -> None:
    keys = PlainCommands()
    assert keys.for_key(" ") == "pause"
    assert keys.for_key("p") == "back"
    assert keys.for_key("n") == "next"
    assert keys.for_key("N") == "skip_exercise"
    assert keys.for_key("r") == "restart"
    assert keys.for_key("+") == keys.for_key("=") == "more_time"
    assert keys.for_key("-") == "less_time"
    assert keys.for_key("d") == keys.for_key("\r") == keys.for_key("\n") == "done"
    assert keys.for_key("m") == "mute"
    assert keys.for_key("!") == "pain"
    assert keys.for_key("q") == "quit"
    assert keys.for_key("?") == "help"
    assert keys.for_key("b") is None
    # every single-character key of the app's session table does the same here
    for binding in SESSION_KEYS:
        for key in binding.keys.split(","):
            if len(key) == 1 and binding.id in keys.keys:
                assert keys.for_key(key) == binding.id


def test_plain_lines_name_the_action_or_give_one_of_its_keys() -> None:
    keys = PlainCommands()
    assert keys.for_line("pause\n") == "pause"
    assert keys.for_line("skip exercise") == "skip_exercise"
    assert keys.for_line("Skip_Exercise") == "skip_exercise"
    assert keys.for_line("") == keys.for_line("d") == keys.for_line("done") == "done"
    assert keys.for_line("p") == "back"
    assert keys.for_line("q") == keys.for_line("quit") == "quit"
    assert keys.for_line("!") == "pain"
    assert keys.for_line("dance") is None


def test_plain_keys_follow_the_keys_table() -> None:
    keys = PlainCommands({"pause": "k", "next": "l,right"})
    assert keys.for_key("k") == "pause"
    assert keys.for_key(" ") is None
    assert keys.for_key("l") == "next" and keys.for_key("n") is None
    assert keys.for_line("k") == "pause"
    assert keys.key_help().startswith("keys: k pause/resume, l next, ")
    assert keys.resume_hint(tty=True) == "press k to resume"


def test_settings_read_each_table_once_and_alone(isolated_dirs: Path) -> None:
    path = paths.config_file()
    path.write_text('[sound]\nvolume = 40\n[breaks]\nevery = "1m"\n[keys]\npause = "k"\n')
    settings = Settings.load()
    path.unlink()  # read once: the tables come from what was read
    assert settings.sound.volume == 40
    assert settings.keys == {"pause": "k"}
    with pytest.raises(ConfigError) as err:
        _ = settings.breaks  # a bad [breaks] is that table's reader's problem only
    assert str(err.value).startswith(f"{path}: [breaks] every: expected a duration between")


def test_settings_keep_the_line_of_a_toml_mistake(isolated_dirs: Path) -> None:
    paths.config_file().write_text("[sound]\nvolume = \n")
    with pytest.raises(ConfigError) as err:
        Settings.load()
    assert str(err.value).startswith(f"{paths.config_file()}:2:")


@pytest.mark.slow
def test_plain_lines_follow_the_keys_table(isolated_dirs: Path, tmp_path: Path) -> None:
    paths.config_file().write_text('[keys]\npause = "k"\n')
    routine = tmp_path / "wall.toml"
    routine.write_text(
        '[routine]\nname = "Wall"\n[defaults]\nprepare = 0\n'
        '[[exercise]]\nname = "Wall sit"\nduration = "1m"\n'
    )
    proc = subprocess.run(
        [str(BIN), "run", str(routine), "--plain", "--no-sound"],
        input="k\nquit\n",
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "PAUSED  send pause to resume" in proc.stdout
    assert "STOPPED" in proc.stdout
