"""[keys] is checked like the rest of config.toml: a value that is not keys, a key that is
not a key, a key two actions of one screen would share (leaving Quit or Help without it),
or a key the app keeps, is one message naming the file, the line and both actions."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from backtimer import paths
from backtimer.config import ConfigError
from backtimer.usecases.keymap import LIBRARY_KEYS, MAX_KEYS, SESSION_KEYS, SUMMARY_KEYS
from backtimer.usecases.settings import Settings

BIN = Path(sys.executable).parent / "backtimer"


def keys_error(text: str) -> str:
    paths.config_file().write_text(text)
    with pytest.raises(ConfigError) as err:
        _ = Settings.load().keys
    message = str(err.value)
    assert "\x1b" not in message
    return message


def test_a_key_taken_from_quit_is_an_error_naming_both(isolated_dirs: Path) -> None:
    path = paths.config_file()
    message = keys_error('# my keys\n[keys]\nnext = "q"\n')
    assert message.startswith(f"{path}:3: [keys] next: ")
    assert '"q" is the key of both quit and next' in message
    assert "quit would be left without a key" in message


def test_help_is_kept_whatever_spelling_takes_its_key(isolated_dirs: Path) -> None:
    path = paths.config_file()
    for value in ('"?"', '"question_mark"', '["x", "question_mark"]'):
        message = keys_error(f"[keys]\nmute = {value}\n")
        assert message.startswith(f"{path}:2: [keys] mute: ")
        assert "both help and mute" in message and "help would be left without a key" in message


def test_two_remapped_actions_on_one_key_name_both_and_the_later_line(
    isolated_dirs: Path,
) -> None:
    message = keys_error('[keys]\nedit = "x"\n\nfilter = "x"\n')
    assert message.startswith(f"{paths.config_file()}:4: [keys] filter: ")
    assert '"x" is the key of both edit and filter on the library screen' in message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("[1, 2]", 'expected keys such as "space"'),
        ("3", 'expected keys such as "space"'),
        ('""', 'expected keys such as "space"'),
        ('" , "', 'expected keys such as "space"'),
        ("{ a = 1 }", 'expected keys such as "space"'),
        ('"\\u001b[2J"', '"\\u001b[2J" is not a key'),
        ('"no such key!"', "is not a key"),
        ('"ctrl+q"', '"ctrl+q" is kept to quit the app'),
        ('"ctrl+c"', "is kept to quit the app"),
        ('"' + ",".join("abcdefghij") + '"', f"at most {MAX_KEYS}"),
    ],
)
def test_values_that_are_not_keys(isolated_dirs: Path, value: str, expected: str) -> None:
    message = keys_error(f"[keys]\npause = {value}\n")
    assert message.startswith(f"{paths.config_file()}:2: [keys] pause: ")
    assert expected in message


def test_the_keys_table_in_other_spellings_keeps_its_line(isolated_dirs: Path) -> None:
    assert keys_error('keys.next = "q"\n').startswith(f"{paths.config_file()}:1: [keys] next")
    assert keys_error("\nkeys = 3\n").startswith(f"{paths.config_file()}:2: [keys]: expected")


def test_good_remaps_and_the_defaults_pass(isolated_dirs: Path) -> None:
    paths.config_file().write_text(
        '[keys]\nnext = ["l", "right"]\nback = "h,left"\npause = "k"\nquit = "q"\n'
    )
    assert Settings.load().keys == {"next": "l,right", "back": "h,left", "pause": "k", "quit": "q"}
    paths.config_file().write_text('[keys]\nnext = "p"\nback = "n"\n')  # a swap
    assert Settings.load().keys == {"next": "p", "back": "n"}
    # no default of any screen conflicts with another
    for table in (SESSION_KEYS, LIBRARY_KEYS, SUMMARY_KEYS):
        owners: dict[str, str] = {}
        for binding in table:
            for key in binding.keys.split(","):
                assert owners.setdefault(key, binding.id) == binding.id


@pytest.mark.parametrize("command", [["run", "neck", "--plain"], ["work"]])
def test_the_app_and_plain_mode_refuse_to_start_with_a_key_conflict(
    isolated_dirs: Path, command: list[str]
) -> None:
    paths.config_file().write_text('[keys]\npause = [1, 2]\nnext = "q"\n')
    done = subprocess.run(
        [str(BIN), *command], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines()[-1] == (
        f"backtimer: {paths.config_file()}:2: [keys] pause: expected keys such as "
        '"space", "n,right" or ["n", "right"], got [1, 2]'
    )
