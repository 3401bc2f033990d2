"""`backtimer list | head -1`: a reader that goes away early stops the command quietly.

Real processes and real pipes: the interpreter's own last flush is part of what is tested.
Exit 141 (128 + SIGPIPE) is what `seq 1000000 | head -1` reports for seq.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# Three exercises of 300 paced reps on each side: a text plan of about 110 kB, far more than
# a pipe holds (64 kB), within the segment limit (backtimer/routine/limits.py).
BIG = '[routine]\nname = "Many reps"\n' + "".join(
    f'\n[[exercise]]\nname = "Shrug {n}"\nreps = 300\ntempo = "2s"\nsides = "both"\n'
    for n in (1, 2, 3)
)


def start(*argv: str) -> tuple[subprocess.Popen[bytes], int]:
    """`backtimer ARGV` writing into a fresh pipe; returns the process and the pipe's read end."""
    read, write = os.pipe()
    env = dict(os.environ, COLUMNS="80")
    proc = subprocess.Popen(
        [sys.executable, "-m", "backtimer", *argv],
        stdout=write,
        stderr=subprocess.PIPE,
        env=env,
    )
    os.close(write)
    return proc, read


def first_line(read: int) -> bytes:
    line = b""
    while not line.endswith(b"\n"):
        chunk = os.read(read, 1)
        if not chunk:
            break
        line += chunk
    return line


def test_head_1_on_a_long_plan_prints_the_first_line_and_nothing_on_stderr(
    tmp_path: Path,
) -> None:
    routine = tmp_path / "many.toml"
    routine.write_text(BIG, encoding="utf-8")
    proc, read = start("plan", str(routine))
    line = first_line(read)
    os.close(read)  # like head -1: the rest (far more than a pipe holds) has nowhere to go
    _, err = proc.communicate(timeout=60)
    assert line.startswith(b"Many reps (many):")
    assert err.decode() == ""
    assert proc.returncode == 141


@pytest.mark.parametrize("argv", [["list"], ["list", "--json"], ["plan", "office-chair"]])
def test_reader_gone_before_any_output_is_quiet(argv: list[str]) -> None:
    proc, read = start(*argv)
    os.close(read)  # `backtimer list | true`
    _, err = proc.communicate(timeout=60)
    assert err.decode() == ""
    assert "Traceback" not in err.decode()
    assert proc.returncode == 141
