"""`backtimer history` and `backtimer stats` as a person runs them."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import date, datetime, time, timedelta

import pytest

from backtimer import paths
from backtimer.cli.main import main
from backtimer.events import ExerciseResult
from backtimer.history.store import SCHEMA_VERSION, Store


def _at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour)).astimezone()


def _fill() -> None:
    today = date.today()
    with Store() as store:
        for offset, status in ((-1, "completed"), (0, "stopped"), (0, "completed")):
            day = today + timedelta(days=offset)
            sid = store.start_session(
                routine_id="back",
                name="Back basics",
                source_hash="h" * 64,
                started_at=_at(day, 9 if status == "stopped" else 18),
                planned_seconds=600,
                exercises_planned=3,
            )
            for i, name in enumerate(("Cat-cow", "Superman")):
                held = (41.5,) if name == "Superman" else ()
                res = ExerciseResult(i, name, 2, 1, 0, 10.0, 2, 1, 0, 10.0, held)
                store.add_result(
                    sid, res, kind="max" if held else "hold", ended_at=_at(day), session_seconds=60
                )
            store.finish_session(
                sid,
                status=status,
                ended_at=_at(day, 19),
                worked_seconds=300,
                duration_seconds=450,
                paused_seconds=0,
            )
        store.record_break("due", _at(today, 10))
        store.record_break("skipped", _at(today, 10), reason="meeting")


def test_history_without_any_session(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["history"]) == 0
    out = capsys.readouterr().out
    assert "No sessions recorded yet" in out and str(paths.history_db()) in out
    assert not paths.history_db().exists()
    assert main(["stats"]) == 0
    assert "No sessions recorded yet" in capsys.readouterr().out


def test_history_table(capsys: pytest.CaptureFixture[str]) -> None:
    _fill()
    assert main(["history"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["date", "routine", "status", "min", "exercises"]
    assert len(lines) == 4
    newest = lines[1]
    assert date.today().isoformat() in newest and "18:00" in newest
    assert "Back basics" in newest and "completed" in newest
    assert newest.split()[-2:] == ["7.5", "2/3"]
    assert "stopped" in lines[2]


def test_history_limit_says_how_many_are_left(capsys: pytest.CaptureFixture[str]) -> None:
    _fill()
    assert main(["history", "-n", "1"]) == 0
    out = capsys.readouterr().out
    assert "(1 of 3 sessions; --all shows every one" in out


def test_history_json_exports_everything(capsys: pytest.CaptureFixture[str]) -> None:
    _fill()
    assert main(["history", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["sessions"]) == 3
    first = data["sessions"][0]  # oldest first
    assert first["status"] == "completed" and first["source_hash"] == "h" * 64
    assert [e["name"] for e in first["exercises"]] == ["Cat-cow", "Superman"]
    assert first["exercises"][1]["held_seconds"] == [41.5]
    assert [(b["kind"], b["reason"]) for b in data["breaks"]] == [
        ("due", None),
        ("skipped", "meeting"),
    ]


def test_history_csv_one_row_per_exercise(capsys: pytest.CaptureFixture[str]) -> None:
    _fill()
    assert main(["history", "--csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 6
    assert {r["status"] for r in rows} == {"completed", "stopped"}
    sup = [r for r in rows if r["exercise"] == "Superman"]
    assert all(r["held_seconds"] == "41.5" and r["kind"] == "max" for r in sup)


def test_stats_text(capsys: pytest.CaptureFixture[str]) -> None:
    _fill()
    assert main(["stats"]) == 0
    out = capsys.readouterr().out
    assert "This week" in out
    assert "Last 4 weeks: 3 sessions (2 completed), 22 min; desk breaks: 0 taken, 1 due" in out
    assert "Streak: 2 days (longest 2 days)" in out
    assert "Back basics / Superman: 42 s" in out or "Back basics / Superman: 41 s" in out


def test_stats_json(capsys: pytest.CaptureFixture[str]) -> None:
    _fill()
    assert main(["stats", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["current_streak"] == 2
    assert data["four_weeks"]["sessions"] == 3
    assert data["hold_bests"][0]["best_seconds"] == 41.5
    assert len(data["days"]) == 28


def test_newer_database_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    _fill()
    with sqlite3.connect(paths.history_db()) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    for command in (["history"], ["stats"]):
        assert main(command) == 1
        err = capsys.readouterr().err
        assert err.startswith("backtimer: cannot read the history: the history database was ")
        assert "newer backtimer" in err and str(paths.history_db()) in err
        assert "Traceback" not in err


def test_stats_reads_while_another_process_writes(capsys: pytest.CaptureFixture[str]) -> None:
    """WAL: a session being recorded (a write transaction open) does not block reading."""
    _fill()
    holder = sqlite3.connect(paths.history_db(), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO breaks (kind, at) VALUES ('due', '2026-01-01T00:00:00.000Z')")
    try:
        assert main(["stats"]) == 0
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert "Last 4 weeks: 3 sessions" in capsys.readouterr().out


def test_locked_database_is_a_clear_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill()
    import backtimer.history.store as store_module

    original = store_module.Store.__init__

    def short_timeout(self: Store, *a: object, **kw: object) -> None:
        kw["busy_timeout"] = 0.05
        original(self, *a, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(store_module.Store, "__init__", short_timeout)
    # another program holding the file in exclusive locking mode blocks readers too
    holder = sqlite3.connect(paths.history_db(), isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("INSERT INTO breaks (kind, at) VALUES ('due', '2026-01-01T00:00:00.000Z')")
    try:
        assert main(["stats"]) == 1
        assert main(["history"]) == 1
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    err = capsys.readouterr().err.splitlines()
    assert (
        err
        == [f"backtimer: cannot read the history: database is locked ({paths.history_db()})"] * 2
    )


def test_stats_loads_only_what_it_needs() -> None:
    """`backtimer stats` / `history` start fast: no other command module, no Textual."""
    import subprocess
    import sys

    code = (
        "import sys; from backtimer.cli.main import main; main(['stats']); main(['history']); "
        "print(sorted(m for m in sys.modules if m.startswith(('backtimer.cli.', 'textual'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    # main, the commands' declarations, what runs one, and the command's own module
    assert out.strip().splitlines()[-1] == (
        "['backtimer.cli.command', 'backtimer.cli.commands', 'backtimer.cli.execute', "
        "'backtimer.cli.history', 'backtimer.cli.main']"
    )


def test_history_counts_only_exercises_whose_sets_were_all_done(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Stopped after one rep of the first exercise: the exercises never reached (recorded
    # from the summary with nothing done) and the one half done are not "done".
    with Store() as store:
        sid = store.start_session(
            routine_id="neck",
            name="Neck set",
            source_hash="h" * 64,
            started_at=_at(date.today(), 8),
            planned_seconds=600,
            exercises_planned=3,
        )
        for i, (reps, sets) in enumerate(((1, 0), (0, 0), (0, 0))):
            res = ExerciseResult(i, f"Ex {i}", 10, 1, 0, 30.0, reps, sets, 0, 3.0 * reps)
            store.add_result(
                sid, res, kind="hold", ended_at=_at(date.today(), 8), session_seconds=5
            )
        store.finish_session(
            sid,
            status="stopped",
            ended_at=_at(date.today(), 8),
            worked_seconds=3,
            duration_seconds=5,
            paused_seconds=0,
        )
    assert main(["history"]) == 0
    row = capsys.readouterr().out.splitlines()[1]
    assert "stopped" in row and row.split()[-1] == "0/3"


def test_a_session_with_skipped_exercises_is_partial_everywhere(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The engine ends a session with one of two exercises skipped as "partial"; history
    shows it so, with 1 of 2 done, and stats do not count it as completed."""
    from backtimer.engine import Engine
    from backtimer.history.recorder import HistoryRecorder
    from backtimer.routine.loader import load_text
    from backtimer.timeline import compile

    routine = load_text(
        '[routine]\nname = "Two"\n[defaults]\nprepare = 0\nrest = 0\n'
        '[[exercise]]\nname = "A"\nduration = "20s"\n[[exercise]]\nname = "B"\nduration = "20s"\n',
        source="two.toml",
        routine_id="two",
    )
    timeline = compile(routine)
    engine = Engine(timeline, max_gap=None)
    recorder = HistoryRecorder(routine, timeline)
    recorder.handle(engine.start(0.0))
    recorder.handle(engine.skip_exercise(1.0))
    recorder.handle(engine.advance(60.0))
    assert engine.summary.status == "partial"
    assert engine.summary.done_text == "1 of 2 exercises done"
    assert main(["history"]) == 0
    row = capsys.readouterr().out.splitlines()[1].split()
    assert row[-3:-2] == ["partial"] and row[-1] == "1/2"
    assert main(["stats", "--json"]) == 0
    week = json.loads(capsys.readouterr().out)
    assert "completed" in json.dumps(week)
    assert '"completed": 0' in json.dumps(week)
