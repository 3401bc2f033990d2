"""The history store: one SQLite file (paths.history_db()) with sessions, per-exercise
results and desk-break events.

Crash-safety rules (docs/history.md):
- WAL journal, synchronous=FULL: a committed transaction survives SIGKILL and power loss;
- a session row is inserted (status "running") when the session starts, each exercise's
  result is committed in its own transaction when that exercise ends, the row is
  finalised at the end; a "running" row whose process is gone is shown and stored as
  "interrupted" the next time the store is opened;
- a database written by a newer backtimer (PRAGMA user_version above ours) is never
  written to: opening it raises StoreError.

The file is untrusted input (docs/security.md): a file that is not SQLite, a negative
schema version, missing tables or columns raise StoreError with `damaged` set (the caller
may move the file aside, never overwrite it); values of the wrong type in a row are read
as 0 / text and noted in `Store.problems`, never a crash. A file that cannot be written
(read-only file or folder, read-only file system) is opened read-only for reading.

Times are stored as UTC text, "2026-11-22T08:30:00.000Z" (fixed width, so it sorts).
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from backtimer import paths

SCHEMA_VERSION = 2
BREAK_KINDS = ("due", "started", "snoozed", "skipped", "natural")
FINAL_STATUSES = ("completed", "stopped", "pain", "interrupted")

_SCHEMA_V1 = (
    """CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        routine_id TEXT NOT NULL,
        routine_name TEXT NOT NULL,
        source_hash TEXT NOT NULL DEFAULT '',
        started_at TEXT NOT NULL,
        local_day TEXT NOT NULL,
        ended_at TEXT,
        status TEXT NOT NULL DEFAULT 'running' CHECK (status IN
            ('running', 'completed', 'stopped', 'pain', 'interrupted')),
        planned_seconds REAL NOT NULL DEFAULT 0,
        worked_seconds REAL NOT NULL DEFAULT 0,
        duration_seconds REAL NOT NULL DEFAULT 0,
        paused_seconds REAL NOT NULL DEFAULT 0,
        exercises_planned INTEGER NOT NULL DEFAULT 0,
        pid INTEGER
    )""",
    "CREATE INDEX sessions_started ON sessions (started_at)",
    "CREATE INDEX sessions_routine ON sessions (routine_id, started_at)",
    "CREATE INDEX sessions_days ON sessions (status, local_day)",
    """CREATE TABLE exercise_results (
        session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        name TEXT NOT NULL,
        kind TEXT NOT NULL DEFAULT '',
        planned_reps INTEGER NOT NULL,
        planned_sets INTEGER NOT NULL,
        planned_sides INTEGER NOT NULL,
        planned_seconds REAL NOT NULL,
        done_reps INTEGER NOT NULL,
        done_sets INTEGER NOT NULL,
        done_sides INTEGER NOT NULL,
        worked_seconds REAL NOT NULL,
        held_seconds TEXT NOT NULL DEFAULT '[]',
        best_hold REAL,
        skipped INTEGER NOT NULL DEFAULT 0,
        ended_at TEXT NOT NULL,
        PRIMARY KEY (session_id, idx)
    ) WITHOUT ROWID""",
    "CREATE INDEX results_holds ON exercise_results (name, session_id) WHERE best_hold IS NOT NULL",
    """CREATE TABLE hold_bests (
        routine_id TEXT NOT NULL,
        exercise TEXT NOT NULL,
        routine_name TEXT NOT NULL,
        best REAL NOT NULL,
        session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        local_day TEXT NOT NULL,
        PRIMARY KEY (routine_id, exercise)
    ) WITHOUT ROWID""",
    """CREATE TABLE breaks (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('due', 'started', 'snoozed', 'skipped', 'natural')),
        at TEXT NOT NULL,
        reason TEXT,
        routine_id TEXT
    )""",
    "CREATE INDEX breaks_at ON breaks (at)",
    """CREATE TABLE state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
)

# Version 2: the break schedule is kept in its own file (backtimer/breaks/state.py).
_V2_NO_STATE_TABLE = ("DROP TABLE state",)

