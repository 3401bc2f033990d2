"""`backtimer status --json` and `status` with a damaged saved schedule (real processes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from backtimer.breaks.report import STATES
from backtimer.breaks.scheduler import BreakSettings, Reading, Scheduler
from backtimer.breaks.state import STATE_FILE, BreakStore

ALWAYS = BreakSettings(hours=None, days=frozenset(range(7)))
KEYS = {
    "state",
    "due_at",
    "seconds_left",
    "routine",
    "snoozes",
    "taken_today",
    "away_today",
    "paused_until",
    "held",
}


def backtimer(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "backtimer", *argv],
        check=False,
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=30,
    )


def status_json() -> dict[str, Any]:
    result = backtimer("status", "--json")
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    assert set(data) == KEYS
    assert data["state"] in STATES
    return data


def save(settings: BreakSettings = ALWAYS, **changes: Any) -> Scheduler:
    sched = Scheduler(settings, UTC)
    sched.check(Reading(datetime.now(UTC), 0.0))
    assert sched.state is not None
    for key, value in changes.items():
        setattr(sched.state, key, value)
    BreakStore().save(sched.state, settings, ("office-chair", "Office chair break"))
    return sched


def test_off_when_no_work_mode_runs() -> None:
    data = status_json()
    assert data["state"] == "off"
    assert data["due_at"] is None and data["seconds_left"] is None


def test_working_with_the_due_time_the_routine_and_todays_counts() -> None:
    due = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=42)
    save(due=due, taken=2, away=1)
    data = status_json()
    assert data["state"] == "working"
    assert datetime.fromisoformat(data["due_at"]) == due
    assert 41 * 60 < data["seconds_left"] <= 42 * 60
    assert data["routine"] == {"id": "office-chair", "name": "Office chair break"}
    assert (data["taken_today"], data["away_today"], data["snoozes"]) == (2, 1, 0)


def test_snoozed_due_paused_and_off_hours() -> None:
    now = datetime.now(UTC)
    save(due=now + timedelta(minutes=5), snoozes=1)
    assert status_json()["state"] == "snoozed"
    save(due=now - timedelta(seconds=5), alerted=True)
    data = status_json()
    assert (data["state"], data["seconds_left"]) == ("due", 0)
    until = (now + timedelta(hours=2)).replace(microsecond=0)
    save(paused_until=until, pause_wall=True)
    data = status_json()
    assert data["state"] == "paused"
    assert datetime.fromisoformat(data["paused_until"]) == until
    text = backtimer("status").stdout
    assert text == f"paused until {until.astimezone():%H:%M}\n" or text.startswith("paused until ")
    save(BreakSettings(days=frozenset()))
    assert status_json()["state"] == "off_hours"


def test_a_reminder_held_by_a_meeting() -> None:
    now = datetime.now(UTC)
    save(due=now - timedelta(seconds=30), held="meeting", in_meeting=True, warned=True)
    data = status_json()
    assert (data["state"], data["held"]) == ("meeting", "meeting")
    assert backtimer("status").stdout == "break held (meeting)\n"


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{",
        b"[" * 100_000,
        b'{"state": {"day": "2026-11-30"}}',
        b'{"state": {"day": "9999-12-31", "work_start": "9999-12-31T23:59:59+00:00",'
        b' "due": "9999-12-31T23:59:59+00:00", "last_seen": "9999-12-31T23:59:59+00:00"}}',
        b"\xff\xfe\x1b]52;c;QUJD\x07",
        b'{"state": 1, "settings": {"hours": [-5, 99999]}}',
        b" " * 200_000,
    ],
    ids=["empty", "cut", "deep", "incomplete", "year-9999", "escapes", "wrong-types", "huge"],
)
def test_a_damaged_saved_schedule_never_gives_a_traceback(content: bytes, tmp_path: Path) -> None:
    folder = Path(os.environ["BACKTIMER_DATA_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / STATE_FILE).write_bytes(content)
    for argv in (["status"], ["status", "--json"]):
        result = backtimer(*argv)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
        assert "\x1b" not in result.stdout + result.stderr
        assert len(result.stdout.splitlines()) == 1


def test_damaged_settings_beside_a_good_schedule_fall_back_to_config() -> None:
    sched = save()
    assert sched.state is not None
    folder = Path(os.environ["BACKTIMER_DATA_DIR"])
    payload = json.loads((folder / STATE_FILE).read_text())
    payload["settings"]["hours"] = [-600, 5]
    (folder / STATE_FILE).write_text(json.dumps(payload))
    result = backtimer("status")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(("break in", "off hours"))


def test_a_state_file_that_is_a_fifo_does_not_hang() -> None:
    folder = Path(os.environ["BACKTIMER_DATA_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    os.mkfifo(folder / STATE_FILE)
    result = backtimer("status")
    assert result.returncode == 0
    assert result.stdout == "work mode off\n"
