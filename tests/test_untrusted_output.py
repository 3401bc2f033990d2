"""Text from stored data never reaches the terminal as a command (docs/security.md): real
`backtimer` processes, their bytes checked for raw ESC, BEL, C1 and other control
characters.

The data: a routine file whose name and steps carry OSC 52 (clipboard write) and CSI, a
routine file whose *file name* carries an escape sequence, and a history database holding
such names (stored before the loader refused them: written straight into the database,
and the routine file deleted).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from backtimer import paths
from backtimer.events import ExerciseResult
from backtimer.history.store import Store

OSC52 = "\x1b]52;c;aGVsbG8=\x07"
CSI = "\x9b31m"
EVIL = f"Evil{OSC52}{CSI}"
# Raw control characters a terminal would act on (newline and tab are layout).
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "backtimer", *args],
        capture_output=True,
        timeout=60,
        env=env,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def assert_clean(result: subprocess.CompletedProcess[bytes]) -> str:
    """No raw control character in what the process wrote; its stdout as text."""
    for name, data in (("stdout", result.stdout), ("stderr", result.stderr)):
        assert b"\x1b" not in data and b"\x07" not in data, f"{name}: {data[:300]!r}"
        text = data.decode("utf-8")
        assert not RAW.search(text), f"{name}: {text[:300]!r}"
    assert "Traceback" not in result.stderr.decode()
    return result.stdout.decode()


@pytest.fixture
def env(isolated_dirs: Path) -> dict[str, str]:
    return os.environ | {"COLUMNS": "120", "HOME": str(isolated_dirs), "NO_COLOR": "1"}


@pytest.fixture
def evil_file(user_routines: Path) -> Path:
    """A routine whose name and steps carry OSC 52 and CSI (as TOML escapes)."""
    path = user_routines / "evil.toml"
    path.write_text(
        '[routine]\nname = "Evil\\u001b]52;c;aGVsbG8=\\u0007\\u009b31m"\n\n'
        '[[exercise]]\nname = "Neck\\u001b[2J"\nsteps = ["Sit \\u001b]0;title\\u0007"]\n'
        "hold = 3\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def evil_name(user_routines: Path) -> Path:
    """A valid routine in a file whose name carries an escape sequence: its id."""
    path = user_routines / f"id{OSC52}.toml"
    path.write_text('[routine]\nname = "Fine"\n\n[[exercise]]\nname = "A"\nhold = 3\n')
    return path


def test_a_routine_with_escape_sequences_is_refused_and_reported_visibly(
    env: dict[str, str], evil_file: Path
) -> None:
    out = assert_clean(run("validate", str(evil_file), env=env))
    assert "routine: name: control character U+001B is not allowed" in out
    for args in (
        ["show", "evil"],
        ["plan", "evil"],
        ["plan", "--json", "evil"],
        ["run", "--plain", "--auto", "--no-sound", "evil"],
    ):
        result = run(*args, env=env)
        assert result.returncode == 1
        assert "control character U+001B" in assert_clean(result) + result.stderr.decode()
    listing = assert_clean(run("list", env=env))
    assert "evil !" in listing
    rows = json.loads(assert_clean(run("list", "--json", env=env)))
    assert any(r["id"] == "evil" and r["error"] for r in rows)


def test_a_file_name_with_escape_sequences_is_shown_visibly(
    env: dict[str, str], evil_name: Path
) -> None:
    shown_id = "id\\x1b]52;c;aGVsbG8=\\x07"
    assert shown_id in assert_clean(run("list", env=env))
    assert shown_id in assert_clean(run("list", "--ids", env=env)).splitlines()
    assert assert_clean(run("validate", str(evil_name), env=env)).startswith("ok  ")
    assert assert_clean(run("validate", str(evil_name.parent), env=env))
    assert shown_id in assert_clean(run("show", str(evil_name), env=env))
    assert shown_id in assert_clean(run("plan", str(evil_name), env=env))
    data = json.loads(assert_clean(run("plan", "--json", str(evil_name), env=env)))
    assert data["id"] == evil_name.stem  # JSON keeps the data, escaped
    broken = evil_name.with_name(f"b{OSC52}.toml")
    broken.write_text("[routine\n")
    result = run("validate", str(broken), env=env)
    assert result.returncode == 1
    assert_clean(result)
    result = run("show", str(broken.with_name(f"missing{OSC52}.toml")), env=env)
    assert result.returncode == 1
    assert "missing\\x1b]52" in assert_clean(result) + result.stderr.decode()


def _history_with_evil_names() -> None:
    """A session of a routine that no longer exists, its names written straight into the
    database (as a version of backtimer without the check would have stored them)."""
    started = datetime.now().astimezone() - timedelta(hours=1)
    with Store() as store:
        sid = store.start_session(
            routine_id="gone",
            name="placeholder",
            source_hash="h" * 64,
            started_at=started,
            planned_seconds=60,
            exercises_planned=1,
        )
        res = ExerciseResult(0, "placeholder", 1, 1, 0, 30.0, 1, 1, 0, 30.0, (31.0,))
        store.add_result(sid, res, kind="max", ended_at=started, session_seconds=40)
        store.finish_session(
            sid,
            status="completed",
            ended_at=started + timedelta(minutes=1),
            worked_seconds=40,
            duration_seconds=60,
            paused_seconds=0,
        )
    with sqlite3.connect(paths.history_db()) as conn:
        conn.execute("UPDATE sessions SET routine_name = ?", (EVIL,))
        conn.execute("UPDATE exercise_results SET name = ?", ('=HYPERLINK("http://x")' + OSC52,))
        conn.execute("UPDATE hold_bests SET routine_name = ?, exercise = ?", (EVIL, "Hold\x1b[2J"))


def test_history_and_stats_replay_stored_names_visibly(env: dict[str, str]) -> None:
    _history_with_evil_names()
    table = assert_clean(run("history", env=env))
    assert "Evil\\x1b]52;c;aGVsbG8=\\x07\\x9b31m" in table
    stats = assert_clean(run("stats", env=env))
    assert "Evil\\x1b]52" in stats and "Hold\\x1b[2J" in stats
    for args in (["history", "--json"], ["stats", "--json"]):
        data = json.loads(assert_clean(run(*args, env=env)))  # escaped, and exact
        assert EVIL in strings(data)
    assert "Hold\x1b[2J" in strings(json.loads(run("stats", "--json", env=env).stdout))


def strings(data: object) -> list[str]:
    """Every string value in parsed JSON."""
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [s for v in data.values() for s in strings(v)]
    if isinstance(data, list):
        return [s for v in data for s in strings(v)]
    return []


def test_history_csv_cells_are_inert_in_a_spreadsheet(env: dict[str, str]) -> None:
    _history_with_evil_names()
    out = assert_clean(run("history", "--csv", env=env))
    [row] = list(csv.DictReader(io.StringIO(out)))
    assert row["routine_name"] == "Evil\\x1b]52;c;aGVsbG8=\\x07\\x9b31m"
    assert row["exercise"] == '\'=HYPERLINK("http://x")\\x1b]52;c;aGVsbG8=\\x07'
    assert row["status"] == "completed"


def test_the_plain_runner_prints_stored_text_visibly() -> None:
    # A routine built in memory, as one loaded before the loader refused control characters.
    from backtimer.cli.plain import run_plain
    from backtimer.routine.model import Defaults, Exercise, Routine, WorkKind

    exercise = Exercise(
        name=f"Neck{OSC52}",
        kind=WorkKind.HOLD,
        hold=0.2,
        steps=(f"Sit {CSI}", "two\nlines"),
        caution="Careful\x1b[2J",
        sides=(f"left{CSI}", "right"),
    )
    routine = Routine(
        id="evil",
        name=EVIL,
        cautions=(f"Stop{OSC52}",),
        defaults=Defaults(prepare=0, rest=0, rep_rest=0, set_rest=0, side_rest=0),
        exercises=(exercise,),
    )
    out = io.StringIO()
    assert run_plain(routine, sound=False, auto=True, record=False, out=out) == 0
    text = out.getvalue()
    assert not RAW.search(text), repr(text)
    assert "Evil\\x1b]52;c;aGVsbG8=\\x07\\x9b31m" in text
    assert "Sit \\x9b31m" in text and "Careful\\x1b[2J" in text


def test_terminal_and_desktop_notifications_carry_stored_text_visibly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backtimer.breaks.notify import Notifier, osc

    for method in ("osc9", "osc777"):
        seq = osc(method, EVIL, f"{EVIL}\nnext", tmux=False)
        assert seq.startswith(f"\x1b]{method[3:]};") and seq.endswith("\x07")
        payload = seq[2:-1]
        assert not RAW.search(payload), repr(payload)
        assert "Evil\\x1b]52" in payload and "\\x07\\x9b31m" in payload
    wrapped = osc("osc777", EVIL, EVIL, tmux=True)
    assert wrapped.count("\x1b") == 4 and wrapped.count("\x07") == 1  # the framing only
    log = tmp_path / "args"
    tool = tmp_path / "notify-send"
    tool.write_text(f'#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a" >> {log}; done\n')
    tool.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    env = {"DISPLAY": ":0"}
    notifier = Notifier("notify-send", env=env, which=lambda name: str(tool))
    assert notifier.send(EVIL, f"Neck{OSC52}", bell=False) is None
    args = log.read_text()
    assert not RAW.search(args.replace("\n", "")), repr(args)
    assert "Neck\\x1b]52;c;aGVsbG8=\\x07" in args


def test_run_plain_in_a_real_process_writes_no_raw_control_character(
    env: dict[str, str], user_routines: Path
) -> None:
    path = user_routines / f"quick{OSC52}.toml"
    path.write_text(
        '[routine]\nname = "Quick [/] one"\n\n[defaults]\nprepare = 0\n\n'
        '[[exercise]]\nname = "A"\nhold = 1\nsteps = ["Sit", "Breathe"]\n'
    )
    result = run("run", "--plain", "--auto", "--no-sound", str(path), env=env)
    out = assert_clean(result)
    assert result.returncode == 0, result.stderr
    assert "Quick [/] one" in out
    history = assert_clean(run("history", env=env))
    assert "Quick [/] one" in history
    evil = run("run", "--plain", "--auto", "--no-sound", str(user_routines / "nope.toml"), env=env)
    assert evil.returncode != 0
    assert_clean(evil)