# MIGRATIONS[n] takes the schema from user_version n to n + 1.
MIGRATIONS: tuple[tuple[str, ...], ...] = (_SCHEMA_V1, _V2_NO_STATE_TABLE)


MAX_LIMIT = 2**62  # more sessions than any file holds: "-n" beyond it means all of them
MAX_PROBLEMS = 20  # wrong values noted per Store (the rest are counted)


class StoreError(Exception):
    """The history database could not be opened, read or written. str() is one line:
    what went wrong and the file, e.g. "database is locked (/home/a/.../history.sqlite3)".

    `damaged`: the file is certainly not a usable backtimer history (not SQLite, malformed,
    a schema no backtimer writes): waiting will not help, it has to be moved aside.
    `busy`: another process holds the database; trying again later may work."""

    def __init__(self, reason: str, path: Path, *, damaged: bool = False, busy: bool = False):
        super().__init__(f"{reason} ({path})")
        self.reason = reason
        self.path = path
        self.damaged = damaged
        self.busy = busy


def utc_text(moment: datetime) -> str:
    """A datetime as the store's fixed-width UTC text."""
    if moment.tzinfo is None:
        moment = moment.astimezone()  # naive: local time
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_utc(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def local_day(moment: datetime) -> str:
    """The local calendar day of `moment` (naive = local), "2026-11-22": the day the person
    lived it, stored with each session so streaks do not depend on later time-zone moves."""
    return (moment if moment.tzinfo is None else moment.astimezone()).date().isoformat()


def now_utc() -> datetime:
    return datetime.now(UTC)


def local_day_bounds(day: date) -> tuple[str, str]:
    """UTC text of the start of local `day` and of the next local day."""
    start = datetime.combine(day, time()).astimezone()
    end = datetime.combine(day + timedelta(days=1), time()).astimezone()
    return utc_text(start), utc_text(end)


@dataclass(frozen=True)
class BreakEvent:
    kind: str
    at: datetime
    reason: str | None
    routine_id: str | None


def pid_alive(pid: object) -> bool:
    """Whether process `pid` (a value read from the file: any type) exists."""
    if not isinstance(pid, int) or isinstance(pid, bool) or not 0 < pid < 2**31:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except (OSError, OverflowError):
        return False
    return True


def writable(path: Path) -> bool:
    """Whether this process may write `path` and create its -wal / -shm files beside it."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)


_READ_ONLY_ERRORS = ("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH")
_REQUIRED: dict[str, frozenset[str]] = {}


def _required_columns() -> dict[str, frozenset[str]]:
    """Table -> columns of the current schema (read once from an in-memory copy)."""
    if not _REQUIRED:
        mem = sqlite3.connect(":memory:")
        try:
            for step in MIGRATIONS:
                for statement in step:
                    mem.execute(statement)
            for (table,) in mem.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            ).fetchall():
                cols = mem.execute(f'PRAGMA table_info("{table}")').fetchall()
                _REQUIRED[table] = frozenset(c[1] for c in cols)
        finally:
            mem.close()
    return _REQUIRED


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def as_text(value: object) -> str:
    """A stored value as text, whatever its type (a BLOB is decoded, invalid UTF-8 replaced)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return "" if value is None else str(value)


class Store:
    """An open history database. Every public method raises StoreError (never a bare
    sqlite3 error) when the database cannot be used.

    `read_only`: True opens it read-only (no migration, nothing written); None (default)
    does so when `create` is False and the file cannot be written (`can_write`, injectable
    for tests), or when opening it for writing fails for lack of permission."""

    def __init__(
        self,
        path: Path | None = None,
        *,
        busy_timeout: float = 3.0,
        create: bool = True,
        read_only: bool | None = None,
        can_write: Callable[[Path], bool] = writable,
    ) -> None:
        self.path = Path(path) if path is not None else paths.history_db()
        self.busy_timeout = busy_timeout
        self.read_only = False
        self.problems: list[str] = []
        self._problem_count = 0
        self._conn: sqlite3.Connection | None = None
        try:
            self._open(create, read_only, can_write)
        except BaseException:
            self.close()
            raise

    def _open(
        self, create: bool, read_only: bool | None, can_write: Callable[[Path], bool]
    ) -> None:
        with self._errors():
            if not self.path.exists():
                if not create:
                    raise StoreError("no history yet", self.path)
                self.path.parent.mkdir(parents=True, exist_ok=True)
            elif not self.path.is_file():
                raise StoreError("the history path is not a regular file", self.path)
            if read_only is None and not create and not can_write(self.path):
                read_only = True
        if read_only:
            self._connect(read_only=True)
            return
        try:
            self._connect(read_only=False)
        except StoreError as exc:
            cause = exc.__cause__
            name = getattr(cause, "sqlite_errorname", "") or ""
            if read_only is False or create or not name.startswith(_READ_ONLY_ERRORS):
                raise
            self.close()
            self._connect(read_only=True)

    def _connect(self, *, read_only: bool) -> None:
        busy_timeout = self.busy_timeout
        self.read_only = read_only
        with self._errors():
            if read_only:
                conn = self._connect_read_only()
            else:
                conn = sqlite3.connect(
                    self.path, timeout=busy_timeout, isolation_level=None, check_same_thread=False
                )
                self._conn = conn
            conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if not isinstance(version, int) or version < 0:
                raise StoreError(
                    f"the history database has schema version {version}, which no backtimer writes",
                    self.path,
                    damaged=True,
                )
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"the history database was written by a newer backtimer "
                    f"(schema {version}; this version knows {SCHEMA_VERSION})",
                    self.path,
                )
            tables = {
                str(name)
                for (name,) in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite%'"
                )
            }
            if version == 0 and tables:
                listed = ", ".join(sorted(as_text(t) for t in tables)[:5])
                raise StoreError(
                    f"the file is an SQLite database but not a backtimer history "
                    f"(schema version 0 with tables: {listed})",
                    self.path,
                    damaged=True,
                )
            if read_only:
                if version == 0:
                    raise StoreError("no history yet", self.path)
                if version < SCHEMA_VERSION:
                    raise StoreError(
                        f"the history database has the older schema {version} and cannot be "
                        "upgraded while it is read-only",
                        self.path,
                    )
                self._check_schema(tables)
                return
            if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            if version < SCHEMA_VERSION:
                if version > 0:
                    self._check_schema(tables, version)
                self._migrate()
                tables = set(_required_columns())
            self._check_schema(tables)
            self._close_orphans()

    def _connect_read_only(self) -> sqlite3.Connection:
        """mode=ro; when even that needs a file the folder does not allow (the -shm of a WAL
        database in a read-only folder), immutable=1: a snapshot of the file as it is."""
        url = "file:" + urllib.parse.quote(str(self.path.absolute()))
        conn = sqlite3.connect(
            url + "?mode=ro",
            uri=True,
            timeout=self.busy_timeout,
            isolation_level=None,
            check_same_thread=False,
        )
        self._conn = conn
        try:
            conn.execute("PRAGMA user_version").fetchone()
        except sqlite3.OperationalError as exc:
            if not (exc.sqlite_errorname or "").startswith(_READ_ONLY_ERRORS):
                raise
            conn.close()
            conn = sqlite3.connect(
                url + "?immutable=1",
                uri=True,
                timeout=self.busy_timeout,
                isolation_level=None,
                check_same_thread=False,
            )
            self._conn = conn
            wal = self.path.with_name(self.path.name + "-wal")
            if wal.exists() and wal.stat().st_size > 0:
                self.note(
                    f"the history is read from {self.path} alone: the sessions still in "
                    f"{wal.name} cannot be read in a read-only folder"
                )
        return conn

    def _check_schema(self, tables: set[str], version: int = SCHEMA_VERSION) -> None:
        """Every table and column this version of backtimer reads is there."""
        if version != SCHEMA_VERSION:
            return  # older schemas are checked by their migration
        for table, columns in sorted(_required_columns().items()):
            if table not in tables:
                raise StoreError(
                    f"the history database has no table {table!r}", self.path, damaged=True
                )
            found = {as_text(c[1]) for c in self.conn.execute(f'PRAGMA table_info("{table}")')}
            missing = sorted(columns - found)
            if missing:
                raise StoreError(
                    f"the history database's table {table!r} has no column {missing[0]!r}",
                    self.path,
                    damaged=True,
                )

    def note(self, problem: str) -> None:
        """Remember one thing found wrong in the file (shown by the front ends)."""
        self._problem_count += 1
        if len(self.problems) < MAX_PROBLEMS and problem not in self.problems:
            self.problems.append(problem)

    @property
    def problem_count(self) -> int:
        return self._problem_count

    # ----------------------------------------------------------------- plumbing
    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreError("the history database is closed", self.path)
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            name = getattr(exc, "sqlite_errorname", "") or ""
            if name.startswith("SQLITE_NOTADB"):
                raise StoreError(
                    "the file is not an SQLite database", self.path, damaged=True
                ) from exc
            if name.startswith("SQLITE_CORRUPT"):
                raise StoreError(
                    f"the history database is damaged ({exc})", self.path, damaged=True
                ) from exc
            busy = name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED"))
            raise StoreError(str(exc), self.path, busy=busy) from exc
        except OSError as exc:
            raise StoreError(exc.strerror or str(exc), self.path) from exc
        except (OverflowError, MemoryError, RecursionError) as exc:
            raise StoreError(f"{type(exc).__name__}: {exc}", self.path) from exc

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT (ROLLBACK on error); errors become StoreError."""
        with self._errors():
            conn = self.conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    with suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                raise

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._errors():
            return list(self.conn.execute(sql, params))

    def _migrate(self) -> None:
        with self.transaction() as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            for step in range(version, SCHEMA_VERSION):
                for statement in MIGRATIONS[step]:
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _close_orphans(self) -> None:
        """Mark sessions left "running" by a process that is gone as interrupted."""
        rows = self.query("SELECT id, pid FROM sessions WHERE status = 'running' LIMIT 10000")
        dead = [sid for sid, pid in rows if not pid_alive(pid)]
        if not dead:
            return
        try:
            with self.transaction() as conn:
                for sid in dead:
                    self._interrupt(conn, sid, None)
        except StoreError:
            pass  # best effort (e.g. a read-only copy): the rows stay "running" for now

    @staticmethod
    def _interrupt(conn: sqlite3.Connection, session_id: int, ended_at: str | None) -> None:
        conn.execute(
            """UPDATE sessions SET status = 'interrupted',
                ended_at = COALESCE(?,
                    (SELECT max(ended_at) FROM exercise_results WHERE session_id = ?),
                    started_at)
               WHERE id = ? AND status = 'running'""",
            (ended_at, session_id, session_id),
        )

    def interrupt_session(self, session_id: int, ended_at: datetime | None = None) -> None:
        """A session closed without finishing or stopping (the app quit mid-routine): mark it
        interrupted now rather than at the next start. ended_at None: its last result's end."""
        with self.transaction() as conn:
            self._interrupt(conn, session_id, utc_text(ended_at) if ended_at else None)

    # ----------------------------------------------------------------- sessions
    def start_session(
        self,
        *,
        routine_id: str,
        name: str,
        source_hash: str,
        started_at: datetime,
        planned_seconds: float,
        exercises_planned: int,
    ) -> int:
        with self.transaction() as conn:
            cur = conn.execute(
                """INSERT INTO sessions (routine_id, routine_name, source_hash, started_at,
                    local_day, planned_seconds, exercises_planned, pid)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    routine_id,
                    name,
                    source_hash,
                    utc_text(started_at),
                    local_day(started_at),
                    planned_seconds,
                    exercises_planned,
                    os.getpid(),
                ),
            )
            return int(cur.lastrowid or 0)

    def add_result(
        self,
        session_id: int,
        result: Any,
        *,
        kind: str,
        ended_at: datetime,
        session_seconds: float,
    ) -> None:
        """Commit one exercise's result (an events.ExerciseResult) and move the session's
        worked and duration totals on, in one transaction."""
        held = [round(float(h), 3) for h in result.held_seconds]
        with self.transaction() as conn:
            old = conn.execute(
                "SELECT worked_seconds FROM exercise_results WHERE session_id = ? AND idx = ?",
                (session_id, result.index),
            ).fetchone()
            conn.execute(
                """INSERT OR REPLACE INTO exercise_results (session_id, idx, name, kind,
                    planned_reps, planned_sets, planned_sides, planned_seconds, done_reps,
                    done_sets, done_sides, worked_seconds, held_seconds, best_hold, skipped,
                    ended_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    session_id,
                    result.index,
                    result.name,
                    kind,
                    result.planned_reps,
                    result.planned_sets,
                    result.planned_sides,
                    result.planned_seconds,
                    result.done_reps,
                    result.done_sets,
                    result.done_sides,
                    result.worked_seconds,
                    json.dumps(held),
                    max(held) if held else None,
                    int(bool(result.skipped)),
                    utc_text(ended_at),
                ),
            )
            if held:
                self._raise_best(conn, session_id, result.name, max(held))
            conn.execute(
                """UPDATE sessions SET worked_seconds = worked_seconds + ?,
                    duration_seconds = max(duration_seconds, ?) WHERE id = ?""",
                (
                    result.worked_seconds - (old[0] if old else 0.0),
                    session_seconds,
                    session_id,
                ),
            )

    @staticmethod
    def _raise_best(conn: sqlite3.Connection, session_id: int, exercise: str, best: float) -> None:
        """Keep hold_bests (the longest open-ended hold per routine and exercise) up to date,
        in the same transaction as the result, so it never disagrees with the results."""
        conn.execute(
            """INSERT INTO hold_bests (routine_id, exercise, routine_name, best, session_id,
                   local_day)
               SELECT routine_id, ?, routine_name, ?, id, local_day FROM sessions WHERE id = ?
               ON CONFLICT (routine_id, exercise) DO UPDATE SET
                   best = excluded.best, session_id = excluded.session_id,
                   local_day = excluded.local_day, routine_name = excluded.routine_name
               WHERE excluded.best > hold_bests.best""",
            (exercise, best, session_id),
        )

    def rebuild_bests(self) -> None:
        """Recompute hold_bests from every stored result (after a bulk import)."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM hold_bests")
            conn.execute(
                """INSERT INTO hold_bests (routine_id, exercise, routine_name, best, session_id,
                       local_day)
                   SELECT s.routine_id, r.name, s.routine_name, max(r.best_hold), s.id,
                          s.local_day
                   FROM exercise_results r JOIN sessions s ON s.id = r.session_id
                   WHERE r.best_hold IS NOT NULL GROUP BY s.routine_id, r.name"""
            )

    def finish_session(
        self,
        session_id: int,
        *,
        status: str,
        ended_at: datetime,
        worked_seconds: float,
        duration_seconds: float,
        paused_seconds: float,
    ) -> None:
        if status not in FINAL_STATUSES:
            raise ValueError(f"unknown session status {status!r}")
        with self.transaction() as conn:
            conn.execute(
                """UPDATE sessions SET status = ?, ended_at = ?, worked_seconds = ?,
                    duration_seconds = ?, paused_seconds = ? WHERE id = ?""",
                (
                    status,
                    utc_text(ended_at),
                    worked_seconds,
                    duration_seconds,
                    paused_seconds,
                    session_id,
                ),
            )

    def sessions(self, limit: int | None = None) -> list[dict[str, Any]]:
        """Sessions, newest first, with exercises done (not skipped) and recorded. `limit`
        is clamped to 0 .. MAX_LIMIT; values of the wrong type are read as 0 / text."""
        sql = """SELECT s.id, s.routine_id, s.routine_name, s.source_hash, s.started_at,
                    s.local_day, s.ended_at, s.status, s.planned_seconds, s.worked_seconds,
                    s.duration_seconds, s.paused_seconds, s.exercises_planned,
                    (SELECT count(*) FROM exercise_results r
                     WHERE r.session_id = s.id AND r.skipped = 0
                       AND r.done_sets >= r.planned_sets) AS exercises_done
                 FROM sessions s ORDER BY s.started_at DESC, s.id DESC"""
        params: tuple[Any, ...] = ()
        if limit is not None:
            sql += " LIMIT ?"
            params = (max(0, min(int(limit), MAX_LIMIT)),)
        with self._errors():
            cur = self.conn.execute(sql, params)
            names = [d[0] for d in cur.description]
            return [self._clean("sessions", dict(zip(names, row, strict=True))) for row in cur]

    def session_count(self) -> int:
        return self._count(self.query("SELECT count(*) FROM sessions")[0][0])

    @staticmethod
    def _count(value: object) -> int:
        return value if isinstance(value, int) and not isinstance(value, bool) else 0

    _TEXT = frozenset(
        {"routine_id", "routine_name", "source_hash", "started_at", "local_day", "status"}
        | {"name", "kind", "ended_at", "at", "reason"}
    )
    _NULLABLE = frozenset({"ended_at", "reason", "best_hold"})
    _NUMBER = frozenset(
        {"planned_seconds", "worked_seconds", "duration_seconds", "paused_seconds", "best_hold"}
    )
    _WHOLE = frozenset(
        {"exercises_planned", "exercises_done", "planned_reps", "planned_sets", "planned_sides"}
        | {"done_reps", "done_sets", "done_sides", "idx", "skipped", "id", "session_id"}
    )

    def _clean(self, table: str, row: dict[str, Any]) -> dict[str, Any]:
        """A row as backtimer wrote it: a value of another type is read as text, 0 or
        None, and noted in `problems` (the file itself is not changed)."""
        where = f"{table} row {as_text(row.get('id', row.get('session_id', '?')))}"
        for key, value in row.items():
            if key in self._TEXT:
                if value is None and key in self._NULLABLE:
                    continue
                if not isinstance(value, str):
                    row[key] = as_text(value)
                    self.note(f"{where}: {key} is not text ({_show(value)})")
            elif key in self._NUMBER:
                if value is None and key in self._NULLABLE:
                    continue
                if (
                    not isinstance(value, int | float)
                    or isinstance(value, bool)
                    or not math.isfinite(value)
                ):
                    row[key] = 0.0
                    self.note(f"{where}: {key} is not a number ({_show(value)})")
                else:
                    row[key] = float(value)
            elif key in self._WHOLE and (
                not isinstance(value, int) or isinstance(value, bool) or abs(value) >= 2**53
            ):
                row[key] = 0
                self.note(f"{where}: {key} is not a whole number ({_show(value)})")
        return row

    def _held(self, where: str, value: object) -> list[float]:
        """held_seconds (JSON text of a list of seconds), tolerant of anything else."""
        if value == "[]":
            return []
        try:
            if not isinstance(value, str) or len(value) > 1_000_000:
                raise ValueError
            held = json.loads(value)
            if not isinstance(held, list):
                raise ValueError
            out = [
                float(h)
                for h in held
                if isinstance(h, int | float) and not isinstance(h, bool) and math.isfinite(h)
            ]
            if len(out) != len(held):
                raise ValueError
            return out
        except (ValueError, RecursionError):
            self.note(f"{where}: held_seconds is not a list of seconds ({_show(value)})")
            return []

    def results(self, session_id: int | None = None) -> list[dict[str, Any]]:
        """Exercise results (all, or of one session), held_seconds decoded to a list."""
        sql = "SELECT * FROM exercise_results"
        params: tuple[Any, ...] = ()
        if session_id is not None:
            sql += " WHERE session_id = ?"
            params = (session_id,)
        sql += " ORDER BY session_id, idx"
        with self._errors():
            cur = self.conn.execute(sql, params)
            names = [d[0] for d in cur.description]
            out = []
            for row in cur:
                raw = dict(zip(names, row, strict=True))
                where = f"exercise_results row {as_text(raw.get('session_id'))}/" + as_text(
                    raw.get("idx")
                )
                held = raw.pop("held_seconds", "[]")
                item = self._clean("exercise_results", raw)
                item["held_seconds"] = self._held(where, held)
                item["skipped"] = bool(item.get("skipped"))
                out.append(item)
            return out

    def _time(self, where: str, value: object) -> datetime | None:
        try:
            if not isinstance(value, str):
                raise ValueError
            return parse_utc(value)
        except ValueError:
            self.note(f"{where}: not a time ({_show(value)})")
            return None

    def completed_starts(self, routine_id: str) -> list[datetime]:
        rows = self.query(
            """SELECT id, started_at FROM sessions WHERE routine_id = ? AND status = 'completed'
               ORDER BY started_at""",
            (routine_id,),
        )
        times = (self._time(f"sessions row {as_text(i)}: started_at", a) for i, a in rows)
        return [t for t in times if t is not None]

    # ----------------------------------------------------------------- one whole session
    def save_session(self, record: Any, *, imported: bool = False) -> int:
        """Write a whole session (a record.SessionRecord) in one transaction: its row, every
        result, and its end when it has one. The row is the one record.session_id names, or
        a new one; so writing the same record again changes nothing. `imported`: the record
        comes from the pending journal, and a row with its routine, start time (to the
        millisecond) and process id is taken as its own, so a record is never added twice
        (two processes replaying at once, a crash between the commit and the file's
        removal)."""
        with self.transaction() as conn:
            sid: int | None = None
            if record.session_id is not None:
                row = conn.execute(
                    "SELECT routine_id, started_at FROM sessions WHERE id = ?",
                    (record.session_id,),
                ).fetchone()
                if row is not None and tuple(row) == (record.routine_id, record.started_at):
                    sid = int(record.session_id)
            if sid is None and imported:
                row = conn.execute(
                    "SELECT id FROM sessions WHERE routine_id = ? AND started_at = ? AND pid = ?",
                    (record.routine_id, record.started_at, record.pid),
                ).fetchone()
                if row is not None and isinstance(row[0], int):
                    sid = row[0]
            if sid is None:
                cur = conn.execute(
                    """INSERT INTO sessions (routine_id, routine_name, source_hash, started_at,
                        local_day, planned_seconds, exercises_planned, pid)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                    (
                        record.routine_id,
                        record.name,
                        record.source_hash,
                        record.started_at,
                        record.local_day,
                        record.planned_seconds,
                        record.exercises_planned,
                        record.pid,
                    ),
                )
                sid = int(cur.lastrowid or 0)
            latest = 0.0
            for _, res in sorted(record.results.items()):
                held = [round(float(h), 3) for h in res.held_seconds]
                conn.execute(
                    """INSERT OR REPLACE INTO exercise_results (session_id, idx, name, kind,
                        planned_reps, planned_sets, planned_sides, planned_seconds, done_reps,
                        done_sets, done_sides, worked_seconds, held_seconds, best_hold,
                        skipped, ended_at)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    (
                        sid,
                        res.index,
                        res.name,
                        res.kind,
                        res.planned_reps,
                        res.planned_sets,
                        res.planned_sides,
                        res.planned_seconds,
                        res.done_reps,
                        res.done_sets,
                        res.done_sides,
                        res.worked_seconds,
                        json.dumps(held),
                        max(held) if held else None,
                        int(bool(res.skipped)),
                        res.ended_at,
                    ),
                )
                if held:
                    self._raise_best(conn, sid, res.name, max(held))
                latest = max(latest, res.session_seconds)
            final = record.final
            if final is None:
                conn.execute(
                    """UPDATE sessions SET worked_seconds = (SELECT total(worked_seconds)
                        FROM exercise_results WHERE session_id = ?),
                        duration_seconds = max(duration_seconds, ?) WHERE id = ?""",
                    (sid, latest, sid),
                )
            else:
                conn.execute(
                    """UPDATE sessions SET status = ?, ended_at = ?, worked_seconds = ?,
                        duration_seconds = ?, paused_seconds = ? WHERE id = ?""",
                    (
                        final.status,
                        final.ended_at,
                        final.worked_seconds,
                        final.duration_seconds,
                        final.paused_seconds,
                        sid,
                    ),
                )
            return sid

    # ----------------------------------------------------------------- breaks
    def record_break(
        self,
        kind: str,
        at: datetime | None = None,
        reason: str | None = None,
        routine_id: str | None = None,
    ) -> None:
        """Record a desk-break event: due, started, snoozed, skipped (with a reason such as
        "meeting") or natural (the machine slept / the app was closed long enough)."""
        if kind not in BREAK_KINDS:
            raise ValueError(f"unknown break kind {kind!r}; expected one of {BREAK_KINDS}")
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO breaks (kind, at, reason, routine_id) VALUES (?, ?, ?, ?)",
                (kind, utc_text(at or now_utc()), reason, routine_id),
            )

    def breaks_on(self, day: date) -> dict[str, int]:
        """How many break events of each kind happened on local `day` (every kind present,
        0 when none)."""
        start, end = local_day_bounds(day)
        counts = dict.fromkeys(BREAK_KINDS, 0)
        for kind, n in self.query(
            "SELECT kind, count(*) FROM breaks WHERE at >= ? AND at < ? GROUP BY kind",
            (start, end),
        ):
            counts[kind] = n
        return counts

    def _break(self, row: tuple[Any, ...]) -> BreakEvent | None:
        bid, kind, at, reason, routine_id = row
        moment = self._time(f"breaks row {as_text(bid)}: at", at)
        if moment is None:
            return None
        return BreakEvent(
            as_text(kind),
            moment,
            None if reason is None else as_text(reason),
            None if routine_id is None else as_text(routine_id),
        )

    def breaks_between(self, start: datetime, end: datetime) -> list[BreakEvent]:
        rows = self.query(
            "SELECT id, kind, at, reason, routine_id FROM breaks WHERE at >= ? AND at < ? "
            "ORDER BY at, id",
            (utc_text(start), utc_text(end)),
        )
        events = (self._break(row) for row in rows)
        return [e for e in events if e is not None]

    def breaks(self) -> list[dict[str, Any]]:
        """Every break event, oldest first, as stored (text fields as text)."""
        out = []
        for bid, kind, at, reason, routine_id in self.query(
            "SELECT id, kind, at, reason, routine_id FROM breaks ORDER BY at, id"
        ):
            row = self._clean("breaks", {"id": bid, "kind": kind, "at": at, "reason": reason})
            del row["id"]
            row["routine_id"] = None if routine_id is None else as_text(routine_id)
            out.append(row)
        return out

    def last_break(self, kinds: Sequence[str] = BREAK_KINDS) -> BreakEvent | None:
        marks = ", ".join("?" for _ in kinds)
        rows = self.query(
            f"SELECT id, kind, at, reason, routine_id FROM breaks WHERE kind IN ({marks}) "
            "ORDER BY at DESC, id DESC LIMIT 20",
            tuple(kinds),
        )
        for row in rows:
            event = self._break(row)
            if event is not None:
                return event
        return None

    def integrity(self) -> str:
        return as_text(self.query("PRAGMA integrity_check")[0][0])


def move_aside(path: Path, moment: datetime) -> Path:
    """Rename a damaged history file (and its -wal / -shm, which belong to it) to
    "history.sqlite3.damaged-20261130T130512Z", never overwriting anything; the new name."""
    stamp = moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 1
    while any(target.with_name(target.name + tail).exists() for tail in ("", "-wal", "-shm")):
        n += 1
        target = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
    for tail in ("-wal", "-shm", ""):
        source = path.with_name(path.name + tail)
        if source.exists():
            os.rename(source, target.with_name(target.name + tail))
    return target


def open_writable(
    path: Path | None = None,
    *,
    busy_timeout: float = 3.0,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> tuple[Store, str | None]:
    """The store for writing, and a notice when the file was damaged (not SQLite, malformed,
    a schema no backtimer writes): it is moved aside to "history.sqlite3.damaged-<time>"
    (never overwritten or deleted) and a new history is started. A busy, read-only or
    newer database is left alone: StoreError, as from Store()."""
    db = Path(path) if path is not None else paths.history_db()
    try:
        return Store(db, busy_timeout=busy_timeout), None
    except StoreError as exc:
        if not exc.damaged:
            raise
        try:
            moved = move_aside(db, clock())
        except OSError as err:
            raise StoreError(
                f"{exc.reason}; it could not be moved aside ({err.strerror or err})", db
            ) from err
        notice = (
            f"history: {db} could not be used ({exc.reason}); it was moved to {moved.name} "
            "and a new history was started"
        )
    return Store(db, busy_timeout=busy_timeout), notice
