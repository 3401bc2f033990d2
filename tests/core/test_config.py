"""Config file: parse errors name file:line:col, field errors name [table] key, saving is atomic."""

from __future__ import annotations

from pathlib import Path

import pytest

from backtimer.config import ConfigError, Table, load_config
from backtimer.toml_messages import did_you_mean


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "config.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_missing_file_is_empty(tmp_path: Path) -> None:
    assert load_config(tmp_path / "nope.toml") == {}


def test_default_path_follows_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKTIMER_CONFIG_DIR", str(tmp_path))
    assert load_config() == {}
    write(tmp_path, "[sound]\nvolume = 40\n")
    assert load_config() == {"sound": {"volume": 40}}


def test_syntax_error_names_file_line_and_column(tmp_path: Path) -> None:
    p = write(tmp_path, "[sound]\nvolume = 40\nmute tru\n")
    with pytest.raises(ConfigError) as info:
        load_config(p)
    msg = str(info.value)
    assert msg.startswith(f"{p}:3:")
    assert info.value.line == 3
    assert "(at line" not in msg


def test_key_written_twice_gets_a_hint(tmp_path: Path) -> None:
    p = write(tmp_path, "[sound]\nvolume = 80\nvolume = 3\n")
    with pytest.raises(ConfigError) as info:
        load_config(p)
    assert str(info.value) == (
        f"{p}:3:11: Cannot overwrite a value (is this setting or [table] written twice?)"
    )


def test_unterminated_string_at_end(tmp_path: Path) -> None:
    p = write(tmp_path, '[sound]\ngo = "abc')
    with pytest.raises(ConfigError) as info:
        load_config(p)
    assert str(info.value).startswith(f"{p}:2")


def test_not_utf8(tmp_path: Path) -> None:
    p = tmp_path / "config.toml"
    p.write_bytes(b"[sound]\nname = '\xff'\n")
    with pytest.raises(ConfigError, match=r"config.toml:2: not UTF-8"):
        load_config(p)


def test_directory_instead_of_file(tmp_path: Path) -> None:
    (tmp_path / "config.toml").mkdir()
    with pytest.raises(ConfigError, match="is a directory"):
        load_config(tmp_path / "config.toml")


def test_integer_field_error_message(tmp_path: Path) -> None:
    p = write(tmp_path, '[sound]\nvolume = "loud"\n')
    sound = Table.of(load_config(p), "sound", p)
    with pytest.raises(ConfigError) as info:
        sound.integer("volume", 80, lo=0, hi=100)
    assert str(info.value) == f'{p}: [sound] volume: expected a whole number 0-100, got "loud"'


@pytest.mark.parametrize("value", ["101", "-1", "true", "12.5"])
def test_integer_out_of_range_or_wrong_type(tmp_path: Path, value: str) -> None:
    p = write(tmp_path, f"[sound]\nvolume = {value}\n")
    with pytest.raises(ConfigError, match=r"\[sound\] volume: expected a whole number 0-100"):
        Table.of(load_config(p), "sound", p).integer("volume", 80, lo=0, hi=100)


def test_getters_return_values_and_defaults(tmp_path: Path) -> None:
    p = write(
        tmp_path,
        '[breaks]\nevery = "2h30m"\nenabled = false\nlevel = 0.5\nstyle = "calm"\n'
        'file = "cues/go.wav"\nn = 3.0\n',
    )
    t = Table.of(load_config(p), "breaks", p)
    assert t.duration("every", 7200.0) == 9000.0
    assert t.boolean("enabled", True) is False
    assert t.number("level", 1.0, lo=0, hi=1) == 0.5
    assert t.string("style", "x", choices={"calm", "loud"}) == "calm"
    assert t.path_value("file") == tmp_path / "cues" / "go.wav"
    assert t.integer("n") == 3
    assert t.integer("absent", 7) == 7
    with pytest.raises(ConfigError, match=r"\[breaks\] absent: missing; expected a whole number"):
        t.integer("absent")


def test_string_choice_with_did_you_mean(tmp_path: Path) -> None:
    p = write(tmp_path, '[ui]\ntheme = "drak"\n')
    with pytest.raises(ConfigError) as info:
        Table.of(load_config(p), "ui", p).string("theme", choices=["dark", "light"])
    assert '[ui] theme: expected one of "dark", "light", got "drak" (did you mean "dark"?)' in str(
        info.value
    )


def test_duration_error(tmp_path: Path) -> None:
    p = write(tmp_path, '[breaks]\nevery = "often"\nsnooze = "9h"\n')
    t = Table.of(load_config(p), "breaks", p)
    with pytest.raises(ConfigError, match=r'\[breaks\] every: expected a duration .* got "often"'):
        t.duration("every")
    with pytest.raises(ConfigError, match=r"snooze: expected a duration between 1m and 1h"):
        t.duration("snooze", lo=60, hi=3600)


def test_unknown_key_suggests_close_name(tmp_path: Path) -> None:
    p = write(tmp_path, "[sound]\nvolumne = 40\n")
    with pytest.raises(ConfigError) as info:
        Table.of(load_config(p), "sound", p).check_keys({"volume", "mute", "cues"})
    assert '[sound] volumne: unknown setting (did you mean "volume"?)' in str(info.value)
    assert "known: cues, mute, volume" in str(info.value)


def test_nested_tables_and_non_table(tmp_path: Path) -> None:
    p = write(tmp_path, "[sound.cues.go]\nvolume = 200\n[ui]\nkeys = 3\n")
    cfg = load_config(p)
    go = Table.of(cfg, "sound.cues.go", p)
    with pytest.raises(ConfigError, match=r"\[sound.cues.go\] volume: expected a whole number"):
        go.integer("volume", lo=0, hi=100)
    assert Table.of(cfg, "breaks", p).keys() == []
    with pytest.raises(ConfigError, match=r"\[ui\] keys: expected a table, got 3"):
        Table.of(cfg, "ui", p).table("keys")
    with pytest.raises(ConfigError, match=r"ui: expected a table"):
        Table.of({"ui": 5}, "ui.keys", p)


def test_did_you_mean() -> None:
    assert did_you_mean("volme", ["volume", "mute"]) == ' (did you mean "volume"?)'
    assert did_you_mean("zzz", ["volume", "mute"]) == ""
