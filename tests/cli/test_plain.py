"""The plain runner: what its lines say, and the real program driven as a person or a
script would (short real-time routines, sub-second segments)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from backtimer.cli.plain_lines import Formatter, summary_lines
from backtimer.engine import Engine
from backtimer.routine.durations import elapsed_clock as stamp
from backtimer.routine.model import Breath
from backtimer.timeline import compile
from tests.helpers.engine_helpers import drive, hold, maxhold, phased, routine, selfpaced

BIN = Path(sys.executable).parent / "backtimer"

TINY = """
[routine]
name = "Tiny"

[defaults]
prepare = "0.2s"
rest = "0.2s"
rep_rest = "0.1s"

[[exercise]]
name = "Chin tuck"
steps = ["Sit tall.", "Draw the chin back."]
hold = "0.2s"
reps = 2

[[exercise]]
name = "Squats"
reps = 5
tempo = "self"
"""


def lines_of(r: object, **kw: bool) -> list[str]:
    tl = compile(r)  # type: ignore[arg-type]
    fmt = Formatter(r, tl, tty=kw.get("tty", True), auto=kw.get("auto", False))  # type: ignore[arg-type]
    run = drive(Engine(tl, max_gap=None), 0.0, open_after=12.0)
    return fmt.lines(run.events)


def test_stamp() -> None:
    assert [stamp(0), stamp(5.999), stamp(72.0), stamp(3725.0)] == [
        "00:00",
        "00:05",
        "01:12",
        "1:02:05",
    ]


def test_lines_for_a_hold_exercise_as_in_the_issue() -> None:
    r = routine(
        hold("Neck retraction", secs=3.0, reps=10, rep_rest=2.0, breath=Breath(4.0, 6.0)),
        hold("Trapezius stretch", secs=3.0, reps=1, sides=("left", "right")),
        prepare=5.0,
    )
    out = lines_of(r)
    assert out[0] == "00:00 GET READY  5s"
    assert out[1] == "00:00 NEXT  Neck retraction  hold 3 s x 10"
    assert out[2:5] == ["3", "2", "1"]
    assert out[5] == "00:05 WORK  Neck retraction  rep 1/10  hold 3s  (inhale 4s / exhale 6s)"
    assert out[6] == "00:08 REST  2s  (inhale 4s / exhale 6s)"  # the pacer runs in rests too
    i = out.index("00:53 DONE  Neck retraction  10/10 reps")
    assert out[i + 1] == "00:53 REST  5s"  # the routine has no default pacer
    assert out[i + 2].startswith("00:53 NEXT  Trapezius stretch  hold 3 s")
    assert "00:58 WORK  Trapezius stretch  left side  hold 3s" in out
    assert "01:01 SWITCH SIDES  3s  (right side next)" in out
    assert out[-3:] == [
        "Test routine: completed after 1 min 7 s; worked 36 s of 36 s planned",
        "  Neck retraction    10/10 reps, 30 s",
        "  Trapezius stretch  2/2 reps, 2/2 sides, 6 s",
    ]


def test_a_routines_own_side_labels_read_as_written() -> None:
    r = routine(hold("Shoulder circles", secs=3.0, reps=1, sides=("forwards", "backwards")))
    out = lines_of(r)
    assert any(line.endswith("WORK  Shoulder circles  forwards  hold 3s") for line in out), out
    assert any(line.endswith("(backwards next)") for line in out), out


def test_switching_to_a_routines_own_label_does_not_say_sides() -> None:
    r = routine(hold("Shoulder circles", secs=3.0, reps=1, sides=("forwards", "backwards")))
    out = lines_of(r)
    switch = [line for line in out if "SWITCH" in line]
    assert [line[6:] for line in switch] == ["SWITCH  3s  (backwards next)"], out
    assert not any("forwards side" in line or "backwards side" in line for line in out)


def test_lines_for_phases_and_open_segments() -> None:
    r = routine(
        phased("Cat-cow", phases=(2.0, 3.0), reps=1), selfpaced("Squats"), maxhold("Plank", reps=1)
    )
    out = lines_of(r, tty=False)
    assert "00:05 WORK  Cat-cow  phase 1 2s (inhale)" in out  # one rep: no "rep 1/1"
    assert "00:07 WORK  Cat-cow  phase 2 3s (exhale)" in out
    assert "00:15 WORK  Squats  8 reps at your own pace  send a line when the set is done" in out
    assert "00:32 WORK  Plank  hold as long as you can  send a line when you let go" in out
    assert "00:44 DONE  Plank  held 12 s" in out
    assert "  Plank    held 12 s" in out
    tty = lines_of(r, tty=True)
    assert "00:32 WORK  Plank  hold as long as you can  press Enter when you let go" in tty


def test_summary_of_a_stopped_session_lists_skipped() -> None:
    r = routine(hold("A", reps=2), hold("B", reps=2))
    engine = Engine(compile(r), max_gap=None)
    engine.start(0.0)
    engine.advance(5.5)
    engine.skip_exercise(5.5)
    engine.advance(11.0)
    engine.pause(11.0)
    engine.stop(30.0)
    assert summary_lines(engine.summary)[1:] == [
        "Test routine: stopped early after 11 s; worked 1 s of 12 s planned; paused 19 s",
        "  A  skipped",
        "  B  0/2 reps",
    ]


# ---------------------------------------------------------------- the real program


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.toml"
    path.write_text(TINY)
    return path


def run_cli(
    *args: str, stdin: str | None = "", timeout: float = 20.0
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN), "run", *args],
        check=False,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "NO_COLOR": "1"},
    )


@pytest.mark.slow
def test_script_drives_a_self_paced_set_with_a_line(tiny: Path) -> None:
    started = time.monotonic()
    proc = run_cli(str(tiny), "--plain", "--no-sound", stdin="\n")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    out = proc.stdout.splitlines()
    assert out[0] == "Tiny: 2 exercises, about 15.9 s"
    assert "00:00 WORK  Chin tuck  rep 1/2  hold 0.2s" in out
    assert "00:00 WORK  Squats  5 reps at your own pace  send a line when the set is done" in out
    assert "  Squats     5/5 reps" in out
    assert out[-3].startswith("Tiny: completed after 0 s")  # 0.9 s, rounded down
    assert time.monotonic() - started < 10


@pytest.mark.slow
def test_end_of_input_skips_open_segments(tiny: Path) -> None:
    proc = run_cli(str(tiny), "--plain", "--no-sound", stdin="")
    assert proc.returncode == 0, proc.stderr
    assert "SKIPPED  Squats" in proc.stdout
    assert "  Squats     skipped" in proc.stdout


@pytest.mark.slow
def test_auto_skips_open_segments_while_input_stays_open(tiny: Path) -> None:
    proc = subprocess.Popen(
        [str(BIN), "run", str(tiny), "--plain", "--no-sound", "--auto"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        out = proc.stdout.read()  # ends when the program does; stdin is still open
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        assert proc.stdin is not None
        proc.stdin.close()
    assert "WORK  Squats  5 reps at your own pace  (skipped: --auto)" in out
    assert "  Squats     skipped" in out


@pytest.mark.slow
def test_broken_routine_and_unknown_id_are_one_clear_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[routine]\nname = "Bad"\n\n[[exercise]]\nname = "X"\nhold = "three"\n')
    proc = run_cli(str(bad), "--plain")
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.startswith("backtimer: ")
    assert "bad.toml" in proc.stderr and "hold" in proc.stderr and "three" in proc.stderr
    assert "Traceback" not in proc.stderr
    proc = run_cli("no-such-routine", "--plain")
    assert proc.returncode == 2
    assert "unknown routine 'no-such-routine'" in proc.stderr and "neck" in proc.stderr
    proc = run_cli("--plain")
    assert proc.returncode == 2 and "needs a routine" in proc.stderr


@pytest.mark.slow
def test_ctrl_c_prints_the_summary_and_exits_130(tmp_path: Path) -> None:
    path = tmp_path / "long.toml"
    path.write_text(
        '[routine]\nname = "Long"\n[defaults]\nprepare = 0\n'
        '[[exercise]]\nname = "Wall sit"\nduration = "1m"\n'
    )
    proc = subprocess.Popen(
        [str(BIN), "run", str(path), "--plain", "--no-sound"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    first = [proc.stdout.readline() for _ in range(4)]
    assert first[2] == "00:00 EXERCISE  Wall sit  1 min\n"
    assert first[3].startswith("00:00 WORK  Wall sit  1m")
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=10)
    assert proc.returncode == 130
    assert "Traceback" not in err
    assert "STOPPED" in out
    assert "Long: stopped early after 0 s" in out
    assert "  Wall sit  0/1 rep" in out


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="pty is POSIX only")
def test_keys_on_a_terminal_and_the_terminal_is_restored(tmp_path: Path) -> None:
    import pty
    import termios

    path = tmp_path / "keys.toml"
    path.write_text(
        '[routine]\nname = "Keys"\n[defaults]\nprepare = 0\nrest = 0\n'
        '[[exercise]]\nname = "Plank"\nhold = "max"\n'
        '[[exercise]]\nname = "Wall sit"\nduration = "1m"\n'
    )
    leader, follower = pty.openpty()
    before = termios.tcgetattr(follower)
    proc = subprocess.Popen(
        [str(BIN), "run", str(path), "--plain", "--no-sound"],
        stdin=follower,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(4)]
        assert lines[1].startswith("keys: space pause/resume")
        assert "press Enter when you let go" in lines[3]
        time.sleep(0.3)
        os.write(leader, b"\n")  # Enter: done (no echo, no line needed)
        assert "DONE  Plank  held 0." in proc.stdout.readline()
        assert "EXERCISE  Wall sit" in proc.stdout.readline()
        assert "WORK  Wall sit" in proc.stdout.readline()
        os.write(leader, b" ")
        assert "PAUSED  press space to resume" in proc.stdout.readline()
        os.write(leader, b"q")
        out, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "STOPPED" in out and "Keys: stopped early" in out
    assert termios.tcgetattr(follower) == before  # echo and line mode are back
    os.close(leader)
    os.close(follower)


def _spawn_on_pty(path: Path) -> tuple[subprocess.Popen[str], int, int, list[object]]:
    import pty
    import termios

    leader, follower = pty.openpty()
    before = termios.tcgetattr(follower)
    proc = subprocess.Popen(
        [str(BIN), "run", str(path), "--plain", "--no-sound"],
        stdin=follower,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return proc, leader, follower, before


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="signals and pty are POSIX only")
def test_sigterm_restores_the_terminal_and_sums_up(tmp_path: Path) -> None:
    import termios

    path = tmp_path / "term.toml"
    path.write_text('[routine]\nname = "Term"\n[[exercise]]\nname = "Wall sit"\nduration = "1m"\n')
    proc, leader, follower, before = _spawn_on_pty(path)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().startswith("Term: 1 exercise")
        assert proc.stdout.readline().startswith("keys: ")
        assert proc.stdout.readline().startswith("00:00 GET READY")
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 128 + signal.SIGTERM
    assert "Traceback" not in err
    assert "Term: stopped early" in out
    assert termios.tcgetattr(follower) == before
    os.close(leader)
    os.close(follower)


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGSTOP is POSIX only")
def test_a_stopped_process_pauses_itself_where_it_stopped(tmp_path: Path) -> None:
    path = tmp_path / "stop.toml"
    path.write_text(
        '[routine]\nname = "Stop"\n[defaults]\nprepare = 0\n'
        '[[exercise]]\nname = "Wall sit"\nduration = "1m"\n'
    )
    proc = subprocess.Popen(
        [str(BIN), "run", str(path), "--plain", "--no-sound"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdin is not None
        for _ in range(4):
            proc.stdout.readline()
        proc.send_signal(signal.SIGSTOP)  # like Ctrl-Z: monotonic time goes on
        time.sleep(6.0)
        proc.send_signal(signal.SIGCONT)
        line = proc.stdout.readline()
        assert line.startswith("00:0")
        assert "PAUSED  the computer was asleep or this program was stopped for " in line
        assert re.search(r"stopped for [67] s;", line), line
        assert line.rstrip().endswith("send pause to resume")
        proc.stdin.write("q\n")
        proc.stdin.flush()
        out, _err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0
    assert "Stop: stopped early after" in out
