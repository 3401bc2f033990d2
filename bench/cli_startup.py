"""Start-up time of the command line: `backtimer --version`, `--help`, `list`, `show neck`,
`validate routines/neck.toml`, `status`, and what shells run (`completion bash` at each
start, `list --ids` at each tab on a routine), each a new process from spawn to exit, next
to the reference `python -c "import argparse"` by the same interpreter, in the same run.

Commands are interleaved run by run, so a change of machine load hits all alike; each
command's ratio is the median over the runs of (command / the reference of the same
round). The package is byte-compiled first, as `pip install` does (with
PYTHONDONTWRITEBYTECODE set, every start would otherwise compile it from source). HOME is
a temporary folder, where backtimer finds its folders as for anyone (no BACKTIMER_* or
XDG_* variables): a config.toml with a [breaks] table and a saved break schedule, both of
which `status` reads.

--against DIR times the same commands from another source tree (DIR holds its
`backtimer` package, e.g. `git worktree add /tmp/main main`), side by side in the same
run: the before and after of a change.

    .venv/bin/python bench/cli_startup.py [--runs 21] [--against DIR]
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
VENV_BIN = Path(sys.executable).parent
NECK = ROOT / "routines" / "neck.toml"

REFERENCE = 'python -c "import argparse"'
# (what is timed, the words after `backtimer`, the target against the reference)
COMMANDS: list[tuple[str, list[str], float | None]] = [
    ("backtimer --version", ["--version"], 2.0),
    ("backtimer --help", ["--help"], 2.0),
    ("backtimer completion bash", ["completion", "bash"], None),
    ("backtimer list --ids", ["list", "--ids"], None),
    ("backtimer list", ["list"], None),
    ("backtimer show neck", ["show", "neck"], None),
    ("backtimer validate routines/neck.toml", ["validate", str(NECK)], None),
    ("backtimer status", ["status"], None),
]


def timed(argv: list[str], env: dict[str, str], cwd: str) -> float:
    """Milliseconds from spawn to exit; the command must succeed."""
    start = time.perf_counter()
    result = subprocess.run(argv, capture_output=True, env=env, cwd=cwd, check=False)
    ms = (time.perf_counter() - start) * 1000
    if result.returncode != 0:
        raise SystemExit(f"{argv} failed ({result.returncode}): {result.stderr.decode()[-500:]}")
    return ms


def save_schedule(env: dict[str, str]) -> None:
    """A running work mode's saved schedule, as `status` reads it."""
    os.environ.clear()
    os.environ.update(env)
    from backtimer.breaks.scheduler import BreakSettings, Reading, Scheduler
    from backtimer.breaks.state import BreakStore

    scheduler = Scheduler(BreakSettings(hours=None, days=frozenset(range(7))), UTC)
    scheduler.check(Reading(datetime.now(UTC), time.monotonic()))
    store = BreakStore()
    store.save(scheduler.state, scheduler.settings)  # type: ignore[arg-type]
    store.close()


def compiled(tree: Path) -> None:
    if not compileall.compile_dir(tree / "backtimer", quiet=1):
        raise SystemExit(f"could not byte-compile {tree / 'backtimer'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--against", type=Path, help="another source tree, timed side by side")
    args = parser.parse_args()
    trees = {"": ROOT}
    if args.against:
        if not (args.against / "backtimer" / "cli" / "main.py").is_file():
            raise SystemExit(f"{args.against}: no backtimer package there")
        trees = {"before": args.against.resolve(), "after": ROOT}
    for tree in trees.values():
        compiled(tree)
    script = VENV_BIN / "backtimer"
    entry = [str(script)] if script.exists() else [sys.executable, "-m", "backtimer"]
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        # a person's folders, found as they are (platformdirs), in a temporary home
        base = {k: v for k, v in os.environ.items() if not k.startswith(("BACKTIMER_", "XDG_"))}
        base |= {"HOME": str(home), "COLUMNS": "100"}
        base.pop("PYTHONPATH", None)
        config = home / ".config" / "backtimer"
        config.mkdir(parents=True)
        (config / "config.toml").write_text('[breaks]\nevery = "2h"\nhours = "any"\n')
        save_schedule(base)
        # (label, argv, env): each tree's package comes first on the path (the working
        # folder is the temporary one, never a checkout)
        runs: list[tuple[str, list[str], dict[str, str]]] = [
            (REFERENCE, [sys.executable, "-c", "import argparse"], base)
        ]
        for name, words, _target in COMMANDS:
            for tag, tree in trees.items():
                env = {**base, "PYTHONPATH": str(tree)}
                runs.append((f"{name} [{tag}]" if tag else name, [*entry, *words], env))
        for _label, argv, env in runs:  # warm the disk cache
            timed(argv, env, tmp)
        samples: dict[str, list[float]] = {label: [] for label, _, _ in runs}
        for _ in range(args.runs):
            for label, argv, env in runs:
                samples[label].append(timed(argv, env, tmp))
    reference = samples[REFERENCE]
    print(
        f"{args.runs} runs each, interleaved; Python {sys.version.split()[0]}; "
        f"load average {os.getloadavg()[0]:.2f} at the end"
    )
    print("| command | median ms | p90 ms | ratio to the reference (target) |")
    print("|---|---:|---:|---|")
    targets = {name: target for name, _, target in COMMANDS}
    for label, values in samples.items():
        ordered = sorted(values)
        p90 = ordered[max(0, int(len(ordered) * 0.9) - 1)]
        ratio = statistics.median(v / r for v, r in zip(values, reference, strict=True))
        target = targets.get(label.split(" [")[0])
        goal = f" (<= {target:g}: {'met' if ratio <= target else 'NOT met'})" if target else ""
        print(f"| {label} | {statistics.median(values):.1f} | {p90:.1f} | {ratio:.2f}{goal} |")
    if args.against:
        print("\n| command | before ms | after ms | after / before |")
        print("|---|---:|---:|---:|")
        for name, _, _ in COMMANDS:
            before, after = samples[f"{name} [before]"], samples[f"{name} [after]"]
            ratio = statistics.median(a / b for a, b in zip(after, before, strict=True))
            print(
                f"| {name} | {statistics.median(before):.1f} | "
                f"{statistics.median(after):.1f} | {ratio:.2f} |"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
