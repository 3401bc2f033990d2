"""Launch-to-first-frame time and peak memory of `backtimer run neck`, next to a bare
Textual app that shows one Digits (bench/bare_digits.py), in the same run.

Each launch starts in a fresh tmux session at 100x30 (its own server socket); "first
frame" = the first `capture-pane` (polled every 5 ms) that shows the routine ("GET
READY" and the exercise name) or, for the bare app, its digits. Launches alternate
between the two so that machine load hits both alike. Peak RSS = VmHWM of the app's
own process 1.5 s after the first frame (backtimer's audio worker is a separate
process; its VmHWM is reported on its own). backtimer's modules are byte-compiled
first, as `pip install` does: with PYTHONDONTWRITEBYTECODE set (as on some machines)
every launch would otherwise compile them from source while Textual's are compiled.

    .venv/bin/python bench/ui_startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ui_cpu import BIN, HERE, Tmux, tree


def vm_hwm_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def launch(command: str, marks: tuple[str, ...], env: dict[str, str]) -> tuple[float, int, int]:
    """(seconds to first frame, app VmHWM KiB, children's VmHWM KiB)."""
    tmux = Tmux()
    try:
        start = time.perf_counter()
        pid = tmux.start("app", command, env, (100, 30))
        deadline = start + 30
        while True:
            screen = tmux.screen("app")
            if all(m in screen for m in marks):
                first = time.perf_counter() - start
                break
            if time.perf_counter() > deadline:
                raise SystemExit(f"{command}: never showed {marks}:\n{screen}")
            time.sleep(0.005)
        time.sleep(1.5)
        kids = sum(vm_hwm_kib(p) for p in tree(pid) if p != pid)
        return first, vm_hwm_kib(pid), kids
    finally:
        tmux.kill()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        print("tmux is not installed", file=sys.stderr)
        return 2
    package = HERE.parent / "backtimer"
    if not compileall.compile_dir(package, quiet=1):
        print(f"could not byte-compile {package}", file=sys.stderr)
        return 2
    results: dict[str, list[tuple[float, int, int]]] = {"backtimer": [], "bare": []}
    with tempfile.TemporaryDirectory() as tmp:
        env = {"BACKTIMER_CONFIG_DIR": f"{tmp}/config", "BACKTIMER_DATA_DIR": f"{tmp}/data"}
        commands = {
            "backtimer": (f"{BIN / 'backtimer'} run neck", ("GET READY", "Neck retraction")),
            "bare": (f"{sys.executable} {HERE / 'bare_digits.py'}", ("╭─╮",)),
        }
        launch(*commands["backtimer"], env)  # warm the disk cache and .pyc files for both
        launch(*commands["bare"], env)
        for _ in range(args.runs):
            for name, (command, marks) in commands.items():
                results[name].append(launch(command, marks, env))
    med = statistics.median
    print(f"{args.runs} launches each, 100x30 tmux, Python {sys.version.split()[0]}, "
          f"load average {os.getloadavg()[0]:.2f}")  # fmt: skip
    for name, rows in results.items():
        times = sorted(r[0] for r in rows)
        print(
            f"{name}: first frame median {med(times) * 1000:.0f} ms "
            f"(min {times[0] * 1000:.0f}, max {times[-1] * 1000:.0f}); "
            f"peak RSS median {med(r[1] for r in rows) / 1024:.1f} MiB; "
            f"child processes {med(r[2] for r in rows) / 1024:.1f} MiB"
        )
    b, r = results["backtimer"], results["bare"]
    print(
        f"ratios (backtimer / bare): first frame {med(x[0] for x in b) / med(x[0] for x in r):.2f} "
        f"(target <= 1.3), peak RSS {med(x[1] for x in b) / med(x[1] for x in r):.2f} "
        "(target <= 1.3)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
