"""`backtimer status` and `status --json` wall time (target < 150 ms; --json as fast as the
line), side by side with references in the same run.

References: `python -c pass` (the interpreter's own start: the floor) and
`backtimer --version` (the whole command line's parser, and no command's code).
A saved schedule is written first into a temporary data folder, and a config.toml with a
[breaks] table (status checks it).

Run: .venv/bin/python bench/status_bench.py [--runs 41]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

VENV_BIN = Path(sys.executable).parent


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    return (time.perf_counter() - start) * 1000, result.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=41)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, BACKTIMER_DATA_DIR=f"{tmp}/data", BACKTIMER_CONFIG_DIR=f"{tmp}/c")
        os.environ.update(env)
        config = Path(tmp) / "c" / "config.toml"
        config.parent.mkdir(parents=True)
        config.write_text('[breaks]\nevery = "2h"\nhours = "any"\n', encoding="utf-8")
        from backtimer.breaks.scheduler import BreakSettings, Reading, Scheduler
        from backtimer.breaks.state import BreakStore

        sched = Scheduler(BreakSettings(hours=None, days=frozenset(range(7))), UTC)
        sched.check(Reading(datetime.now(UTC), time.monotonic()))
        store = BreakStore()
        store.save(sched.state, sched.settings)  # type: ignore[arg-type]
        store.close()
        exe = str(VENV_BIN / "backtimer")
        commands = {
            "python -c pass (floor)": [sys.executable, "-c", "pass"],
            "backtimer --version (the parser alone)": [exe, "--version"],
            "backtimer status": [exe, "status"],
            "backtimer status --json": [exe, "status", "--json"],
        }
        samples: dict[str, list[float]] = {name: [] for name in commands}
        output = ""
        for _ in range(args.runs):  # interleaved, so load changes hit every command alike
            for name, cmd in commands.items():
                ms, out = timed(cmd, env)
                samples[name].append(ms)
                if name == "backtimer status":
                    output = out
        status_median = statistics.median(samples["backtimer status"])
        print(f"runs: {args.runs}, status printed: {output!r}")
        print("| command | median ms | p90 ms | max ms | median ratio to status |")
        print("|---|---|---|---|---|")
        for name, values in samples.items():
            values.sort()
            p90 = values[int(len(values) * 0.9) - 1]
            med = statistics.median(values)
            print(
                f"| {name} | {med:.0f} | {p90:.0f} | {values[-1]:.0f} | {med / status_median:.2f} |"
            )


if __name__ == "__main__":
    main()
