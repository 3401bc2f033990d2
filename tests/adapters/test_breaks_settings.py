"""The [breaks] table of config.toml: defaults, accepted forms, and clear messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from backtimer.breaks.settings import break_settings
from backtimer.config import ConfigError, load_config


def settings_from(tmp_path: Path, text: str):
    path = tmp_path / "config.toml"
    path.write_text(text)
    return break_settings(load_config(path), path)


def test_defaults_when_there_is_no_breaks_table(tmp_path: Path) -> None:
    s = settings_from(tmp_path, "")
    assert s.every == 7200
    assert s.routines == ("office-chair", "neck")
    assert s.snooze == 600
    assert s.max_snoozes == 3
    assert s.warn == 60
    assert s.hours == (540, 1080)
    assert s.days == frozenset({0, 1, 2, 3, 4})
    assert s.notify == "auto"


def test_every_form_people_write(tmp_path: Path) -> None:
    s = settings_from(
        tmp_path,
        '[breaks]\nevery = "90m"\nroutines = ["neck"]\nsnooze = "5m"\nmax_snoozes = 1\n'
        'warn = false\nhours = "22:00-06:00"\ndays = ["mon-wed", "sat"]\nnotify = "osc9"\n',
    )
    assert s.every == 5400
    assert s.routines == ("neck",)
    assert s.snooze == 300
    assert s.max_snoozes == 1
    assert s.warn == 0
    assert s.hours == (22 * 60, 6 * 60)
    assert s.days == frozenset({0, 1, 2, 5})
    assert s.notify == "osc9"
    assert settings_from(tmp_path, '[breaks]\nhours = "any"\ndays = ["fri-mon"]\n').hours is None
    assert settings_from(tmp_path, '[breaks]\ndays = ["fri-mon"]\n').days == frozenset({4, 5, 6, 0})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('every = "5m"', '[breaks] every: expected a duration between 10m and 4h, got "5m"'),
        ('every = "often"', '[breaks] every: expected a duration such as 90, "45m" or "2h"'),
        ('hours = "9-5"', '[breaks] hours: expected a time range such as "09:00-18:00"'),
        ('hours = "09:00-09:00"', "[breaks] hours: expected a time range"),
        ('days = ["mon", "funday"]', "[breaks] days: expected day names mon..sun"),
        ("routines = []", "[breaks] routines: expected a list of routine ids"),
        ('notify = "growl"', '[breaks] notify: expected one of "auto", "bell"'),
        ("max_snoozes = -1", "[breaks] max_snoozes: expected a whole number 0-20, got -1"),
        ('evrey = "2h"', '[breaks] evrey: unknown setting (did you mean "every"?)'),
    ],
)
def test_bad_settings_name_the_field_and_what_was_expected(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(ConfigError) as err:
        settings_from(tmp_path, f"[breaks]\n{text}\n")
    assert message in str(err.value)
    assert str(err.value).startswith(str(tmp_path / "config.toml"))


def test_flags_override_the_config_and_any_hours_means_all_day() -> None:
    from backtimer.breaks.settings import break_settings

    config = {"breaks": {"every": "2h", "hours": "09:00-17:00", "routines": ["office-chair"]}}
    changed = break_settings(
        config, options={"every": "1h", "hours": "any", "routines": ["neck"], "snooze": None}
    )
    assert (changed.every, changed.hours, changed.routines) == (3600.0, None, ("neck",))
    assert break_settings(config, options={}) == break_settings(config)
    with pytest.raises(ConfigError, match="--every"):
        break_settings(config, options={"every": "1m"})
