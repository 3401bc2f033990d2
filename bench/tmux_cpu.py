"""What the CPU benchmarks of the Textual screens share (bench/ui_cpu.py for the session
screens, bench/work_cpu.py for the work screen): a private tmux server to run each command
in, and the CPU time of a process tree from /proc."""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


class Tmux:
    """A private tmux server (its own socket), one session per command."""

    count = 0

    def __init__(self) -> None:
        Tmux.count += 1
        self.socket = f"bench-{os.getpid()}-{Tmux.count}"

    def run(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args], check=False, capture_output=True, text=True
        )
        return done.stdout

    def start(self, name: str, command: str, env: dict[str, str], size: tuple[int, int]) -> int:
        env_args = [a for k, v in env.items() for a in ("-e", f"{k}={v}")]
        subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", "new-session", "-d", "-s", name,
             "-x", str(size[0]), "-y", str(size[1]), *env_args, f"exec {command}"],
            check=True, env={**os.environ, "TERM": "xterm-256color"},
        )  # fmt: skip
        return int(self.run("display-message", "-p", "-t", name, "#{pane_pid}").strip())

    def screen(self, name: str) -> str:
        return self.run("capture-pane", "-p", "-t", name)

    def kill(self) -> None:
        self.run("kill-server")


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        kids.setdefault(ppid, []).append(int(entry))
    return kids


def tree(pid: int) -> list[int]:
    kids = _children()
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def cpu_seconds(pid: int) -> float:
    """CPU time of pid and its live descendants, every thread: the scheduler's own count in
    nanoseconds (/proc/PID/task/TID/schedstat), not utime + stime, which the kernel keeps in
    10 ms ticks (a 60 s window of a 0.5% process is only ~30 of them). Plus the CPU of
    children that already ended (cutime + cstime, in ticks: the tool runs of the away
    sources, such as `tmux list-clients`). Falls back to utime + stime where schedstat is
    missing."""
    ns = 0
    ticks = 0
    for p in tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += sum(int(x) for x in fields[13:15])  # cutime cstime: reaped children
        try:
            for tid in os.listdir(f"/proc/{p}/task"):
                ns += int(Path(f"/proc/{p}/task/{tid}/schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            ticks += sum(int(x) for x in fields[11:13])  # utime stime
    return ns / 1e9 + ticks / TICKS


def wait_for(tmux: Tmux, name: str, text: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in tmux.screen(name):
            return
        time.sleep(0.05)
    raise SystemExit(f"{name}: {text!r} never appeared:\n{tmux.screen(name)}")


def measure(
    kind: str,
    runs: int,
    seconds: float,
    target: float,
    one_run: Callable[[str, float, Path], tuple[float, float, float]],
) -> None:
    """`runs` side-by-side runs of `kind` (one_run gives backtimer's, termdown's and the
    bare Textual app's CPU seconds, each in a fresh temporary folder): each run, then the
    medians and the ratios."""
    apps, refs, bares, ratios, bare_ratios = [], [], [], [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            a, r, b = one_run(kind, seconds, Path(tmp))
        apps.append(a)
        refs.append(r)
        bares.append(b)
        ratios.append(a / r if r else float("inf"))
        bare_ratios.append(a / b if b else float("inf"))
        print(
            f"  {kind}: backtimer {a:.2f} s, termdown {r:.2f} s, bare Textual {b:.2f} s; "
            f"ratio to termdown {ratios[-1]:.2f}, to bare {bare_ratios[-1]:.2f}"
        )
    pct = 100 / seconds
    med = statistics.median
    print(
        f"{kind}: medians backtimer {med(apps):.2f} s ({med(apps) * pct:.2f}% of a core), "
        f"termdown {med(refs):.2f} s ({med(refs) * pct:.2f}%), "
        f"bare Textual {med(bares):.2f} s ({med(bares) * pct:.2f}%); "
        f"median ratio to termdown {med(ratios):.2f} (target <= {target}), "
        f"to bare Textual {med(bare_ratios):.2f}"
    )
