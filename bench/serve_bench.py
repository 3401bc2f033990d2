"""`backtimer serve` in headless Chromium next to the same app in tmux, in the same run.

First frame: the time from asking for the page to the routine on it (the routine's name
in the screen rebuilt from the bytes the page received, and textual.js's own mark of the
first bytes drawn), against `backtimer run ROUTINE` in a new tmux session at the same
size, from `new-session` to the name in `capture-pane` (polled every 10 ms).
Reload: the same for a page loaded again while its session runs (the app goes on and
draws its whole screen again for the new page), against a new page with a new app.
Each page quits its session at the end (q, y): an app whose page only closes waits for it.
CPU: on-CPU time (/proc/PID/task/TID/schedstat, every thread, nanoseconds) over the same
window while both count down a 10-minute timed exercise at the same size: the serve
process (the relay), its app process (one per browser), and the app in tmux;
the browser side (Chromium and Playwright's driver) is shown for what drawing the page costs.

Needs tmux, /usr/bin/chromium and the test extras (playwright, pyte):
    .venv/bin/python bench/serve_bench.py [--launches 7] [--seconds 30] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.tmux_cpu import Tmux, cpu_seconds, tree  # noqa: E402
from tests.helpers.serve_helpers import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    TOKEN,
    BrowserScreen,
    Served,
    chromium_missing,
    served_env,
)

ROUTINE = """
[routine]
name = "Bench serve"

[defaults]
prepare = 0

