"""CPU cost of away and meeting detection: polling once a second for 60 s, side by side with
doing nothing and with the naive way (every tool run and a new D-Bus connection per poll).

Set-up, all private: a dbus-daemon with a desktop on it (GNOME idle monitor, ScreenSaver,
logind, a notification server; served by a separate process so its CPU is not counted as
ours), a tmux server with a client attached in a pty, a /proc/asound tree with two capture
substreams, and gsettings if installed (GLib's keyfile backend in a temporary folder). CPU
is this process's user+system time plus that of the tools it ran (getrusage of children),
and separately the dbus-daemon's.

Phases, in one run, each `--seconds` long at one poll per second (real time), `--rounds`
times in alternation:
- nothing: the loop sleeps to the next second and does nothing else (the floor);
- backtimer: IdleMonitor.poll + MeetingMonitor.poll (check.monitors()), as work mode will;
- naive: the same sources asked at every poll, tmux and gsettings run every second, and a
  new D-Bus connection for every poll.
Then a tight loop: 600 polls back to back with the injected clock 1 s apart (so tmux runs
every 10th poll, as in real time): CPU per poll, median of 5 batches.

Run: .venv/bin/python bench/idle_poll.py [--seconds 60] [--rounds 1]
"""

from __future__ import annotations

import argparse
import os
import pty
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SS, SS_PATH = "org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver"
MUTTER, MUTTER_PATH = "org.gnome.Mutter.IdleMonitor", "/org/gnome/Mutter/IdleMonitor/Core"
LOGIN, SESSION = "org.freedesktop.login1", "/org/freedesktop/login1/session/auto"
NOTIFY, NOTIFY_PATH = "org.freedesktop.Notifications", "/org/freedesktop/Notifications"


def serve(address: str) -> None:
    """The fake desktop, until SIGTERM."""
    from tests.helpers.dbus_helpers import Service

    service = Service(address, [SS, MUTTER, LOGIN, NOTIFY])
    service.method(SS_PATH, SS, "GetSessionIdleTime", lambda _b: ("u", (4000,)))
    service.method(SS_PATH, SS, "GetActive", lambda _b: ("b", (False,)))
    service.method(MUTTER_PATH, MUTTER, "GetIdletime", lambda _b: ("t", (4200,)))
    for name, sig, value in (("IdleHint", "b", False), ("IdleSinceHint", "t", 0)):
        service.set_property(SESSION, "org.freedesktop.login1.Session", name, sig, value)
    service.set_property(SESSION, "org.freedesktop.login1.Session", "LockedHint", "b", False)
    service.set_property(NOTIFY_PATH, NOTIFY, "Inhibited", "b", False)
    signal.sigwait({signal.SIGTERM})
    service.stop()


def cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def proc_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Now:
    def __init__(self, wall: datetime, mono: float) -> None:
        self.wall = wall
        self.mono = mono


def real_now() -> Now:
    return Now(datetime.now(UTC), time.monotonic())


