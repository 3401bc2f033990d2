"""The saved break schedule (one JSON file) and `backtimer status`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from backtimer.breaks.scheduler import BreakSettings, Reading, Scheduler
from backtimer.breaks.state import STATE_FILE, BreakStore
from backtimer.cli.main import main

ALWAYS = BreakSettings(hours=None, days=frozenset(range(7)))


@pytest.fixture(autouse=True)
def dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BACKTIMER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BACKTIMER_CONFIG_DIR", str(tmp_path / "config"))
    return tmp_path


def schedule(now: datetime, settings: BreakSettings = ALWAYS) -> Scheduler:
    sched = Scheduler(settings, UTC)
    sched.check(Reading(now, 0.0))
    return sched


def test_the_schedule_and_its_settings_are_saved_in_one_file_written_atomically(
    dirs: Path,
) -> None:
    now = datetime.now(UTC)
    sched = schedule(now)
    store = BreakStore()
    store.save(sched.state, sched.settings)  # type: ignore[arg-type]
    store.close()
    again = BreakStore()
    state, settings = again.load_with_settings()
    again.close()
    assert state == sched.state
    assert settings == ALWAYS
    folder = dirs / "data"
    assert sorted(p.name for p in folder.iterdir() if p.suffix == ".json") == [STATE_FILE]
    assert not [p for p in folder.iterdir() if ".tmp" in p.name]  # no temp file left over
    data = json.loads((folder / STATE_FILE).read_text())
    assert data["state"]["due"] == (now + timedelta(hours=2)).isoformat()


def test_a_damaged_state_file_is_reported_and_ignored(dirs: Path) -> None:
    folder = dirs / "data"
    folder.mkdir()
    (folder / STATE_FILE).write_text("{not json")
    store = BreakStore()
    assert store.load() is None
    assert store.notice is not None
    assert "damaged saved schedule" in store.notice


def test_restart_keeps_the_two_hour_clock(dirs: Path) -> None:
    start = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    first = schedule(start)
    first.check(Reading(start + timedelta(minutes=45), 2700.0))
    BreakStore().save(first.state)  # type: ignore[arg-type]
    loaded = BreakStore().load()
    second = Scheduler(ALWAYS, UTC, loaded)
    tick = second.check(Reading(start + timedelta(minutes=46), 3.0))  # new process
    assert tick.remaining == 74 * 60


def save_now(**changes: object) -> None:
    now = datetime.now(UTC)
    sched = schedule(now)
    state = sched.state
    assert state is not None
    for key, value in changes.items():
        setattr(state, key, value)
    BreakStore().save(state, ALWAYS)


def status() -> str:
    result = subprocess.run(
        [sys.executable, "-m", "backtimer", "status"],
        check=False,
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


def test_status_says_work_mode_off_when_nothing_runs() -> None:
    assert status() == "work mode off\n"


def test_status_shows_time_to_the_break() -> None:
    now = datetime.now(UTC)
    save_now(due=now + timedelta(hours=1, minutes=11, seconds=50))
    assert status() == "break in 1h12m\n"


def test_status_shows_a_due_break_and_its_snoozes() -> None:
    now = datetime.now(UTC)
    save_now(due=now - timedelta(seconds=5), snoozes=1, alerted=True)
    assert status() == "break due (snoozed 1x)\n"


def test_status_says_off_hours_outside_working_days() -> None:
    now = datetime.now(UTC)
    sched = Scheduler(BreakSettings(days=frozenset()), UTC)
    sched.check(Reading(now, 0.0))
    BreakStore().save(sched.state, sched.settings)  # type: ignore[arg-type]
    assert status() == "off hours\n"


def test_status_ignores_a_schedule_the_app_stopped_updating() -> None:
    now = datetime.now(UTC)
    save_now(last_seen=now - timedelta(minutes=10))
    assert status() == "work mode off\n"


def test_status_does_not_import_textual(capsys: pytest.CaptureFixture[str]) -> None:
    code = (
        "import sys\n"
        "from backtimer.cli.main import main\n"
        "main(['status'])\n"
        "print('textual' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=30
    )
    assert result.stdout.splitlines()[-1] == "False", result.stdout + result.stderr


def test_status_in_process_prints_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    save_now(due=datetime.now(UTC) + timedelta(minutes=30))
    assert main(["status"]) == 0
    assert capsys.readouterr().out == "break in 30m\n"


def test_status_during_a_break() -> None:
    save_now(in_break=True)
    assert status() == "on a break\n"
