"""History benchmark: 100,000 generated sessions in the store.

Targets (issue 7): `backtimer stats` end to end and the Stats screen's data load each
<= 200 ms (median of several runs); inserting an exercise result <= 5 ms at p99. Each is
measured side by side with a reference in the same run:
- `backtimer stats` (a new process) vs a new Python process doing a bare sqlite3
  `SELECT count(*) FROM sessions` on the same file;
- the Stats screen's load (stats.load_stats_from, in process) vs an in-process bare
  `SELECT count(*) FROM sessions`;
- Store.add_result (its own committed transaction, WAL + synchronous=FULL) vs a raw sqlite3
  INSERT of the same row, also committed on its own with the same settings.

Run: .venv/bin/python bench/history_bench.py [--sessions N] [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from backtimer.events import ExerciseResult
from backtimer.history.stats import load_stats_from
from backtimer.history.store import Store, local_day, utc_text

EXERCISES = ("Cat-cow", "Bird dog", "Superman", "Bridge", "Side plank")
ROUTINES = (("back", "Back basics"), ("neck", "Neck set"), ("office-chair", "Office chair"))


def generate(path: Path, sessions: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    now = datetime.now(UTC)
    first = now - timedelta(days=3 * 365)
    span = (now - first).total_seconds()
    starts = sorted(first + timedelta(seconds=rng.random() * span) for _ in range(sessions))
    with Store(path) as store, store.transaction() as conn:
        session_rows = []
        result_rows = []
        for sid, start in enumerate(starts, 1):
            rid, name = ROUTINES[sid % len(ROUTINES)]
            status = rng.choices(("completed", "stopped", "pain", "interrupted"), (85, 10, 2, 3))[0]
            duration = rng.uniform(300, 1200)
            session_rows.append(
                (
                    sid,
                    rid,
                    name,
                    "0" * 64,
                    utc_text(start),
                    local_day(start),
                    utc_text(start + timedelta(seconds=duration)),
                    status,
                    900.0,
                    duration * 0.6,
                    duration,
                    0.0,
                    len(EXERCISES),
                )
            )
            for idx, ex in enumerate(EXERCISES):
                held = [round(rng.uniform(15, 60), 1)] * 2 if ex == "Superman" else []
                result_rows.append(
                    (
                        sid,
                        idx,
                        ex,
                        "max" if held else "hold",
                        10,
                        2,
                        0,
                        60.0,
                        20,
                        2,
                        0,
                        55.0,
                        json.dumps(held),
                        max(held) if held else None,
                        0,
                        utc_text(start + timedelta(seconds=60 * (idx + 1))),
                    )
                )
        conn.executemany(
            """INSERT INTO sessions (id, routine_id, routine_name, source_hash, started_at,
               local_day, ended_at, status, planned_seconds, worked_seconds, duration_seconds,
               paused_seconds, exercises_planned) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)""",
            session_rows,
        )
        conn.executemany(
            "INSERT INTO exercise_results VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            result_rows,
        )
        for day in range(3 * 365):
            at = utc_text(first + timedelta(days=day, hours=10))
            conn.execute("INSERT INTO breaks (kind, at) VALUES ('due', ?)", (at,))
            conn.execute("INSERT INTO breaks (kind, at) VALUES ('started', ?)", (at,))
    with Store(path) as store:
        store.rebuild_bests()
        store.query("ANALYZE")
        store.query("PRAGMA wal_checkpoint(TRUNCATE)")


def timed(fn, runs: int) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def p99(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.99) - 1)]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sessions", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--inserts", type=int, default=1000)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        db = data / "history.sqlite3"
        t = time.perf_counter()
        generate(db, args.sessions)
        print(
            f"generated {args.sessions} sessions ({args.sessions * len(EXERCISES)} results) "
            f"in {time.perf_counter() - t:.1f} s, {db.stat().st_size / 1e6:.1f} MB"
        )
        # As installed: pip writes bytecode; this machine may set PYTHONDONTWRITEBYTECODE, so
        # the bytecode goes to a temporary cache (nothing is written into the source tree).
        env = {**os.environ, "BACKTIMER_DATA_DIR": str(data), "PYTHONPYCACHEPREFIX": tmp}
        env.pop("PYTHONDONTWRITEBYTECODE", None)

        # 1. `backtimer stats` end to end vs a bare sqlite3 count in a new process
        cli = [sys.executable, "-m", "backtimer", "stats"]
        ref = [
            sys.executable,
            "-c",
            f"import sqlite3; sqlite3.connect({str(db)!r}).execute("
            "'SELECT count(*) FROM sessions').fetchone()",
        ]
        subprocess.run(cli, env=env, check=True, capture_output=True)  # warm the page cache
        cli_ms = timed(
            lambda: subprocess.run(cli, env=env, check=True, capture_output=True), args.runs
        )
        ref_ms = timed(
            lambda: subprocess.run(ref, env=env, check=True, capture_output=True), args.runs
        )

        # 2. the Stats screen's data load (in process) vs a bare count in process
        import sqlite3

        load_stats_from(db)
        load_ms = timed(lambda: load_stats_from(db), args.runs)

        def bare_count() -> None:
            with sqlite3.connect(db) as conn:
                conn.execute("SELECT count(*) FROM sessions").fetchone()

        count_ms = timed(bare_count, args.runs)

        # 3. inserting an exercise result: Store.add_result vs a raw INSERT, both committed
        with Store(db) as store:
            sid = store.start_session(
                routine_id="back",
                name="Back basics",
                source_hash="",
                started_at=datetime.now(UTC),
                planned_seconds=900,
                exercises_planned=args.inserts,
            )
            store_ms = []
            for i in range(args.inserts):
                result = ExerciseResult(i, "Superman", 2, 1, 0, 60.0, 2, 1, 0, 41.0, (20.5, 20.5))
                t = time.perf_counter()
                store.add_result(
                    sid, result, kind="max", ended_at=datetime.now(UTC), session_seconds=float(i)
                )
                store_ms.append((time.perf_counter() - t) * 1000)
        raw = sqlite3.connect(db, isolation_level=None)
        raw.execute("PRAGMA synchronous = FULL")
        raw_ms = []
        for i in range(args.inserts):
            t = time.perf_counter()
            raw.execute("BEGIN IMMEDIATE")
            raw.execute(
                "INSERT INTO exercise_results VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    sid,
                    args.inserts + i,
                    "Superman",
                    "max",
                    2,
                    1,
                    0,
                    60.0,
                    2,
                    1,
                    0,
                    41.0,
                    "[20.5, 20.5]",
                    20.5,
                    0,
                    utc_text(datetime.now(UTC)),
                ),
            )
            raw.execute("COMMIT")
            raw_ms.append((time.perf_counter() - t) * 1000)
        raw.close()

    med = statistics.median
    rows = [
        (
            "`backtimer stats` (new process)",
            med(cli_ms),
            "bare sqlite3 count (new process)",
            med(ref_ms),
            "<= 200 ms",
        ),
        (
            "Stats screen data load (in process)",
            med(load_ms),
            "bare sqlite3 count (in process)",
            med(count_ms),
            "<= 200 ms",
        ),
        ("add_result, median", med(store_ms), "raw INSERT + COMMIT, median", med(raw_ms), ""),
        ("add_result, p99", p99(store_ms), "raw INSERT + COMMIT, p99", p99(raw_ms), "<= 5 ms"),
    ]
    print(
        f"\n{args.sessions} sessions, {args.runs} runs each, {args.inserts} inserts; "
        f"Python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}; "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}\n"
    )
    print("| measured | ms | reference | ms | ratio | target |")
    print("|---|---:|---|---:|---:|---|")
    for name, ms, ref_name, ref_value, target in rows:
        print(
            f"| {name} | {ms:.1f} | {ref_name} | {ref_value:.2f} | "
            f"{ms / ref_value:.1f}x | {target} |"
        )
    ok = med(cli_ms) <= 200 and med(load_ms) <= 200 and p99(store_ms) <= 5
    print("\nall targets met" if ok else "\nTARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