[[exercise]]
name = "Long stretch"
duration = "10m"
"""
NAME = "Long stretch"
VIEWPORT = (1280, 800)


def write_routine(home: Path) -> Path:
    path = home / "bench-serve.toml"
    path.write_text(ROUTINE, encoding="utf-8")
    return path


def open_in_browser(browser: Any, url: str) -> tuple[Any, BrowserScreen, float, float, float]:
    """(context, screen, ms to textual.js's first-bytes mark, ms to the routine's name, ms
    to the page opening its WebSocket: the page itself, before any app starts)."""
    context = browser.new_context(viewport={"width": VIEWPORT[0], "height": VIEWPORT[1]})
    page = context.new_page()
    screen = BrowserScreen(page)
    opened: list[float] = []
    page.on("websocket", lambda _ws: opened.append(time.perf_counter()))
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_selector("body.-first-byte", timeout=30000)
    first_bytes = time.perf_counter() - start
    deadline = start + 30
    while NAME not in screen.text():
        if time.perf_counter() > deadline:
            raise SystemExit("the routine never appeared in the page:\n" + screen.text())
        page.wait_for_timeout(5)
    named = time.perf_counter() - start
    return context, screen, first_bytes * 1000, named * 1000, (opened[0] - start) * 1000


def quit_app(screen: BrowserScreen) -> None:
    """Quit the session in the page (q, then y), as a person does: an app whose page merely
    closes goes on for a while (it waits for its page to come back) and would be counted."""
    page = screen.page
    page.locator(".xterm-screen").click()
    page.keyboard.press("q")
    screen.wait_for("Stop this session?")
    page.keyboard.press("y")
    page.wait_for_selector("body.-ended", timeout=15000)


def tmux_first_frame(routine: Path, env: dict[str, str], size: tuple[int, int]) -> float:
    tmux = Tmux()
    try:
        start = time.perf_counter()
        tmux.start("app", f"{sys.executable} -m backtimer run {routine}", env, size)
        while NAME not in tmux.screen("app"):
            if time.perf_counter() - start > 30:
                raise SystemExit("the routine never appeared in tmux:\n" + tmux.screen("app"))
            time.sleep(0.01)
        return (time.perf_counter() - start) * 1000
    finally:
        tmux.kill()


def browser_pids(served_pid: int) -> list[int]:
    """The browser side: this bench's own children (Chromium and Playwright's driver),
    not the serve process and its apps."""
    return [p for p in tree(os.getpid()) if p != os.getpid() and p not in tree(served_pid)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--launches", type=int, default=7)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    why = chromium_missing() or (None if shutil.which("tmux") else "tmux is not installed")
    if why:
        print(why, file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    med = statistics.median
    print(f"Python {sys.version.split()[0]}, viewport {VIEWPORT[0]}x{VIEWPORT[1]}")
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        home = Path(tmp)
        routine = write_routine(home)
        env = served_env(home)
        tmux_env = {k: env[k] for k in ("HOME", "BACKTIMER_CONFIG_DIR", "BACKTIMER_DATA_DIR")}
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        served = Served(home, "--token", TOKEN, "--no-sound", str(routine))
        try:
            # the page's terminal size, for tmux to match
            context, screen, _b, _n, _w = open_in_browser(browser, served.url)
            assert screen.size is not None
            size = screen.size
            quit_app(screen)
            context.close()
            print(f"terminal size in the page: {size[0]}x{size[1]}")

            bytes_ms, named_ms, tmux_ms, socket_ms = [], [], [], []
            for _ in range(args.launches):
                time.sleep(1.0)  # the previous app process has gone
                context, screen, b, n, w = open_in_browser(browser, served.url)
                quit_app(screen)
                context.close()
                socket_ms.append(w)
                bytes_ms.append(b)
                named_ms.append(n)
                time.sleep(1.0)
                tmux_ms.append(tmux_first_frame(routine, tmux_env, size))
            print(
                f"first frame, {args.launches} launches each: page first bytes median "
                f"{med(bytes_ms):.0f} ms ({min(bytes_ms):.0f}-{max(bytes_ms):.0f}), "
                f"routine on the page {med(named_ms):.0f} ms "
                f"({min(named_ms):.0f}-{max(named_ms):.0f}); tmux {med(tmux_ms):.0f} ms "
                f"({min(tmux_ms):.0f}-{max(tmux_ms):.0f}); ratio page/tmux "
                f"{med(named_ms) / med(tmux_ms):.2f}; the page opened its WebSocket after "
                f"{med(socket_ms):.0f} ms, the app's first frame came "
                f"{med([n - w for n, w in zip(named_ms, socket_ms, strict=True)]):.0f} ms later"
            )

            # a reload: the app goes on, the new page gets its whole screen drawn again
            reload_ms = []
            context, screen, _b, _n, _w = open_in_browser(browser, served.url)
            for _ in range(args.launches):
                time.sleep(0.5)
                screen.screen.reset()
                start = time.perf_counter()
                screen.page.reload()
                while NAME not in screen.text():
                    if time.perf_counter() - start > 30:
                        raise SystemExit("the routine never came back after a reload")
                    screen.page.wait_for_timeout(5)
                reload_ms.append((time.perf_counter() - start) * 1000)
            quit_app(screen)
            context.close()
            print(
                f"reload, {args.launches} times: the running session on the page again after "
                f"{med(reload_ms):.0f} ms ({min(reload_ms):.0f}-{max(reload_ms):.0f}), "
                f"against {med(named_ms):.0f} ms for a new page and its new app"
            )

            relay, served_app, tmux_app, pages = [], [], [], []
            for _ in range(args.runs):
                time.sleep(1.0)
                context, screen, _b, _n, _w = open_in_browser(browser, served.url)
                tmux = Tmux()
                try:
                    pane = tmux.start("app", f"{sys.executable} -m backtimer run {routine}",
                                      tmux_env, size)  # fmt: skip
                    while NAME not in tmux.screen("app"):
                        time.sleep(0.05)
                    screen.page.wait_for_timeout(2000)  # past start-up on both sides
                    server_pid = served.process.pid
                    app_pids = [p for p in tree(server_pid) if p != server_pid]
                    page_pids = browser_pids(server_pid)
                    before = (
                        _own_cpu(server_pid),
                        sum(cpu_seconds(p) for p in app_pids if p in _top(app_pids)),
                        cpu_seconds(pane),
                        sum(_own_cpu(p) for p in page_pids),
                    )
                    screen.page.wait_for_timeout(args.seconds * 1000)
                    after = (
                        _own_cpu(server_pid),
                        sum(cpu_seconds(p) for p in app_pids if p in _top(app_pids)),
                        cpu_seconds(pane),
                        sum(_own_cpu(p) for p in page_pids),
                    )
                    if NAME not in screen.text() or NAME not in tmux.screen("app"):
                        raise SystemExit("a side stopped showing the routine")
                    quit_app(screen)
                finally:
                    tmux.kill()
                    context.close()
                r, a, t, c = (y - x for x, y in zip(before, after, strict=True))
                relay.append(r)
                served_app.append(a)
                tmux_app.append(t)
                pages.append(c)
                print(
                    f"  {args.seconds:g} s: serve relay {r:.2f} s, served app {a:.2f} s, "
                    f"app in tmux {t:.2f} s, browser {c:.2f} s; "
                    f"(relay + app) / tmux {(r + a) / t:.2f}"
                )
            pct = 100 / args.seconds
            total = [r + a for r, a in zip(relay, served_app, strict=True)]
            print(
                f"CPU, medians of {args.runs}: serve relay {med(relay):.2f} s "
                f"({med(relay) * pct:.2f}% of a core), served app {med(served_app):.2f} s "
                f"({med(served_app) * pct:.2f}%), both {med(total):.2f} s; app in tmux "
                f"{med(tmux_app):.2f} s ({med(tmux_app) * pct:.2f}%); ratio served/tmux "
                f"{med(total) / med(tmux_app):.2f} (app alone "
                f"{med(served_app) / med(tmux_app):.2f}); browser side {med(pages):.2f} s"
            )
        finally:
            served.stop()
            browser.close()
    return 0


def _top(pids: list[int]) -> list[int]:
    """The app processes themselves (children of the serve process), not their children."""
    kids = set()
    for p in pids:
        kids.update(q for q in tree(p) if q != p)
    return [p for p in pids if p not in kids]


def _own_cpu(pid: int) -> float:
    """On-CPU seconds of one process (every thread), without its children."""
    ns = 0
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            ns += int(Path(f"/proc/{pid}/task/{tid}/schedstat").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0.0
    return ns / 1e9


if __name__ == "__main__":
    raise SystemExit(main())
