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

Times are stored as UTC text, "2026-11-22T08:30:00.000Z" (fixed width, so it sorts).
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from backtimer import paths

SCHEMA_VERSION = 3
BREAK_KINDS = ("due", "started", "snoozed", "skipped", "natural")
# partial: ran to its end with at least one exercise skipped
FINAL_STATUSES = ("completed", "partial", "stopped", "pain", "interrupted")

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

# Version 3: sessions may be "partial". SQLite cannot change a CHECK constraint, so the
# table is rebuilt (https://sqlite.org/lang_altertable.html, "other kinds of table schema
# changes"), with foreign keys off for the copy; the rows keep their ids.
_V3_PARTIAL = (
    """CREATE TABLE sessions_v3 (
        id INTEGER PRIMARY KEY,
        routine_id TEXT NOT NULL,
        routine_name TEXT NOT NULL,
        source_hash TEXT NOT NULL DEFAULT '',
        started_at TEXT NOT NULL,
        local_day TEXT NOT NULL,
        ended_at TEXT,
        status TEXT NOT NULL DEFAULT 'running' CHECK (status IN
            ('running', 'completed', 'partial', 'stopped', 'pain', 'interrupted')),
        planned_seconds REAL NOT NULL DEFAULT 0,
        worked_seconds REAL NOT NULL DEFAULT 0,
        duration_seconds REAL NOT NULL DEFAULT 0,
        paused_seconds REAL NOT NULL DEFAULT 0,
        exercises_planned INTEGER NOT NULL DEFAULT 0,
        pid INTEGER
    )""",
    "INSERT INTO sessions_v3 SELECT * FROM sessions",
    "DROP TABLE sessions",
    "ALTER TABLE sessions_v3 RENAME TO sessions",
    "CREATE INDEX sessions_started ON sessions (started_at)",
    "CREATE INDEX sessions_routine ON sessions (routine_id, started_at)",
    "CREATE INDEX sessions_days ON sessions (status, local_day)",
)

# MIGRATIONS[n] takes the schema from user_version n to n + 1.
MIGRATIONS: tuple[tuple[str, ...], ...] = (_SCHEMA_V1, _V2_NO_STATE_TABLE, _V3_PARTIAL)


class StoreError(Exception):
    """The history database could not be opened, read or written. str() is one line:
    what went wrong and the file, e.g. "database is locked (/home/a/.../history.sqlite3)"."""

    def __init__(self, reason: str, path: Path) -> None:
        super().__init__(f"{reason} ({path})")
        self.reason = reason
        self.path = path


