"""An unexpected error in a command: one line naming a log file, exit 70, the traceback in
the log; old logs do not pile up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from backtimer.cli import main as cli_main
from backtimer.usecases import crash


def test_a_command_that_fails_unexpectedly_names_its_log_and_exits_70(
    isolated_dirs: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from backtimer.cli import inspect

    def broken(_args: object) -> int:
        raise ValueError("\x1b]52;c;aGk=\x07 from a file")

    monkeypatch.setattr(inspect, "cmd_list", broken)
    assert cli_main.main(["list"]) == 70
    _out, err = capsys.readouterr()
    logs = sorted((isolated_dirs / "data" / "logs").glob("crash-*.log"))
    assert len(logs) == 1
    assert err == f"backtimer: unexpected error (ValueError); the details are in {logs[0]}\n"
    assert "\x1b" not in err  # the error's own text stays in the log
    text = logs[0].read_text()
    assert "Traceback (most recent call last)" in text and "ValueError" in text
    assert "\\x1b]52;c;aGk=\\x07 from a file" in text  # shown, not raw, in the log too
    assert "\x1b" not in text and "\x07" not in text
    assert oct(logs[0].stat().st_mode & 0o777) == oct(0o600)


def test_only_the_newest_logs_are_kept(isolated_dirs: Path) -> None:
    start = datetime(2026, 1, 1, 12, 0, 0)
    for i in range(crash.KEEP + 5):
        crash.write_crash_log(RuntimeError(f"fault {i}"), now=start + timedelta(seconds=i))
    logs = sorted((isolated_dirs / "data" / "logs").glob("crash-*.log"))
    assert len(logs) == crash.KEEP
    assert "fault 5" in logs[0].read_text()  # the five oldest were removed
    assert f"fault {crash.KEEP + 4}" in logs[-1].read_text()


def test_no_log_can_be_written_still_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("BACKTIMER_DATA_DIR", str(blocked))
    assert crash.write_crash_log(ValueError("x")) is None
    line = crash.crash_line(ValueError("x"), None)
    assert line.startswith("backtimer: unexpected error (ValueError); no log could be written")


def test_a_real_process_exits_70_without_a_traceback(isolated_dirs: Path) -> None:
    script = (
        "import sys\n"
        "from backtimer.cli import inspect\n"
        "def broken(args): raise OverflowError('deep inside')\n"
        "inspect.cmd_list = broken\n"
        "from backtimer.cli.main import main\n"
        "sys.exit(main(['list']))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], check=False, capture_output=True, text=True, timeout=60,
        env={**os.environ},
    )  # fmt: skip
    assert done.returncode == 70
    assert "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1
    assert "unexpected error (OverflowError)" in done.stderr


def test_plain_mode_that_fails_unexpectedly_keeps_the_session_interrupted(
    isolated_dirs: Path,
) -> None:
    script = (
        "import sys\n"
        "from backtimer.usecases.session import Session\n"
        "def broken(self, now, boot=None): raise RuntimeError('deep inside')\n"
        "Session.advance = broken\n"
        "from backtimer.cli.main import main\n"
        "sys.exit(main(['run', 'neck', '--plain', '--no-sound']))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        input="",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 70
    logs = sorted((isolated_dirs / "data" / "logs").glob("crash-*.log"))
    assert (
        done.stderr == f"backtimer: unexpected error (RuntimeError); the details are in {logs[0]}\n"
    )
    history = subprocess.run(
        [sys.executable, "-m", "backtimer", "history", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert [s["status"] for s in json.loads(history.stdout)["sessions"]] == ["interrupted"]