def phase(seconds: float, work: Callable[[Now], None], daemon_pid: int) -> tuple[float, float]:
    """(our CPU, dbus-daemon CPU) in seconds over `seconds` of one call per second."""
    start_cpu, start_daemon = cpu(), proc_cpu(daemon_pid)
    start = time.monotonic()
    tick = 0
    while tick < seconds:
        work(real_now())
        tick += 1
        time.sleep(max(0.0, start + tick - time.monotonic()))
    return cpu() - start_cpu, proc_cpu(daemon_pid) - start_daemon


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return
    for tool in ("dbus-daemon", "tmux"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is not installed")

    from backtimer.breaks import idle, meetings
    from backtimer.breaks.bus import Bus
    from backtimer.breaks.check import monitors
    from backtimer.breaks.idle import IdleMonitor
    from backtimer.breaks.meetings import MeetingMonitor
    from backtimer.breaks.probe import Prober
    from tests.helpers.dbus_helpers import Daemon

    daemon = Daemon()
    server = subprocess.Popen([sys.executable, __file__, "--serve", daemon.address])
    name = f"backtimer-bench-{os.getpid()}"
    tmux_env = {k: v for k, v in os.environ.items() if k != "TMUX"} | {"TERM": "xterm"}
    master = -1
    client = None
    with tempfile.TemporaryDirectory() as tmp:
        try:
            subprocess.run(
                ["tmux", "-L", name, "-f", "/dev/null", "new-session", "-d", "-s", "w", "cat"],
                check=True,
                env=tmux_env,
            )
            socket = subprocess.run(
                ["tmux", "-L", name, "display-message", "-p", "#{socket_path}"],
                capture_output=True,
                text=True,
                check=True,
                env=tmux_env,
            ).stdout.strip()
            master, slave = pty.openpty()
            client = subprocess.Popen(
                ["tmux", "-L", name, "attach", "-t", "w"],
                stdin=slave,
                stdout=slave,
                stderr=slave,
                start_new_session=True,
                env=tmux_env,
            )
            os.close(slave)
            asound = Path(tmp) / "asound"
            for card in (0, 1):
                status = asound / f"card{card}" / "pcm0c" / "sub0" / "status"
                status.parent.mkdir(parents=True)
                status.write_text("closed\n")
            # GNOME's settings, in GLib's keyfile backend (no dconf service here): the file
            # work mode watches and gsettings reads
            keyfile = Path(tmp) / "glib-2.0" / "settings" / "keyfile"
            keyfile.parent.mkdir(parents=True)
            keyfile.write_text("[org/gnome/desktop/notifications]\nshow-banners=true\n")
            gnome = {"GSETTINGS_BACKEND": "keyfile", "XDG_CONFIG_HOME": tmp}
            os.environ.update(gnome)  # for the gsettings runs
            time.sleep(1.0)  # the service and the client are up
            env = {
                "DBUS_SESSION_BUS_ADDRESS": daemon.address,
                "DBUS_SYSTEM_BUS_ADDRESS": daemon.address,
                "TMUX": f"{socket},1,0",
                **gnome,
            }
            away, meeting = monitors(env, asound=asound)
            first = away.poll(real_now())
            answered = [r.name for r in first.per_source if r.answered]
            meet = meeting.poll(real_now())
            answered += [r.name for r in meet.per_source if r.answered]
            print("sources answering:", ", ".join(answered))

            def ours(now: Now) -> None:
                away.poll(now)
                meeting.poll(now)

            def naive(now: Now) -> None:
                session, system = Bus("session", env), Bus("system", env)
                a = IdleMonitor(
                    [
                        idle.TmuxSource(env, interval=0),
                        idle.MutterSource(session),
                        idle.ScreenSaverSource(session),
                        idle.LogindSource(system),
                    ]
                )
                m = MeetingMonitor(
                    [
                        meetings.AlsaCaptureSource(asound),
                        meetings.NotificationsInhibitedSource(session),
                        meetings.GnomeDndSource(interval=0),  # a new one each poll: gsettings runs
                    ]
                )
                a.poll(now)
                m.poll(now)
                a.close()
                m.close()

            results: dict[str, list[tuple[float, float]]] = {
                "nothing": [],
                "backtimer": [],
                "naive": [],
            }
            work = {"nothing": lambda now: None, "backtimer": ours, "naive": naive}
            for _round in range(args.rounds):
                for label in ("nothing", "backtimer", "naive"):
                    results[label].append(phase(args.seconds, work[label], daemon.pid))

            print(f"\n{args.seconds} s at one poll per second, {args.rounds} round(s), medians:")
            print(f"{'':10} {'ours ms':>8} {'ms/poll':>8} {'% core':>7} {'dbus-daemon ms':>15}")
            medians = {}
            for label, runs in results.items():
                ours_s = statistics.median(r[0] for r in runs)
                bus_s = statistics.median(r[1] for r in runs)
                medians[label] = ours_s
                print(
                    f"{label:10} {ours_s * 1000:8.1f} {ours_s * 1000 / args.seconds:8.2f} "
                    f"{ours_s / args.seconds * 100:7.3f} {bus_s * 1000:15.0f}"
                )
            if medians["naive"]:
                print(f"backtimer / naive: {medians['backtimer'] / medians['naive']:.2f}")

            start = real_now()
            batches = []
            for batch in range(5):
                before = cpu()
                for i in range(600):
                    second = batch * 600 + i
                    ours(Now(start.wall + timedelta(seconds=second), start.mono + second))
                batches.append((cpu() - before) / 600)
            print(
                f"\nback to back, clock 1 s apart: {statistics.median(batches) * 1e6:.0f} µs CPU "
                f"per poll (median of 5 x 600; min {min(batches) * 1e6:.0f}, "
                f"max {max(batches) * 1e6:.0f})"
            )
            print("\nper source, back to back, clock 1 s apart (median of 3 x 300 polls):")
            every = [*away.sources, *meeting.sources]
            for source in every:
                alone = Prober([source])
                costs = []
                for batch in range(3):
                    before = cpu()
                    for i in range(300):
                        second = 10_000 + batch * 300 + i
                        alone.poll(Now(start.wall + timedelta(seconds=second), start.mono + second))
                    costs.append((cpu() - before) / 300)
                print(
                    f"  {source.name:14} every {source.interval:4.0f} s: "
                    f"{statistics.median(costs) * 1e6:5.0f} µs per poll"
                )
            away.close()
            meeting.close()
        finally:
            subprocess.run(["tmux", "-L", name, "kill-server"], capture_output=True, check=False)
            if client is not None:
                client.wait(timeout=5)
            if master >= 0:
                os.close(master)
            server.terminate()
            server.wait(timeout=5)
            daemon.stop()


if __name__ == "__main__":
    main()
