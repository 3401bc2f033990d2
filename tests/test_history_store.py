"""The history store: schema, settings, crash rules, break API, bad databases."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from backtimer import paths
from backtimer.events import ExerciseResult
from backtimer.history.store import SCHEMA_VERSION, Store, StoreError, parse_utc, utc_text


def _result(index: int, name: str = "Hold", held: tuple[float, ...] = ()) -> ExerciseResult:
    return ExerciseResult(
        index=index,
        name=name,
        planned_reps=3,
        planned_sets=2,
        planned_sides=2,
        planned_seconds=30.0,
        done_reps=6,
        done_sets=2,
        done_sides=2,
        worked_seconds=28.5,
        held_seconds=held,
    )


def _session(store: Store, started: datetime | None = None) -> int:
    return store.start_session(
        routine_id="neck",
        name="Neck set",
        source_hash="abc",
        started_at=started or datetime.now(UTC),
        planned_seconds=480.0,
        exercises_planned=9,
    )


def test_default_location_honours_data_dir(isolated_dirs: Path) -> None:
    with Store() as store:
        assert store.path == isolated_dirs / "data" / "history.sqlite3"
        assert store.path == paths.history_db()
    assert paths.history_db().exists()


def test_settings_wal_full_sync_foreign_keys_version(tmp_path: Path) -> None:
    with Store(tmp_path / "h.sqlite3") as store:
        q = store.query
        assert q("PRAGMA journal_mode")[0][0] == "wal"
        assert q("PRAGMA synchronous")[0][0] == 2  # FULL
        assert q("PRAGMA foreign_keys")[0][0] == 1
        assert q("PRAGMA busy_timeout")[0][0] == 3000
        assert q("PRAGMA user_version")[0][0] == SCHEMA_VERSION


def test_session_and_results_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    with Store(path) as store:
        sid = _session(store)
        store.add_result(
            sid, _result(0), kind="hold", ended_at=datetime.now(UTC), session_seconds=40
        )
        store.add_result(
            sid,
            _result(1, "Superman", held=(31.2, 44.4)),
            kind="max",
            ended_at=datetime.now(UTC),
            session_seconds=120,
        )
        store.finish_session(
            sid,
            status="completed",
            ended_at=datetime.now(UTC),
            worked_seconds=57.0,
            duration_seconds=130.0,
            paused_seconds=12.0,
        )
    with Store(path) as store:
        [s] = store.sessions()
        assert s["status"] == "completed"
        assert (s["worked_seconds"], s["duration_seconds"], s["paused_seconds"]) == (57, 130, 12)
        assert s["exercises_done"] == 2 and s["exercises_planned"] == 9
        results = store.results(sid)
        assert [r["name"] for r in results] == ["Hold", "Superman"]
        sup = results[1]
        assert sup["held_seconds"] == [31.2, 44.4]
        assert sup["best_hold"] == 44.4
        assert (sup["planned_sides"], sup["done_reps"], sup["skipped"]) == (2, 6, False)


def test_results_move_session_totals_on_while_running(tmp_path: Path) -> None:
    with Store(tmp_path / "h.sqlite3") as store:
        sid = _session(store)
        store.add_result(
            sid, _result(0), kind="hold", ended_at=datetime.now(UTC), session_seconds=40
        )
        store.add_result(
            sid, _result(1), kind="hold", ended_at=datetime.now(UTC), session_seconds=90
        )
        [s] = store.sessions()
        assert s["worked_seconds"] == pytest.approx(57.0)
        assert s["duration_seconds"] == 90
        assert s["status"] == "running"


def test_running_row_of_a_dead_process_becomes_interrupted(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    with Store(path) as store:
        sid = _session(store)
        store.add_result(
            sid, _result(0), kind="hold", ended_at=datetime.now(UTC), session_seconds=40
        )
        # a process that has exited: its pid is free
        proc = subprocess.run(
            [sys.executable, "-c", "import os; print(os.getpid())"],
            capture_output=True,
            text=True,
            check=True,
        )
        store.query("UPDATE sessions SET pid = ?", (int(proc.stdout),))
    with Store(path) as store:
        [s] = store.sessions()
        assert s["status"] == "interrupted"
        assert s["ended_at"] == store.results(sid)[0]["ended_at"]
        assert s["worked_seconds"] == pytest.approx(28.5)


def test_running_row_of_this_process_stays_running(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    with Store(path) as store:
        _session(store)
    with Store(path) as store:
        assert store.sessions()[0]["status"] == "running"


def test_deleting_a_session_deletes_its_results(tmp_path: Path) -> None:
    with Store(tmp_path / "h.sqlite3") as store:
        sid = _session(store)
        store.add_result(
            sid, _result(0), kind="hold", ended_at=datetime.now(UTC), session_seconds=1
        )
        with store.transaction() as conn:
            conn.execute("DELETE FROM sessions WHERE id = ?", (sid,))
        assert store.results() == []
        with pytest.raises(StoreError, match="FOREIGN KEY"):
            store.add_result(
                999, _result(0), kind="hold", ended_at=datetime.now(UTC), session_seconds=1
            )


def test_times_are_fixed_width_utc(tmp_path: Path) -> None:
    moment = datetime(2026, 3, 29, 1, 30, 5, 123456, tzinfo=UTC)
    assert utc_text(moment) == "2026-03-29T01:30:05.123Z"
    assert parse_utc(utc_text(moment)) == moment.replace(microsecond=123000)


# ------------------------------------------------------------------ breaks API
def test_break_events_counted_per_local_day(tmp_path: Path) -> None:
    today = date.today()
    noon = datetime.combine(today, datetime.min.time()).astimezone() + timedelta(hours=12)
    with Store(tmp_path / "h.sqlite3") as store:
        store.record_break("due", noon)
        store.record_break("snoozed", noon + timedelta(minutes=1), routine_id="office-chair")
        store.record_break("due", noon + timedelta(minutes=11))
        store.record_break("skipped", noon + timedelta(minutes=12), reason="meeting")
        store.record_break("natural", noon + timedelta(hours=2))
        store.record_break("due", noon - timedelta(days=1))
        counts = store.breaks_on(today)
        assert counts == {"due": 2, "started": 0, "snoozed": 1, "skipped": 1, "natural": 1}
        assert store.breaks_on(today - timedelta(days=1))["due"] == 1
        events = store.breaks_between(noon, noon + timedelta(hours=1))
        assert [(e.kind, e.reason, e.routine_id) for e in events] == [
            ("due", None, None),
            ("snoozed", None, "office-chair"),
            ("due", None, None),
            ("skipped", "meeting", None),
        ]
        last = store.last_break(("started", "natural"))
        assert last is not None and last.kind == "natural"
        assert last.at == noon.astimezone(UTC) + timedelta(hours=2)


def test_unknown_break_kind_is_refused(tmp_path: Path) -> None:
    with Store(tmp_path / "h.sqlite3") as store, pytest.raises(ValueError, match="snoozed"):
        store.record_break("coffee")


# ------------------------------------------------------------------ bad databases
def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_newer_schema_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    with Store(path) as store:
        _session(store)
        store.query(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
        store.query("PRAGMA wal_checkpoint(TRUNCATE)")
    before = _digest(path)
    with pytest.raises(StoreError) as err:
        Store(path)
    assert "newer backtimer" in str(err.value) and str(path) in str(err.value)
    assert _digest(path) == before


def test_locked_database_gives_a_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    Store(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with (
            pytest.raises(StoreError, match=r"database is locked \(.*h\.sqlite3\)"),
            Store(path, busy_timeout=0.1) as store,
        ):
            _session(store)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_not_a_database_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    path.write_text("this is not sqlite " * 100)
    with pytest.raises(StoreError, match="is not an SQLite database"):
        Store(path)


def test_missing_file_is_not_created_when_only_reading(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    with pytest.raises(StoreError, match="no history yet"):
        Store(path, create=False)
    assert not path.exists()


def test_store_never_raises_raw_sqlite_errors_on_a_dead_connection(tmp_path: Path) -> None:
    store = Store(tmp_path / "h.sqlite3")
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.sessions()


def test_migration_from_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    sqlite3.connect(path).close()  # an existing database with user_version 0
    with Store(path) as store:
        assert store.query("PRAGMA user_version")[0][0] == SCHEMA_VERSION
        assert store.integrity() == "ok"
    assert os.path.getsize(path) > 0


def test_hold_bests_follow_the_results_and_match_a_rebuild(tmp_path: Path) -> None:
    with Store(tmp_path / "h.sqlite3") as store:
        for held in ((30.0, 35.0), (41.0,), (38.0, 39.0)):
            sid = _session(store)
            store.add_result(
                sid,
                _result(1, "Superman", held),
                kind="max",
                ended_at=datetime.now(UTC),
                session_seconds=60,
            )
        q = "SELECT routine_id, exercise, best, session_id, local_day FROM hold_bests"
        incremental = store.query(q)
        assert [(r[0], r[1], r[2], r[3]) for r in incremental] == [("neck", "Superman", 41.0, 2)]
        store.rebuild_bests()
        assert store.query(q) == incremental


def test_session_keeps_the_local_day_it_was_lived(tmp_path: Path) -> None:
    late = datetime(2026, 11, 20, 23, 30).astimezone()  # local 23:30
    with Store(tmp_path / "h.sqlite3") as store:
        _session(store, late)
        assert store.sessions()[0]["local_day"] == "2026-11-20"


def test_an_exercise_stored_twice_counts_once(tmp_path: Path) -> None:
    """An exercise finished again (restarted after it ended) replaces its first result."""
    with Store(tmp_path / "h.sqlite3") as store:
        sid = _session(store)
        store.add_result(
            sid, _result(0), kind="hold", ended_at=datetime.now(UTC), session_seconds=40
        )
        store.add_result(
            sid, _result(0), kind="hold", ended_at=datetime.now(UTC), session_seconds=80
        )
        assert len(store.results()) == 1
        assert store.sessions()[0]["worked_seconds"] == pytest.approx(28.5)


def test_a_later_migration_keeps_the_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import backtimer.history.store as store_module

    path = tmp_path / "h.sqlite3"
    with Store(path) as store:
        _session(store)
    step = ("ALTER TABLE sessions ADD COLUMN note TEXT NOT NULL DEFAULT ''",)
    monkeypatch.setattr(store_module, "MIGRATIONS", (*store_module.MIGRATIONS, step))
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with Store(path) as store:
        assert store.query("PRAGMA user_version")[0][0] == SCHEMA_VERSION + 1
        assert store.query("SELECT routine_id, note FROM sessions") == [("neck", "")]


def test_a_failing_migration_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import backtimer.history.store as store_module

    path = tmp_path / "h.sqlite3"
    with Store(path) as store:
        _session(store)
    step = (
        "ALTER TABLE sessions ADD COLUMN note TEXT",
        "THIS IS NOT SQL",
    )
    monkeypatch.setattr(store_module, "MIGRATIONS", (*store_module.MIGRATIONS, step))
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with pytest.raises(StoreError, match="syntax error"):
        Store(path)
    monkeypatch.undo()
    with Store(path) as store:
        assert store.query("PRAGMA user_version")[0][0] == SCHEMA_VERSION
        columns = [r[1] for r in store.query("PRAGMA table_info(sessions)")]
        assert "note" not in columns
        assert len(store.sessions()) == 1
