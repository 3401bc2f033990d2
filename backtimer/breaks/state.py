"""The persisted break schedule, so quitting and restarting keeps the 2-hour clock.

Where it lives:
- in the history store (history.sqlite3, table `state`, key "breaks.state"), which also
  gets one row per break event (due, started, snoozed, skipped, natural) for stats;
- and in `breaks-state.json` in the data directory, written atomically (temp file in the
  same folder + os.replace): the only copy when there is no usable history database, and
  what `backtimer status` reads without opening the database. Loading takes the newer.

Nothing here raises into the app: problems become one-line `.notice` text.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from datetime import datetime
from pathlib import Path
from typing import Any

from backtimer import paths
from backtimer.breaks.scheduler import (
    BreakSettings,
    BreakState,
    settings_from_dict,
    settings_to_dict,
)
from backtimer.files import write_atomic

STATE_KEY = "breaks.state"
STATE_FILE = "breaks-state.json"
MAX_STATE = 64 * 1024  # a saved schedule is about 1 KiB; anything much larger is damage


def one_line(text: str, limit: int = 120) -> str:
    """Text from a damaged file, safe for one line of a terminal: control characters shown
    as \\xNN, cut at `limit`."""
    shown = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def state_file() -> Path:
    return paths.data_dir() / STATE_FILE


class BreakStore:
    """Load/save the BreakState and record break events. Never raises; see .notice."""

    def __init__(self, *, use_history: bool = True, create: bool = True) -> None:
        self.notice: str | None = None
        self.offered: tuple[str, str] | None = None  # (id, name) saved by the running app
        self._store: Any = None
        self._json = state_file()
        if use_history:
            self._store = self._open_history(create)

    @property
    def backend(self) -> str:
        return "history" if self._store is not None else "file"

    def _open_history(self, create: bool) -> Any:
        try:
            from backtimer.history.store import Store, StoreError  # noqa: PLC0415 (optional)
        except ImportError:
            return None
        try:
            return Store(create=create)
        except StoreError as exc:
            if create or "no history yet" not in str(exc):
                self.notice = f"breaks: history unavailable, keeping the schedule in a file: {exc}"
            return None

    # -- the schedule --------------------------------------------------------------
    def load(self) -> BreakState | None:
        """The saved schedule (see load_with_settings)."""
        return self.load_with_settings()[0]

    def load_with_settings(self) -> tuple[BreakState | None, BreakSettings | None]:
        """The saved schedule and the settings the app ran with: the newer of the history
        copy and the file copy (the file is used when the database was locked)."""
        found = [
            s for s in (self._parse(self._read_history()), self._parse(self._read_file())) if s
        ]
        if not found:
            return None, None
        state, settings, offered = max(found, key=lambda saved: saved[0].last_seen)
        self.offered = offered
        return state, settings

    def _parse(
        self, text: str | None
    ) -> tuple[BreakState, BreakSettings | None, tuple[str, str] | None] | None:
        if text is None:
            return None
        try:
            if len(text) > MAX_STATE:
                raise ValueError(f"over {MAX_STATE // 1024} KiB")
            data = json.loads(text)
            if not isinstance(data, dict) or not isinstance(data.get("state"), dict):
                raise TypeError("not a saved schedule")
            state = BreakState.from_dict(data["state"])
        except (ValueError, TypeError, KeyError, RecursionError) as exc:
            why = one_line(str(exc) or type(exc).__name__)
            self.notice = f"breaks: ignoring a damaged saved schedule ({why}); starting afresh"
            return None
        settings = None
        if isinstance(data.get("settings"), dict):
            try:
                settings = settings_from_dict(data["settings"])
            except (ValueError, TypeError, KeyError, IndexError, RecursionError):
                settings = None
        offered = None
        raw = data.get("offered")
        if isinstance(raw, dict):
            rid, name = raw.get("id"), raw.get("name")
            if isinstance(rid, str) and isinstance(name, str) and len(rid + name) <= 1000:
                offered = (rid, name)
        return state, settings, offered

    def save(
        self,
        state: BreakState,
        settings: BreakSettings | None = None,
        offered: tuple[str, str] | None = None,
    ) -> None:
        """offered: (id, name) of the routine the next break offers, for `status --json`."""
        payload: dict[str, object] = {"state": state.to_dict()}
        if settings is not None:
            payload["settings"] = settings_to_dict(settings)
        if offered is not None:
            payload["offered"] = {"id": offered[0], "name": offered[1]}
        text = json.dumps(payload, sort_keys=True)
        if self._store is not None:
            try:
                self._store.set_state(STATE_KEY, text)
            except Exception as exc:  # StoreError: locked, full, read-only
                self.notice = f"breaks: could not save to history ({exc}); using {self._json}"
                self._close_history()
        # The file copy always: `backtimer status` reads it without opening the database.
        try:
            write_atomic(self._json, text)
        except OSError as exc:
            if self._store is None:
                self.notice = f"breaks: could not save the schedule to {self._json}: {exc.strerror}"

    def record(
        self,
        kind: str,
        at: datetime,
        *,
        reason: str | None = None,
        routine_id: str | None = None,
    ) -> None:
        """One break event in the history (nothing when there is no history store)."""
        if self._store is None:
            return
        try:
            self._store.record_break(kind, at, reason=reason or None, routine_id=routine_id)
        except Exception as exc:
            self.notice = f"breaks: could not record the break in history: {exc}"

    def close(self) -> None:
        self._close_history()

    # -- internals --------------------------------------------------------------------
    def _read_history(self) -> str | None:
        if self._store is None:
            return None
        try:
            value: str | None = self._store.get_state(STATE_KEY)
        except Exception as exc:
            self.notice = f"breaks: could not read the schedule from history: {one_line(str(exc))}"
            return None
        return value

    def _read_file(self) -> str | None:
        """The file copy, read only when it is a regular file, at most MAX_STATE + 1 bytes
        (so a FIFO or a huge file never hangs or fills memory)."""
        try:
            fd = os.open(self._json, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        except FileNotFoundError:
            return None
        except OSError as exc:
            self.notice = f"breaks: cannot read {self._json}: {exc.strerror or exc}"
            return None
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                self.notice = f"breaks: {self._json} is not a regular file; starting afresh"
                return None
            raw = os.read(fd, MAX_STATE + 1)
            return raw.decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.notice = f"breaks: cannot read {self._json}: {one_line(str(exc))}"
            return None
        finally:
            os.close(fd)

    def _close_history(self) -> None:
        if self._store is not None:
            with contextlib.suppress(Exception):
                self._store.close()
            self._store = None
