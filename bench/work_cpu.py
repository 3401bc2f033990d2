"""CPU of the work screen left open (work mode counting down to a desk break), next to
termdown, in the same run. (The session screens: bench/ui_cpu.py.)

All run at the same time in their own tmux sessions at 100x30 for `--seconds` (60):
    backtimer run <a 10-minute timed exercise>        (plain: no breath guide), or
    backtimer run <the same with a 4 s / 4 s pacer>   (the breath guide animating), or
    backtimer work --hours any --days "every day"     (work: the work screen counting down
                                                       to a break, away detection on; also
                                                       without it, and in the last 10 minutes
                                                       before a break, when seconds show)
    termdown 20m                                      (the reference)
    bench/bare_digits.py --tick                       (bare Textual: one Digits, set each second)
CPU = on-CPU time of every thread of the process and its children (backtimer's audio
worker included), from /proc/PID/task/TID/schedstat (nanoseconds) at the start and end of
the window.

Needs tmux and termdown in the venv (benchmark only, not a project dependency):
    .venv/bin/pip install termdown
    .venv/bin/python bench/work_cpu.py [--seconds 60] [--runs 3] \
        [--kinds work,work-no-idle,work-last-10m]
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

ROUTINE = """
[routine]
name = "Bench {kind}"

[defaults]
prepare = 0
{breath}

[[exercise]]
name = "Long stretch"
duration = "10m"
"""


def write_routine(folder: Path, kind: str) -> Path:
    breath = 'breath = { inhale = "4s", exhale = "4s" }' if kind == "breath" else ""
    path = folder / f"bench-{kind}.toml"
    path.write_text(ROUTINE.format(kind=kind, breath=breath), encoding="utf-8")
    return path


# kind -> (target ratio to termdown, the text that shows the app is counting down)
KINDS = {
    "plain": (0.5, "Long stretch"),
    "breath": (1.0, "Long stretch"),
    "work": (0.5, "Next break"),
    "work-no-idle": (0.5, "Next break"),  # the same with idle = "off", meetings = "ignore"
    "work-last-10m": (0.5, "Next break"),  # the last 10 minutes, when seconds are shown
}


def app_command(kind: str, home: Path) -> str:
    if kind == "work-no-idle":
        config = home / "config" / "config.toml"
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text('[breaks]\nidle = "off"\nmeetings = "ignore"\n', encoding="utf-8")
    if kind.startswith("work"):  # idle = "auto" (the default): the away sources are polled
        first = " --first 9m" if kind == "work-last-10m" else ""
        return f"{BIN / 'backtimer'} work --hours any --days 'every day' --no-sound{first}"
    return f"{BIN / 'backtimer'} run {write_routine(home, kind)}"


def one_run(kind: str, seconds: float, home: Path) -> tuple[float, float, float]:
    """(backtimer, termdown, bare Textual) CPU seconds over the same `seconds`."""
    shown = KINDS[kind][1]
    env = {"BACKTIMER_CONFIG_DIR": str(home / "config"), "BACKTIMER_DATA_DIR": str(home / "data")}
    tmux = Tmux()
    try:
        app = tmux.start("app", app_command(kind, home), env, (100, 30))
        ref = tmux.start("ref", f"{BIN / 'termdown'} 20m", env, (100, 30))
        bare = tmux.start(
            "bare", f"{sys.executable} {HERE / 'bare_digits.py'} --tick", env, (100, 30)
        )
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
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--kinds", default="work,work-no-idle,work-last-10m", help=", ".join(KINDS))
    args = parser.parse_args()
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        parser.error(f"unknown kind {unknown[0]!r}; known: {', '.join(KINDS)}")
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
    for kind in kinds:
        measure(kind, args.runs, args.seconds, KINDS[kind][0], one_run)
    print(f"load average at end: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