def utc_text(moment: datetime) -> str:
    """A datetime as the store's fixed-width UTC text."""
    if moment.tzinfo is None:
        moment = moment.astimezone()  # naive: local time
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_utc(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def _maybe_utc(text: object) -> datetime | None:
    """A stored time, or None when it is missing or not in the store's format."""
    try:
        return parse_utc(text) if isinstance(text, str) else None
    except ValueError:
        return None


def _seconds(value: object) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return max(0.0, float(value))
    return 0.0


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
class SessionEnd:
    id: int
    routine_id: str
    status: str  # "running" until it ends
    worked_seconds: float
    ended_at: datetime | None


@dataclass(frozen=True)
class BreakEvent:
    kind: str
    at: datetime
    reason: str | None
    routine_id: str | None


def _pid_alive(pid: int | None) -> bool:
    if not pid or pid <= 0:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


class Store:
    """An open history database. Every public method raises StoreError (never a bare
    sqlite3 error) when the database cannot be used."""

    def __init__(
        self, path: Path | None = None, *, busy_timeout: float = 3.0, create: bool = True
    ) -> None:
        self.path = Path(path) if path is not None else paths.history_db()
        self.busy_timeout = busy_timeout
        self._conn: sqlite3.Connection | None = None
        try:
            self._open(create)
        except BaseException:
            self.close()
            raise

    def _open(self, create: bool) -> None:
        busy_timeout = self.busy_timeout
        with self._errors():
            if create:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            elif not self.path.exists():
                raise StoreError("no history yet", self.path)
            conn = sqlite3.connect(
                self.path, timeout=busy_timeout, isolation_level=None, check_same_thread=False
            )
            self._conn = conn
            conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"the history database was written by a newer backtimer "
                    f"(schema {version}; this version knows {SCHEMA_VERSION})",
                    self.path,
                )
            if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            if version < SCHEMA_VERSION:
                self._migrate()
            self._close_orphans()

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
            raise StoreError(str(exc), self.path) from exc
        except OSError as exc:
            raise StoreError(exc.strerror or str(exc), self.path) from exc

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
        # Rebuilding a table that others reference needs foreign keys off (outside the
        # transaction: the pragma is a no-op inside one); checked before the commit.
        with self._errors():
            self.conn.execute("PRAGMA foreign_keys = OFF")
        try:
            with self.transaction() as conn:
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                for step in range(version, SCHEMA_VERSION):
                    for statement in MIGRATIONS[step]:
                        conn.execute(statement)
                broken = conn.execute("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise sqlite3.IntegrityError(
                        f"foreign keys broken by the upgrade: {broken[:3]}"
                    )
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        finally:
            with self._errors():
                self.conn.execute("PRAGMA foreign_keys = ON")

    def _close_orphans(self) -> None:
        """Mark sessions left "running" by a process that is gone as interrupted."""
        rows = self.query("SELECT id, pid FROM sessions WHERE status = 'running'")
        dead = [sid for sid, pid in rows if not _pid_alive(pid)]
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
        """Sessions, newest first, with exercises done (not skipped) and recorded."""
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
            params = (limit,)
        with self._errors():
            cur = self.conn.execute(sql, params)
            names = [d[0] for d in cur.description]
            return [dict(zip(names, row, strict=True)) for row in cur]

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
                item = dict(zip(names, row, strict=True))
                item["held_seconds"] = json.loads(item["held_seconds"])
                item["skipped"] = bool(item["skipped"])
                out.append(item)
            return out

    def sessions_after(self, after_id: int, limit: int = 50) -> list[SessionEnd]:
        """Sessions with an id above `after_id`, oldest first: what work mode needs to
        count a routine run elsewhere as a break (one indexed range read: cheap)."""
        rows = self.query(
            """SELECT id, routine_id, status, worked_seconds, ended_at FROM sessions
               WHERE id > ? ORDER BY id LIMIT ?""",
            (after_id, limit),
        )
        return [
            SessionEnd(int(i), str(rid), str(st), _seconds(w), _maybe_utc(e))
            for i, rid, st, w, e in rows
        ]

    def last_session_id(self) -> int:
        return int(self.query("SELECT coalesce(max(id), 0) FROM sessions")[0][0])

    def completed_starts(self, routine_id: str) -> list[datetime]:
        rows = self.query(
            """SELECT started_at FROM sessions WHERE routine_id = ? AND status = 'completed'
               ORDER BY started_at""",
            (routine_id,),
        )
        return [parse_utc(r[0]) for r in rows]

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

    def breaks_between(self, start: datetime, end: datetime) -> list[BreakEvent]:
        rows = self.query(
            "SELECT kind, at, reason, routine_id FROM breaks WHERE at >= ? AND at < ? "
            "ORDER BY at, id",
            (utc_text(start), utc_text(end)),
        )
        return [BreakEvent(k, parse_utc(a), r, rid) for k, a, r, rid in rows]

    def last_break(self, kinds: Sequence[str] = BREAK_KINDS) -> BreakEvent | None:
        marks = ", ".join("?" for _ in kinds)
        rows = self.query(
            f"SELECT kind, at, reason, routine_id FROM breaks WHERE kind IN ({marks}) "
            "ORDER BY at DESC, id DESC LIMIT 1",
            tuple(kinds),
        )
        if not rows:
            return None
        k, a, r, rid = rows[0]
        return BreakEvent(k, parse_utc(a), r, rid)

    def integrity(self) -> str:
        return str(self.query("PRAGMA integrity_check")[0][0])
