"""Launch-to-first-frame time and peak memory of `backtimer run neck`, next to a bare
Textual app that shows one Digits (bench/bare_digits.py), in the same run.

Each launch gets its own pseudo-terminal of 100x30 (TERM=xterm-256color); "first frame"
= the moment the bytes the app wrote to the terminal contain the routine ("GET READY" and
the exercise name), or, for the bare app, its digits. The bench reads the terminal itself
(select on the pty), so it sees each write as it happens and adds no load of its own. (An
earlier version polled `tmux capture-pane` every 5 ms: ~200 process starts a second on
the same two cores as the app it timed, which slowed both apps and spread the results.)
Launches alternate between the two so that machine load hits both alike. Peak RSS = VmHWM
of the app's own process 1.5 s after the first frame (backtimer's audio worker is a
separate process; its VmHWM is reported on its own). backtimer's modules are
byte-compiled first, as `pip install` does: with PYTHONDONTWRITEBYTECODE set (as on some
machines) every launch would otherwise compile them from source while Textual's are
compiled. --against DIR launches another source tree's `backtimer run neck` in the same
rounds (DIR holds its backtimer package, e.g. `git worktree add /tmp/main main`).

    .venv/bin/python bench/ui_startup.py [--runs 25] [--against DIR]
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import sys
import tempfile
import termios
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tmux_cpu import tree
from ui_cpu import BIN, HERE

SIZE = (100, 30)


def vm_hwm_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def launch(argv: list[str], marks: tuple[str, ...], env: dict[str, str]) -> tuple[float, int, int]:
    """(seconds to first frame, app VmHWM KiB, children's VmHWM KiB)."""
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the child: the app, on the pty's terminal side
        fcntl.ioctl(1, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
        os.execve(argv[0], argv, {**os.environ, **env, "TERM": "xterm-256color"})
    seen = b""
    wanted = [m.encode() for m in marks]
    first = None
    try:
        deadline = start + 30
        while first is None:
            if time.perf_counter() > deadline:
                raise SystemExit(f"{argv}: never showed {marks}:\n{seen[-2000:]!r}")
            ready, _, _ = select.select([fd], [], [], 0.5)
            if ready:
                seen += os.read(fd, 65536)
                if all(m in seen for m in wanted):
                    first = time.perf_counter() - start
        settle = time.perf_counter() + 1.5
        while time.perf_counter() < settle:  # keep draining: a full pty would block the app
            if select.select([fd], [], [], 0.1)[0]:
                try:
                    os.read(fd, 65536)
                except OSError:
                    break
        kids = sum(vm_hwm_kib(p) for p in tree(pid) if p != pid)
        return first, vm_hwm_kib(pid), kids
    finally:
        for p in reversed(tree(pid)):
            with contextlib.suppress(ProcessLookupError):
                os.kill(p, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=25)
    parser.add_argument(
        "--against",
        type=Path,
        help="another source tree (holding its backtimer package), launched in turn too",
    )
    args = parser.parse_args()
    trees = {"backtimer": HERE.parent}
    if args.against:
        trees["backtimer (--against)"] = args.against.resolve()
    for source in trees.values():
        if not compileall.compile_dir(source / "backtimer", quiet=1):
            print(f"could not byte-compile {source / 'backtimer'}", file=sys.stderr)
            return 2
    results: dict[str, list[tuple[float, int, int]]] = {name: [] for name in trees}
    results["bare"] = []
    with tempfile.TemporaryDirectory() as tmp:
        env = {"BACKTIMER_CONFIG_DIR": f"{tmp}/config", "BACKTIMER_DATA_DIR": f"{tmp}/data"}
        # (argv, marks, environment): each tree's package first on the path
        commands = {
            name: (
                [str(BIN / "backtimer"), "run", "neck"],
                ("GET READY", "Neck retraction"),
                {**env, "PYTHONPATH": str(source)},
            )
            for name, source in trees.items()
        }
        commands["bare"] = ([sys.executable, str(HERE / "bare_digits.py")], ("╭─╮",), env)
        for command, marks, command_env in commands.values():
            launch(command, marks, command_env)  # warm the disk cache and the .pyc files
        for _ in range(args.runs):
            for name, (command, marks, command_env) in commands.items():
                results[name].append(launch(command, marks, command_env))
    med = statistics.median
    print(f"{args.runs} launches each, 100x30 pty, Python {sys.version.split()[0]}, "
          f"load average {os.getloadavg()[0]:.2f}")  # fmt: skip
    for name, rows in results.items():
        times = sorted(r[0] for r in rows)
        print(
            f"{name}: first frame median {med(times) * 1000:.0f} ms "
            f"(min {times[0] * 1000:.0f}, max {times[-1] * 1000:.0f}); "
            f"peak RSS median {med(r[1] for r in rows) / 1024:.1f} MiB; "
            f"child processes {med(r[2] for r in rows) / 1024:.1f} MiB"
        )
    r = results["bare"]
    for name in trees:
        b = results[name]
        # each backtimer launch against the bare launch of the same round: this machine's
        # speed drifts over minutes (shared host), and a round sees the same drift
        pairs = sorted(x[0] / y[0] for x, y in zip(b, r, strict=True))
        first = med(x[0] for x in b) / med(x[0] for x in r)
        print(
            f"ratios ({name} / bare): first frame {first:.2f} "
            f"(medians), {med(pairs):.2f} (median of {len(pairs)} back-to-back pairs; quartiles "
            f"{pairs[len(pairs) // 4]:.2f}-{pairs[3 * len(pairs) // 4]:.2f}) (target <= 1.3); "
            f"peak RSS {med(x[1] for x in b) / med(x[1] for x in r):.2f} (target <= 1.3)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
