"""Pause and resume from another terminal: `backtimer pause 30m` leaves a request in the
data folder (`breaks-request.json`, written atomically) and the running work mode takes
it at its next look at the clock (one stat() a second), applies it and saves the schedule.

The file is untrusted like any saved state: anything that is not a small regular file
holding a well-formed request is removed with a one-line notice.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from backtimer import paths
from backtimer.files import write_atomic

REQUEST_FILE = "breaks-request.json"
MAX_REQUEST = 4096


def request_file() -> Path:
    return paths.data_dir() / REQUEST_FILE


@dataclass(frozen=True)
class Request:
    """pause: until (aware, UTC) and whether it is a wall-clock time; resume: until None."""

    action: str  # "pause" | "resume"
    until: datetime | None = None
    wall: bool = False


def write_request(request: Request, path: Path | None = None) -> Path:
    path = path or request_file()
    data: dict[str, object] = {"action": request.action, "wall": request.wall}
    if request.until is not None:
        data["until"] = request.until.astimezone(UTC).isoformat()
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps(data))
    return path


class RequestBox:
    """take() returns the waiting request (and removes it), or None. Never raises;
    a damaged request is removed and said in `notice`."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or request_file()
        self.notice: str | None = None

    def waiting(self) -> bool:
        try:
            os.stat(self.path)
        except OSError:
            return False
        return True

    def take(self) -> Request | None:
        if not self.waiting():
            return None
        # Renamed first, so a request written meanwhile is the next one, never lost.
        taken = self.path.with_name(f".{self.path.name}.{os.getpid()}.taken")
        try:
            os.rename(self.path, taken)
        except OSError:
            return None
        try:
            return self._read(taken)
        except (OSError, ValueError, TypeError, KeyError, RecursionError) as exc:
            text = "".join(c if c.isprintable() else "?" for c in str(exc))[:100]
            self.notice = f"breaks: ignoring a damaged pause request ({text})"
            return None
        finally:
            with contextlib.suppress(OSError):
                os.unlink(taken)

    def _read(self, path: Path) -> Request:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise ValueError("not a regular file")
            raw = os.read(fd, MAX_REQUEST + 1)
        finally:
            os.close(fd)
        if len(raw) > MAX_REQUEST:
            raise ValueError("too large")
        data = json.loads(raw.decode("utf-8"))
        if not isinstance(data, dict):
            raise TypeError("not an object")
        action = data["action"]
        if action == "resume":
            return Request("resume")
        if action != "pause":
            raise ValueError(f"unknown action {str(action)[:20]!r}")
        until_raw = data["until"]
        wall = data.get("wall", False)
        if not isinstance(until_raw, str) or len(until_raw) > 40 or not isinstance(wall, bool):
            raise TypeError("until: expected a time")
        until = datetime.fromisoformat(until_raw)
        if until.tzinfo is None or not 1971 <= until.year <= 9000:
            raise ValueError("until: out of range")
        return Request("pause", until.astimezone(UTC), wall)
