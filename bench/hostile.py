"""Hostile routine files: wall time and peak RSS of every command on the worst files we can
build, side by side with the same command on routines/neck.toml in the same run.

Target (docs/security.md): every command on any file under 2 s and 200 MB peak RSS.

Each command runs as its own process (`backtimer validate|show|plan|plan --json PATH`, and
`backtimer list` with the file as the only routine in the user folder), interleaved with
the reference, `--runs` times. The table gives medians of wall time, the ratio to the
reference, the median CPU time (user + sys: what the command costs, less sensitive than
wall time to other load on the machine) and the largest peak RSS (ru_maxrss, from wait4).

Run: .venv/bin/python bench/hostile.py [--runs 5] [--only NAME]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXE = str(Path(sys.executable).parent / "backtimer")
MIB = 1024 * 1024
HEAD = '[routine]\nname = "Hostile"\n\n'
TIMEOUT = 30.0
LIMIT_SECONDS = 2.0
LIMIT_MB = 200.0


def _fill(unit: str, head: str = HEAD, size: int = MIB - 64) -> str:
    return head + unit * ((size - len(head)) // len(unit))


def largest_allowed() -> str:
    """2,000 segments exactly, with 200-character names and labels: the most text `plan`
    may have to print for one routine."""
    name = "N" * 190 + " and more"
    left, right = "L" * 200, "R" * 200
    text = f'[routine]\nname = "{name}"\n\n[defaults]\nprepare = 10\nrest = 5\n\n'
    # 2 x 494 holds + 2 x 493 relaxes + 1 switch = 1,975 segments
    text += f'[[exercise]]\nname = "{name}"\nhold = 3\nreps = 494\nsides = ["{left}", "{right}"]\n'
    phases = ", ".join(f'{{ label = "{"P" * 200}", secs = 1 }}' for _ in range(20))
    text += f'\n[[exercise]]\nname = "{name}"\nphases = [{phases}]\n'
    text += f'\n[[exercise]]\nname = "{name}"\nhold = 2\nreps = 2\nrep_rest = 0\n'
    return text  # 1 prepare + 1,975 + rest + 20 + rest + 2 = 2,000


def max_product(sides: int = 8) -> str:
    """What made `validate` reach 3 GB: many sides x reps 1000 x sets 100."""
    labels = ", ".join(f'"side {i}"' for i in range(sides))
    exercise = f'name = "Big"\nhold = 1\nreps = 1000\nsets = 100\nsides = [{labels}]\n'
    return HEAD + "[[exercise]]\n" + exercise


ONE = '[[exercise]]\nname = "A"\nhold = 1\n'
NINES = "9" * 400


def digits() -> str:
    progress = f'progress = {{ reps = "+{NINES}", every = "{NINES} sessions", max = 5 }}\n'
    return HEAD + f'[[exercise]]\nname = "A"\nreps = 3\nhold = {NINES}\n' + progress


def sparse(path: Path) -> None:
    with path.open("wb") as f:
        f.truncate(1 << 30)


def text(make: Callable[[], str]) -> Callable[[Path], None]:
    return lambda path: path.write_text(make(), encoding="utf-8")


CASES: dict[str, Callable[[Path], None]] = {
    "largest allowed (2,000 segments)": text(largest_allowed),
    "8 sides x 1000 reps x 100 sets": text(max_product),
    "200 sides x 1000 x 100": text(lambda: max_product(200)),
    "1 MiB: one array of numbers": text(lambda: _fill("1,", HEAD + ONE + "x = [") + "1]\n"),
    "1 MiB: 36,000 exercises": text(lambda: _fill('[[exercise]]\nname = "a"\nhold = 1\n')),
    "1 MiB: unknown keys with ESC": text(lambda: _fill('"k\\u001bx" = 1\n', HEAD + ONE)),
    "1 MiB: control characters everywhere": text(
        lambda: _fill(
            '[[exercise]]\nname = "\\u001b]52;x\\u0007"\nsteps = ["\\u009b2J"]\nhold = 1\n'
        )
    ),
    "1 MiB: one long name": text(lambda: '[routine]\nname = "' + "x" * (MIB - 200) + '"\n' + ONE),
    "1 MiB: comments only": text(lambda: _fill("# just a comment line\n", "")),
    "deep nesting": text(lambda: HEAD + "x = " + "[" * 100_000 + "\n"),
    "400-digit numbers": text(digits),
    "1 GiB sparse file": sparse,
    "FIFO": os.mkfifo,
    "symlink to /dev/zero": lambda path: path.symlink_to("/dev/zero"),
}

COMMANDS: dict[str, list[str]] = {
    "validate": ["validate", "{path}"],
    "show": ["show", "{path}"],
    "plan": ["plan", "{path}"],
    "plan --json": ["plan", "--json", "{path}"],
    "list": ["list"],
}


def run(args: list[str], env: dict[str, str]) -> tuple[float, float, float, int]:
    """(wall seconds, CPU seconds, peak RSS in MB, exit code) of one command."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [EXE, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )
    deadline = start + TIMEOUT
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.002)
    proc.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return time.perf_counter() - start, cpu, usage.ru_maxrss / 1024, proc.returncode


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", help="run only the cases whose name contains this")
    args = parser.parse_args()
    cases = {k: v for k, v in CASES.items() if not args.only or args.only in k}
    worst = (0.0, 0.0)
    print(f"{'file':38} {'command':12} {'median':>8} {'ref':>7} {'ratio':>6} {'cpu':>7} "
          f"{'peak':>7} {'exit':>4}")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        for n, (name, build) in enumerate(cases.items()):
            home = base / f"case{n}"
            routines = home / "config" / "routines"
            routines.mkdir(parents=True)
            (home / "data").mkdir()
            path = routines / "hostile.toml"
            build(path)
            env = dict(os.environ, BACKTIMER_CONFIG_DIR=str(home / "config"),
                       BACKTIMER_DATA_DIR=str(home / "data"), COLUMNS="100")  # fmt: skip
            ref_home = base / f"ref{n}"
            (ref_home / "config" / "routines").mkdir(parents=True)
            (ref_home / "data").mkdir()
            neck = ref_home / "config" / "routines" / "neck-copy.toml"
            shutil.copy(ROOT / "routines" / "neck.toml", neck)
            ref_env = dict(env, BACKTIMER_CONFIG_DIR=str(ref_home / "config"),
                           BACKTIMER_DATA_DIR=str(ref_home / "data"))  # fmt: skip
            for command, template in COMMANDS.items():
                hostile = [a.replace("{path}", str(path)) for a in template]
                reference = [a.replace("{path}", str(neck)) for a in template]
                times, refs, cpus, peaks, codes = [], [], [], [], set()
                for _ in range(args.runs):  # interleaved: load changes hit both alike
                    seconds, cpu, peak, code = run(hostile, env)
                    times.append(seconds)
                    cpus.append(cpu)
                    peaks.append(peak)
                    codes.add(code)
                    refs.append(run(reference, ref_env)[0])
                median, ref = statistics.median(times), statistics.median(refs)
                cpu = statistics.median(cpus)
                worst = (max(worst[0], median), max(worst[1], *peaks))
                flag = "" if median < LIMIT_SECONDS and max(peaks) < LIMIT_MB else "  OVER"
                exits = ",".join(map(str, sorted(codes)))
                row = f"{name:38} {command:12} {median * 1000:6.0f}ms {ref * 1000:5.0f}ms "
                row += (
                    f"{median / ref:5.2f}x {cpu * 1000:5.0f}ms {max(peaks):5.0f}MB {exits:>4}{flag}"
                )
                print(row, flush=True)
    print(f"\nworst median {worst[0] * 1000:.0f} ms (limit {LIMIT_SECONDS * 1000:.0f}), "
          f"worst peak RSS {worst[1]:.0f} MB (limit {LIMIT_MB:.0f})")  # fmt: skip


if __name__ == "__main__":
    main()
