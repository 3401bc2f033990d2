"""Away detection: how long the person has been idle, from every source that answers.

Sources (each asked at most every `interval` seconds; a failing one is backed off):
- "tmux": `client_activity` of the clients attached to the tmux server work mode runs in
  ($TMUX names its socket). The last key typed into any client of that server; works over
  SSH. One `tmux list-clients` every 10 s.
- "gnome": GNOME Mutter's org.gnome.Mutter.IdleMonitor.GetIdletime (Wayland and X11).
- "screensaver": org.freedesktop.ScreenSaver.GetSessionIdleTime (KDE Plasma and others;
  read as milliseconds, as Plasma sends it) and GetActive (a running screen saver or lock
  counts as locked).
- "logind": IdleHint/IdleSinceHint and LockedHint of the login session (system bus). Gives
  an idle time only once the desktop has marked the session idle.
- "xprintidle": the X server's idle time, when xprintidle is installed and an X display
  is set (not in a Wayland session, where XWayland sees only X11 windows). One run every 10 s.

The D-Bus sources share one connection per bus (bus.py) and are asked every 5 s, with a
0.25 s limit per call. Between questions a source's idle time grows with the clock, so a
person who comes back is seen within 5 s (10 s for tmux and xprintidle).

The reading is the smallest idle time of the sources that answered: a key typed over SSH
into tmux, or a mouse moved on the desktop, both mean the person is there.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from backtimer.breaks.bus import Bus
from backtimer.breaks.probe import (
    Answer,
    Now,
    Prober,
    Runner,
    Source,
    SourceReport,
    Unavailable,
    clean,
    run_tool,
)

TMUX_INTERVAL = 10.0  # seconds between `tmux list-clients`
XPRINTIDLE_INTERVAL = 10.0  # seconds between `xprintidle`
DBUS_INTERVAL = 5.0  # seconds between questions to each D-Bus source (one or two messages)


class TmuxSource:
    """Idle time of the person at the tmux server this process runs in."""

    name = "tmux"

    def __init__(
        self, env: Mapping[str, str], run: Runner = subprocess.run, interval: float = TMUX_INTERVAL
    ) -> None:
        self.socket = env.get("TMUX", "").split(",")[0]
        self.run = run
        self.interval = interval

    def query(self, now: Now) -> Answer:
        if not self.socket:
            raise Unavailable("not inside tmux ($TMUX is not set)")
        out = run_tool(
            self.run,
            ["tmux", "-S", self.socket, "list-clients", "-F", "#{client_activity}"],
            "tmux",
        )
        stamps = [int(line) for line in out.split() if line.isdigit()]
        if not stamps:
            return Answer(None, detail="no client attached")
        idle = max(0.0, now.wall.timestamp() - max(stamps))
        clients = "1 client" if len(stamps) == 1 else f"{len(stamps)} clients"
        return Answer(idle, detail=f"{clients} attached (last key typed in any of them)")

    def close(self) -> None:
        pass


class XprintidleSource:
    """The X server's idle time (xprintidle prints milliseconds)."""

    name = "xprintidle"

    def __init__(
        self,
        env: Mapping[str, str],
        run: Runner = subprocess.run,
        which: Callable[[str], str | None] = shutil.which,
        interval: float = XPRINTIDLE_INTERVAL,
    ) -> None:
        self.env = env
        self.run = run
        self.which = which
        self.interval = interval

    def query(self, now: Now) -> Answer:
        if self.env.get("WAYLAND_DISPLAY") or self.env.get("XDG_SESSION_TYPE") == "wayland":
            raise Unavailable("Wayland session (XWayland's idle time sees only X11 windows)")
        if not self.env.get("DISPLAY"):
            raise Unavailable("no X display (DISPLAY is not set)")
        tool = self.which("xprintidle")
        if not tool:
            raise Unavailable("xprintidle is not installed")
        out = run_tool(self.run, [tool], "xprintidle").strip()
        if not out.isdigit():
            raise Unavailable(f"xprintidle printed {clean(out, 40)!r}, not milliseconds")
        return Answer(int(out) / 1000.0, detail=f"X display {clean(self.env['DISPLAY'], 40)}")

    def close(self) -> None:
        pass


class MutterSource:
    """GNOME Shell's idle monitor: milliseconds since the last input, on X11 and Wayland."""

    name = "gnome"

    def __init__(self, bus: Bus, interval: float = DBUS_INTERVAL) -> None:
        self.bus = bus
        self.interval = interval

    def query(self, now: Now) -> Answer:
        (ms,) = self.bus.call(
            "org.gnome.Mutter.IdleMonitor",
            "/org/gnome/Mutter/IdleMonitor/Core",
            "org.gnome.Mutter.IdleMonitor",
            "GetIdletime",
        )
        if not isinstance(ms, int) or ms < 0:
            raise Unavailable("GetIdletime sent an unexpected value")
        return Answer(ms / 1000.0, detail="org.gnome.Mutter.IdleMonitor")

    def close(self) -> None:
        self.bus.close()


