"""The persisted break schedule, so quitting and restarting keeps the 2-hour clock.

The schedule (and the settings the app runs with, for `backtimer status`) lives in one
file, `breaks-state.json` in the data directory, written atomically (temp file in the
same folder + os.replace). Break events (due, started, snoozed, skipped, natural) go to
the history database, one row each, for stats.

Nothing here raises into the app: problems become one-line `.notice` text.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from backtimer import paths
from backtimer.breaks import saved
from backtimer.breaks.model import BreakSettings, BreakState, check_settings, check_state
from backtimer.files import write_atomic

if TYPE_CHECKING:  # the store is handed in: `backtimer status` reads the file without SQLite
    from backtimer.history.store import Store

STATE_FILE = "breaks-state.json"
# The running app saves the schedule at least this often (seconds), so a schedule not
# saved for a few heartbeats means work mode is not running (`backtimer status`).
HEARTBEAT = 30.0
MAX_STATE = 64 * 1024  # a saved schedule is about 1 KiB; anything much larger is damage

Offered = tuple[str, str]  # (id, name) of the routine the next break offers


def state_file() -> Path:
    return paths.data_dir() / STATE_FILE


def one_line(text: str, limit: int = 120) -> str:
    """Text from a damaged file, safe for one line of a terminal: control characters shown
    as \\xNN, cut at `limit`."""
    shown = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def _read_small(path: Path) -> str | None:
    """The file's text when it is a regular file of at most MAX_STATE bytes (a FIFO never
    hangs, a huge file is never read whole). None when it does not exist."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ValueError("not a regular file")
        raw = os.read(fd, MAX_STATE + 1)
    finally:
        os.close(fd)
    if len(raw) > MAX_STATE:
        raise ValueError(f"over {MAX_STATE // 1024} KiB")
    return raw.decode("utf-8")


def read_saved() -> tuple[BreakState | None, BreakSettings | None, Offered | None, str | None]:
    """The saved schedule, the settings and offered routine saved with it, and a one-line
    notice when the file is damaged or cannot be read (then a fresh schedule starts).
    Opens no database (`backtimer status` runs it)."""
    path = state_file()
    try:
        text = _read_small(path)
    except (OSError, ValueError) as exc:
        why = one_line(getattr(exc, "strerror", None) or str(exc))
        return None, None, None, f"breaks: ignoring {path} ({why}); starting afresh"
    if text is None:
        return None, None, None, None
    try:
        data = json.loads(text)
        if not isinstance(data, dict) or not isinstance(data.get("state"), dict):
            raise TypeError("not a saved schedule")
        state = saved.load(BreakState, data["state"])
        check_state(state)
    except (ValueError, TypeError, KeyError, RecursionError) as exc:
        why = one_line(str(exc) or type(exc).__name__)
        notice = f"breaks: ignoring a damaged saved schedule ({why}); starting afresh"
        return None, None, None, notice
    settings = None
    with contextlib.suppress(ValueError, TypeError, KeyError, RecursionError):
        candidate = saved.load(BreakSettings, data.get("settings"))
        check_settings(candidate)
        settings = candidate
    offered = None
    raw = data.get("offered")
    if isinstance(raw, dict):
        rid, name = raw.get("id"), raw.get("name")
        if isinstance(rid, str) and isinstance(name, str) and len(rid) + len(name) <= 1000:
            offered = (rid, name)
    return state, settings, offered, None


def read_schedule() -> tuple[BreakState | None, BreakSettings | None, str | None]:
    """The saved schedule, the settings saved with it, and a notice (see read_saved)."""
    state, settings, _offered, notice = read_saved()
    return state, settings, notice


class BreakStore:
    """Load/save the BreakState and record break events. Never raises; see .notice."""

    def __init__(self, history: Store | None = None, *, notice: str | None = None) -> None:
        """`history`: where break events are recorded (None: they are not)."""
        self.notice = notice
        self._file = state_file()
        self._history = history

    # -- the schedule --------------------------------------------------------------
    def load(self) -> BreakState | None:
        """The saved schedule (see load_with_settings)."""
        return self.load_with_settings()[0]

    def load_with_settings(self) -> tuple[BreakState | None, BreakSettings | None]:
        """The saved schedule and the settings the app ran with."""
        state, settings, notice = read_schedule()
        if notice is not None:
            self.notice = notice
        return state, settings

    def save(
        self,
        state: BreakState,
        settings: BreakSettings | None = None,
        offered: Offered | None = None,
    ) -> None:
        """offered: (id, name) of the routine the next break offers, for `status --json`."""
        payload: dict[str, object] = {"state": saved.dump(state)}
        if settings is not None:
            payload["settings"] = saved.dump(settings)
        if offered is not None:
            payload["offered"] = {"id": offered[0], "name": offered[1]}
        try:
            write_atomic(self._file, json.dumps(payload, sort_keys=True))
        except OSError as exc:
            self.notice = f"breaks: could not save the schedule to {self._file}: {exc.strerror}"

    def record(
        self,
        kind: str,
        at: datetime,
        *,
        reason: str | None = None,
        routine_id: str | None = None,
    ) -> None:
        """One break event in the history (nothing when there is no history store)."""
        if self._history is None:
            return
        try:
            self._history.record_break(kind, at, reason=reason or None, routine_id=routine_id)
        except Exception as exc:  # StoreError: locked, full, read-only
            self.notice = f"breaks: could not record the break in history: {exc}"

    def close(self) -> None:
        if self._history is not None:
            with contextlib.suppress(Exception):  # closing a broken database
                self._history.close()
            self._history = None
