"""`backtimer sound`: user mistakes get one clear line, never a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from backtimer import paths
from backtimer.cli.main import main


def test_unknown_cue_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sound", "--play", "swich"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("backtimer: unknown cue 'swich' (did you mean \"switch\"?); cues: tick")


def test_bad_config_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    cfg = paths.config_file()
    cfg.write_text('[sound]\nvolume = "loud"\n')
    assert main(["sound", "--check"]) == 1
    err = capsys.readouterr().err
    assert err == (f'backtimer: {cfg}: [sound] volume: expected a whole number 0-100, got "loud"\n')


def test_list_shows_files_volumes_and_state(capsys: pytest.CaptureFixture[str]) -> None:
    paths.config_file().write_text(
        "[sound]\nvolume = 50\n[sound.cues.rep]\nmute = true\n[sound.cues.go]\nvolume = 40\n"
    )
    assert main(["sound", "--list"]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()}
    assert lines["go"].split()[1:4] == ["on", "volume", "20"]
    assert lines["rep"].split()[1] == "off"
    assert lines["inhale"].split()[1] == "off"  # breath tones are off by default
    assert lines["tick"].endswith(str(paths.sounds_dir() / "tick.wav"))


def test_muted_in_config(capsys: pytest.CaptureFixture[str]) -> None:
    paths.config_file().write_text("[sound]\nmute = true\n")
    assert main(["sound", "--check"]) == 0
    assert "sound: muted in the config file ([sound] mute = true)" in capsys.readouterr().out


def test_backend_none_in_config(capsys: pytest.CaptureFixture[str]) -> None:
    paths.config_file().write_text('[sound]\nbackend = "none"\n')
    assert main(["sound", "--play", "go"]) == 0
    out = capsys.readouterr().out
    assert "sound is off by choice" in out
    assert "backend: none (silence)" in out
    assert 'chosen by the config file: [sound] backend = "none"' in out


def test_check_says_when_the_bell_rings_too(capsys: pytest.CaptureFixture[str]) -> None:
    paths.config_file().write_text('[sound]\nbell = true\nbackend = "none"\n')
    assert main(["sound", "--check"]) == 0
    assert "bell: rings at each change too ([sound] bell = true)" in capsys.readouterr().out
    paths.config_file().write_text('[sound]\nbackend = "none"\n')
    assert main(["sound", "--check"]) == 0
    assert "bell: rings" not in capsys.readouterr().out


def test_file_names_from_the_config_reach_the_terminal_escaped(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A shared config.toml naming a cue file with an escape sequence in its name:
    `sound --list` and `--check` show the name with ESC written out, never the sequence."""
    cue = tmp_path / "\x1b]0;evil\x07.wav"
    shutil.copy(paths.sounds_dir() / "go.wav", cue)
    paths.config_file().write_text(
        f'[sound.cues.go]\nfile = "{tmp_path}/\\u001b]0;evil\\u0007.wav"\n'
    )
    assert main(["sound", "--list"]) == 0
    main(["sound", "--check"])
    captured = capsys.readouterr()
    out = captured.out + captured.err
    assert "\x1b" not in out and "\x07" not in out
    assert "\\x1b]0;evil\\x07.wav" in out