class ScreenSaverSource:
    """org.freedesktop.ScreenSaver: session idle time (milliseconds, as KDE Plasma sends
    it) and whether the screen saver (lock screen) is active."""

    name = "screensaver"

    def __init__(self, bus: Bus, interval: float = DBUS_INTERVAL) -> None:
        self.bus = bus
        self.interval = interval

    def query(self, now: Now) -> Answer:
        name, path = "org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver"
        (ms,) = self.bus.call(name, path, name, "GetSessionIdleTime")
        if not isinstance(ms, int) or ms < 0:
            raise Unavailable("GetSessionIdleTime sent an unexpected value")
        try:
            (active,) = self.bus.call(name, path, name, "GetActive")
        except Unavailable:
            active = False
        locked = active is True
        return Answer(
            ms / 1000.0,
            locked=locked,
            detail="screen saver active" if locked else "screen saver not active",
        )

    def close(self) -> None:
        self.bus.close()


class LogindSource:
    """systemd-logind's session hints. IdleSinceHint is in microseconds of the wall clock."""

    name = "logind"
    PATHS = ("/org/freedesktop/login1/session/auto", "/org/freedesktop/login1/session/self")

    def __init__(self, bus: Bus, interval: float = DBUS_INTERVAL) -> None:
        self.bus = bus
        self.interval = interval
        self._path: str | None = None

    def _properties(self) -> dict[str, Any]:
        reasons = []
        for path in (self._path,) if self._path else self.PATHS:
            try:
                (props,) = self.bus.call(
                    "org.freedesktop.login1",
                    path,
                    "org.freedesktop.DBus.Properties",
                    "GetAll",
                    signature="s",
                    body=("org.freedesktop.login1.Session",),
                )
            except Unavailable as exc:
                reasons.append(str(exc))
                if "not on the" in str(exc):
                    break
                continue
            if not isinstance(props, dict):
                raise Unavailable("logind sent an unexpected value")
            self._path = path
            return {key: value[1] for key, value in props.items() if isinstance(value, tuple)}
        self._path = None
        raise Unavailable(reasons[-1] if reasons else "no login session")

    def query(self, now: Now) -> Answer:
        props = self._properties()
        idle_hint = props.get("IdleHint") is True
        locked = props.get("LockedHint") is True
        since = props.get("IdleSinceHint")
        session = self._path.rsplit("/", 1)[-1] if self._path else "?"
        state = "locked" if locked else "not locked"
        if idle_hint and isinstance(since, int) and since > 0:
            idle = max(0.0, now.wall.timestamp() - since / 1e6)
            return Answer(idle, locked=locked, detail=f"session {session}: idle, {state}")
        return Answer(
            None,
            locked=locked,
            detail=f"session {session}: not marked idle, {state}",
        )

    def close(self) -> None:
        self.bus.close()


def default_sources(
    env: Mapping[str, str] | None = None,
    *,
    run: Runner = subprocess.run,
    which: Callable[[str], str | None] = shutil.which,
    session_bus: Bus | None = None,
    system_bus: Bus | None = None,
) -> list[Source]:
    """Every away source, in the order `--check-idle` lists them."""
    env = dict(os.environ) if env is None else env
    session = session_bus or Bus("session", env)
    system = system_bus or Bus("system", env)
    return [
        TmuxSource(env, run),
        MutterSource(session),
        ScreenSaverSource(session),
        LogindSource(system),
        XprintidleSource(env, run, which),
    ]


@dataclass(frozen=True)
class IdleReading:
    """The person's idle time as seen by the sources that answered."""

    seconds_idle: float | None  # the smallest idle time reported; None: no source knows
    locked: bool  # a source says the screen is locked (a locked screen is away)
    per_source: tuple[SourceReport, ...]

    def away(self, at_least: float) -> bool:
        """Idle for at least `at_least` seconds by every source that knows, or locked."""
        return self.locked or (self.seconds_idle is not None and self.seconds_idle >= at_least)


class IdleMonitor:
    """Polls the away sources. Call `poll(now)` once a second (or less often): each source
    is asked only when its interval has passed (D-Bus 5 s, tmux and xprintidle 10 s), so most
    polls ask nothing and only age the last answers. Not thread-safe.
    """

    def __init__(self, sources: Sequence[Source] | None = None) -> None:
        self._prober = Prober(default_sources() if sources is None else sources)

    @property
    def sources(self) -> list[Source]:
        return self._prober.sources

    def poll(self, now: Now, *, force: bool = False) -> IdleReading:
        reports = tuple(self._prober.poll(now, force=force))
        idles = [r.seconds_idle for r in reports if r.answered and r.seconds_idle is not None]
        return IdleReading(
            seconds_idle=min(idles) if idles else None,
            locked=any(r.answered and r.locked for r in reports),
            per_source=reports,
        )

    def close(self) -> None:
        self._prober.close()


def duration(seconds: float) -> str:
    """ "4s", "12m05s", "1h07m" (rounded down)."""
    whole = max(0, int(seconds))
    if whole < 60:
        return f"{whole}s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    hours, mins = divmod(minutes, 60)
    return f"{hours}h{mins:02d}m"
