"""The history database's tables, as SQL: each version's statements (store.MIGRATIONS runs
them in order, docs/history.md describes the tables)."""

V1 = (
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
V2_NO_STATE_TABLE = ("DROP TABLE state",)

# Version 3: sessions may be "partial". SQLite cannot change a CHECK constraint, so the
# table is rebuilt (https://sqlite.org/lang_altertable.html, "other kinds of table schema
# changes"), with foreign keys off for the copy; the rows keep their ids.
V3_PARTIAL = (
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
