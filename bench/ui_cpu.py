"""CPU of the Textual app while a built-in routine counts down, next to termdown, in the
same run.

All run at the same time in their own tmux sessions at 100x30 for `--seconds` (40):
    backtimer run neck           holds of 3 s and relaxes of 2 s (the get-ready skipped)
    backtimer run office-chair   paced reps of 3 s, forwards then backwards
    backtimer run gym-back       skipped to its 2-minute rest: next-up and the breath guide
    termdown 20m                                      (the reference)
    bench/bare_digits.py --tick                       (bare Textual: one Digits, set each second)
CPU = on-CPU time of every thread of the process and its children (backtimer's audio
worker included), from /proc/PID/task/TID/schedstat (nanoseconds) at the start and end of
the window.

Needs tmux and termdown in the venv (benchmark only, not a project dependency):
    .venv/bin/pip install termdown
    .venv/bin/python bench/ui_cpu.py [--seconds 40] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

from tmux_cpu import Tmux, cpu_seconds, measure, wait_for

BIN = Path(sys.executable).parent
HERE = Path(__file__).resolve().parent

# screen: (routine id, keys pressed once it shows, text the screen shows all window long)
SCREENS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "neck": ("neck", ("n",), "Neck retraction"),
    "office-chair": ("office-chair", ("n",), "Shoulder rotation"),
    "rest with breath guide": ("gym-back", ("N",), "Next: Pull-down to the front"),
}
TARGET = 1.0  # at most termdown's CPU


def one_run(screen: str, seconds: float, home: Path) -> tuple[float, float, float]:
    """(backtimer, termdown, bare Textual) CPU seconds over the same `seconds`."""
    routine, keys, shown = SCREENS[screen]
    env = {
        "BACKTIMER_CONFIG_DIR": str(home / "config"),
        "BACKTIMER_DATA_DIR": str(home / "data"),
        "HOME": str(home),
    }
    tmux = Tmux()
    try:
        app = tmux.start("app", f"{BIN / 'backtimer'} run {routine}", env, (100, 30))
        ref = tmux.start("ref", f"{BIN / 'termdown'} 20m", env, (100, 30))
        bare = tmux.start(
            "bare", f"{sys.executable} {HERE / 'bare_digits.py'} --tick", env, (100, 30)
        )
        wait_for(tmux, "app", "GET READY")
        time.sleep(1.0)
        for key in keys:
            tmux.run("send-keys", "-t", "app", key)
        wait_for(tmux, "app", shown)
        time.sleep(2.0)  # past start-up work on every side
        before = [cpu_seconds(p) for p in (app, ref, bare)]
        time.sleep(seconds)
        after = [cpu_seconds(p) for p in (app, ref, bare)]
        if shown not in tmux.screen("app"):
            raise SystemExit("the app stopped showing the routine:\n" + tmux.screen("app"))
        a, r, b = (y - x for x, y in zip(before, after, strict=True))
        return a, r, b
    finally:
        tmux.kill()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "screens", nargs="*", metavar="SCREEN", help=f"of {', '.join(SCREENS)} (default: all)"
    )
    args = parser.parse_args()
    for tool in ("tmux",):
        if shutil.which(tool) is None:
            print(f"{tool} is not installed", file=sys.stderr)
            return 2
    if not (BIN / "termdown").exists():
        print("termdown is missing: .venv/bin/pip install termdown", file=sys.stderr)
        return 2
    python = sys.version.split()[0]
    print(f"{args.runs} run(s) of {args.seconds:g} s each, 100x30 tmux, Python {python}")
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    unknown = [s for s in args.screens if s not in SCREENS]
    if unknown:
        parser.error(f"unknown screen {unknown[0]!r}; screens: {', '.join(SCREENS)}")
    for kind in args.screens or list(SCREENS):
        measure(kind, args.runs, args.seconds, TARGET, one_run)
    print(f"load average at end: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
