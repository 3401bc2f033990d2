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
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from backtimer import paths
from backtimer.breaks import saved
from backtimer.breaks.scheduler import BreakSettings, BreakState
from backtimer.files import write_atomic

if TYPE_CHECKING:  # the store is handed in: `backtimer status` reads the file without SQLite
    from backtimer.history.store import Store

STATE_FILE = "breaks-state.json"
# The running app saves the schedule at least this often (seconds), so a schedule not
# saved for a few heartbeats means work mode is not running (`backtimer status`).
HEARTBEAT = 30.0


def state_file() -> Path:
    return paths.data_dir() / STATE_FILE


def read_schedule() -> tuple[BreakState | None, BreakSettings | None, str | None]:
    """The saved schedule, the settings saved with it, and a notice when the file is
    damaged or cannot be read. Opens no database (`backtimer status` runs it)."""
    path = state_file()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, None, None
    except (OSError, UnicodeDecodeError) as exc:
        return None, None, f"breaks: cannot read {path}: {exc}"
    try:
        data = json.loads(text)
        if not isinstance(data, dict) or not isinstance(data.get("state"), dict):
            raise TypeError("not a saved schedule")
        state = saved.load(BreakState, data["state"])
    except (ValueError, TypeError, KeyError) as exc:
        return None, None, f"breaks: ignoring a damaged saved schedule ({exc}); starting afresh"
    settings = None
    with contextlib.suppress(ValueError, TypeError, KeyError):
        settings = saved.load(BreakSettings, data.get("settings"))
    return state, settings, None


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

    def save(self, state: BreakState, settings: BreakSettings | None = None) -> None:
        payload: dict[str, object] = {"state": saved.dump(state)}
        if settings is not None:
            payload["settings"] = saved.dump(settings)
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
