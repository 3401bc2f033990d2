"""The pending journal: sessions the history database could not take when they happened
(locked by another process for too long, read-only, damaged, written by a newer backtimer).

- one file per session, `history-pending/<uid>.json` next to `history.sqlite3`, written
  atomically (temporary file, fsync, rename, fsync of the folder): a crash leaves the old
  record or the new one, never half of one;
- bounded: a record is at most MAX_RECORD_BYTES, the folder holds at most MAX_PENDING;
- `replay()` at start-up adds every record to the database (Store.save_session, which
  finds a row it wrote before, so none is ever added twice) and deletes its file; it
  returns the one notice the front ends show, "history: 1 session saved while the history
  was busy was added now".

The folder is in the data folder, so its files are untrusted too: anything that is not a
regular file of at most MAX_RECORD_BYTES holding a valid record is set aside as
`<name>.bad` with a notice naming the file and what is wrong; it never stops a start.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from backtimer import paths
from backtimer.history.record import FinalRecord, RecordError, SessionRecord
from backtimer.history.store import StoreError, now_utc, open_writable, pid_alive

MAX_RECORD_BYTES = 1024 * 1024
MAX_PENDING = 1000


class JournalError(Exception):
    """A record could not be kept in the journal (too big, journal full)."""


def pending_dir(db_path: Path | None = None) -> Path:
    db = Path(db_path) if db_path is not None else paths.history_db()
    return db.with_name(f"{db.stem}-pending")


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _records(folder: Path) -> list[Path]:
    """The journal's record files (at most MAX_PENDING + 1 looked at), oldest name first."""
    found: list[Path] = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.endswith(".json") and not entry.name.startswith("."):
                    found.append(Path(entry.path))
                    if len(found) > MAX_PENDING:
                        break
    except (FileNotFoundError, NotADirectoryError):
        return []
    return sorted(found)


def write(record: SessionRecord, db_path: Path | None = None) -> Path:
    """Keep `record` in the journal, replacing its earlier copy; the file's path.
    Raises JournalError (too big, journal full) or OSError (folder not writable)."""
    folder = pending_dir(db_path)
    text = json.dumps(record.to_json(), ensure_ascii=True, allow_nan=False)
    if len(text) > MAX_RECORD_BYTES:
        raise JournalError(
            f"the session is too large to keep aside ({len(text)} bytes; at most "
            f"{MAX_RECORD_BYTES})"
        )
    target = folder / f"{record.uid}.json"
    folder.mkdir(parents=True, exist_ok=True)
    if not target.exists() and len(_records(folder)) >= MAX_PENDING:
        raise JournalError(
            f"{MAX_PENDING} sessions already wait in {folder}; the history has not been "
            "writable for a long time"
        )
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(folder)
    return target


def remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    with contextlib.suppress(OSError):
        _fsync_dir(path.parent)


def read(path: Path) -> SessionRecord:
    """One record; RecordError naming what is wrong (size, JSON, a field)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        raise RecordError(exc.strerror or str(exc)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise RecordError("not a regular file")
        if info.st_size > MAX_RECORD_BYTES:
            raise RecordError(f"{info.st_size} bytes; a record is at most {MAX_RECORD_BYTES}")
        data = os.read(fd, MAX_RECORD_BYTES + 1)
    finally:
        os.close(fd)
    try:
        parsed = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise RecordError(f"not a JSON record ({type(exc).__name__})") from None
    return SessionRecord.from_json(parsed)


def _set_aside(path: Path) -> Path:
    target = path.with_name(path.name + ".bad")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.bad{n}")
    os.rename(path, target)
    return target


def _finish(record: SessionRecord) -> None:
    """A record whose process died before the session ended: interrupted at its last
    result (or its start)."""
    if record.final is None:
        results = record.results.values()
        record.final = FinalRecord(
            status="interrupted",
            ended_at=max((r.ended_at for r in results), default=record.started_at),
            worked_seconds=sum(r.worked_seconds for r in results),
            duration_seconds=max((r.session_seconds for r in results), default=0.0),
            paused_seconds=0.0,
        )


def _sessions(n: int) -> str:
    return f"{n} session{'s' if n != 1 else ''}"


def replay(
    db_path: Path | None = None,
    *,
    clock: Callable[[], datetime] = now_utc,
    alive: Callable[[object], bool] = pid_alive,
    busy_timeout: float = 3.0,
) -> list[str]:
    """At start-up: make the history usable and add the sessions waiting in the journal.
    Returns the notices to show (none when there was nothing to do):
    - "history: 1 session saved while the history was busy was added now";
    - a damaged database (not SQLite, malformed, a schema no backtimer writes) is moved
      aside to "history.sqlite3.damaged-<time>" (with its -wal / -shm) and a new one is
      started, and a notice says so; a database that is only busy or read-only, or was
      written by a newer backtimer, is left alone and the sessions keep waiting;
    - a journal file that is not a valid record is set aside as <name>.bad, with a notice.
    Never raises."""
    db = Path(db_path) if db_path is not None else paths.history_db()
    notices: list[str] = []
    try:
        files = _records(pending_dir(db))
        if not files:
            return notices
        try:
            store, moved_db = open_writable(db, busy_timeout=busy_timeout, clock=clock)
        except StoreError as exc:
            notices.append(_waiting(len(files), db, exc))
            return notices
        if moved_db:
            notices.append(moved_db)
        added = 0
        with store:
            for path in files:
                try:
                    record = read(path)
                except RecordError as exc:
                    moved = _set_aside(path)
                    notices.append(
                        f"history: {path} is not a session backtimer kept aside ({exc}); "
                        f"it was moved to {moved.name}"
                    )
                    continue
                if record.final is None and alive(record.pid):
                    continue  # still being recorded by a running backtimer
                _finish(record)
                try:
                    store.save_session(record, imported=True)
                except StoreError as exc:
                    notices.append(_waiting(len(files) - files.index(path), db, exc))
                    break
                remove(path)
                added += 1
        if added:
            verb = "was" if added == 1 else "were"
            notices.insert(
                0, f"history: {_sessions(added)} saved while the history was busy {verb} added now"
            )
    except Exception as exc:  # a start-up must never fail because of the journal
        notices.append(f"history: could not add the sessions kept aside: {exc}")
    return notices


def _waiting(count: int, db: Path, why: StoreError) -> str:
    verb = "waits" if count == 1 else "wait"
    return (
        f"history: {_sessions(count)} saved while the history was busy {verb} in "
        f"{pending_dir(db)} ({why})"
    )
