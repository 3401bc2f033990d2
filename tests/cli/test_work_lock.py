"""One work mode per data folder, with real processes: the second `backtimer work` says who
runs it and exits 1; `status` is unaffected; a killed holder leaves no stale lock."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from backtimer.breaks.lock import AlreadyRunning, WorkLock

HOLD = (
    "import sys\n"
    "from backtimer.breaks.lock import WorkLock\n"
    "WorkLock().acquire()\n"
    "print('locked', flush=True)\n"
    "sys.stdin.read()\n"
)


def backtimer(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "backtimer", *argv],
        capture_output=True,
        text=True,
        timeout=60,
        env=os.environ.copy(),
        stdin=subprocess.DEVNULL,
        check=False,
    )


@pytest.fixture
def holder(isolated_dirs: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "locked"
    yield proc
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=10)


def test_a_second_work_mode_says_who_runs_it_and_exits_1(
    holder: subprocess.Popen[str], isolated_dirs: Path
) -> None:
    second = backtimer("work", "--no-sound")
    assert second.returncode == 1
    assert second.stdout == ""
    line = second.stderr.strip()
    assert line.startswith(f"backtimer: work mode is already running (pid {holder.pid} since ")
    assert str(isolated_dirs / "data" / "work.lock") in line
    assert "Traceback" not in second.stderr
    status = backtimer("status")
    assert (status.returncode, status.stdout) == (0, "work mode off\n")


def test_the_lock_goes_with_the_process(holder: subprocess.Popen[str]) -> None:
    with pytest.raises(AlreadyRunning):
        WorkLock().acquire()
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=10)
    lock = WorkLock()
    lock.acquire()  # no stale lock after a crash
    try:
        data = json.loads(lock.path.read_text())
        assert data["pid"] == os.getpid()
    finally:
        lock.release()


def test_a_damaged_lock_file_still_gives_a_clear_message(
    holder: subprocess.Popen[str],
) -> None:
    lock = WorkLock()
    lock.path.write_bytes(b"\x1b]52;c;AAAA\x07" + b"[" * 100_000)
    with pytest.raises(AlreadyRunning) as caught:
        lock.acquire()
    assert str(caught.value).startswith("work mode is already running (another process)")
