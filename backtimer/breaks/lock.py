"""One work mode per data folder: an OS lock (flock) on `work.lock` in the data folder.

The lock is released by the kernel when the process ends, however it ends, so a crash
never leaves a stale lock. The file holds the pid and the start time of the holder, so
the second `backtimer work` can say who runs it and since when.
"""

from __future__ import annotations

import fcntl
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from backtimer import paths

LOCK_FILE = "work.lock"


def lock_file() -> Path:
    return paths.data_dir() / LOCK_FILE


@dataclass(frozen=True)
class Holder:
    pid: int | None
    since: datetime | None


class AlreadyRunning(Exception):
    def __init__(self, holder: Holder, path: Path) -> None:
        self.holder = holder
        self.path = path
        who = f"pid {holder.pid}" if holder.pid else "another process"
        since = ""
        if holder.since is not None:
            since = f" since {holder.since.astimezone():%a %H:%M}"
        super().__init__(f"work mode is already running ({who}{since}); lock: {path}")


class WorkLock:
    """acquire() takes the lock or raises AlreadyRunning (OSError when the data folder
    cannot be written). release() (or the end of the process) lets it go."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or lock_file()
        self._fd: int | None = None

    def acquire(self, now: datetime | None = None) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            os.close(fd)
            raise AlreadyRunning(holder, self.path) from None
        except OSError:
            os.close(fd)
            raise
        stamp = (now or datetime.now(UTC)).astimezone(UTC).isoformat()
        text = json.dumps({"pid": os.getpid(), "since": stamp}).encode()
        os.ftruncate(fd, 0)
        os.pwrite(fd, text, 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            try:
                os.ftruncate(fd, 0)
            finally:
                os.close(fd)  # closing the descriptor releases the flock

    def __enter__(self) -> WorkLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _read_holder(fd: int) -> Holder:
    """What the holder wrote (untrusted: any content gives a Holder, never an error)."""
    try:
        raw = os.pread(fd, 4096, 0)
        data = json.loads(raw.decode("utf-8"))
        pid = data.get("pid")
        pid = pid if isinstance(pid, int) and not isinstance(pid, bool) and pid > 0 else None
        since_raw = data.get("since")
        since = datetime.fromisoformat(since_raw) if isinstance(since_raw, str) else None
        if since is not None and since.tzinfo is None:
            since = None
        return Holder(pid, since)
    except (OSError, ValueError, AttributeError, RecursionError):
        return Holder(None, None)
