"""Meeting detection: is a microphone being recorded from, or is Do Not Disturb on?

Signals (each asked at most every `interval` seconds; a failing one is backed off):
- "microphone": an ALSA capture substream in state RUNNING
  (/proc/asound/card*/pcm*c/sub*/status). Reading a few small files, every 5 s. Sees
  built-in and USB microphones, also under PipeWire and PulseAudio (they hold the device
  open while a program records); not Bluetooth headsets.
- "pulse": a PulseAudio or PipeWire recording stream from a real source (not a
  ".monitor" of an output): `pactl list short source-outputs` and `... sources`, every 30 s,
  when pactl is installed. Sees Bluetooth headsets too.
- "notifications": the notification server's `Inhibited` property
  (org.freedesktop.Notifications; KDE Plasma's and others' Do Not Disturb), every 5 s.
- "gnome-dnd": GNOME's Do Not Disturb, `org.gnome.desktop.notifications show-banners`
  false, read with `gsettings` when it is installed. The settings database it reads
  (~/.config/dconf/user) is looked at every 5 s and gsettings runs only when that file
  changed, so a quiet desktop costs a stat, not a process; without the file there are
  no GNOME settings to read.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

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

ALSA_INTERVAL = 5.0  # seconds between looks at /proc/asound (a glob and a few reads)
DBUS_INTERVAL = 5.0  # seconds between questions to the notification server
PULSE_INTERVAL = 30.0  # seconds between the two pactl runs
GSETTINGS_INTERVAL = 5.0  # seconds between looks at the settings file (gsettings: on change)
GSETTINGS_UNWATCHED = 60.0  # seconds between gsettings runs when there is no file to watch
MAX_SUBSTREAMS = 256  # capture substreams read at most (a bound for strange trees)
STATUS_BYTES = 4096


class AlsaCaptureSource:
    """A capture substream in state RUNNING under /proc/asound (root injectable)."""

    name = "microphone"

    def __init__(self, root: Path = Path("/proc/asound"), interval: float = ALSA_INTERVAL) -> None:
        self.root = root
        self.interval = interval

    def _owner(self, status: str) -> str:
        for line in status.splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "owner_pid" and value.strip().isdigit():
                try:
                    comm = (self.root.parent / value.strip() / "comm").read_bytes()[:64]
                except OSError:
                    return f"pid {value.strip()}"
                return clean(comm.decode("utf-8", "replace"), 32)
        return ""

    def query(self, now: Now) -> Answer:
        if not self.root.is_dir():
            raise Unavailable(f"no ALSA sound cards ({self.root} does not exist)")
        statuses = sorted(self.root.glob("card*/pcm*c/sub*/status"))[:MAX_SUBSTREAMS]
        if not statuses:
            return Answer(active=False, detail="no capture device")
        running = []
        for path in statuses:
            try:
                with path.open("rb") as fh:
                    status = fh.read(STATUS_BYTES).decode("ascii", "replace")
            except OSError:
                continue
            first = status.split("\n", 1)[0]
            if first.replace(" ", "") == "state:RUNNING":
                card, pcm = path.parts[-4], path.parts[-3]
                owner = self._owner(status)
                running.append(f"{card}/{pcm}" + (f" by {owner}" if owner else ""))
        if running:
            return Answer(active=True, detail="recording: " + ", ".join(running))
        count = len(statuses)
        noun = "substream" if count == 1 else "substreams"
        return Answer(active=False, detail=f"{count} capture {noun}, none recording")

    def close(self) -> None:
        pass


class PulseSource:
    """Recording streams from real (non-monitor) sources, as PulseAudio or PipeWire see them."""

    name = "pulse"

    def __init__(
        self,
        run: Runner = subprocess.run,
        which: Callable[[str], str | None] = shutil.which,
        interval: float = PULSE_INTERVAL,
    ) -> None:
        self.run = run
        self.which = which
        self.interval = interval

    def query(self, now: Now) -> Answer:
        tool = self.which("pactl")
        if not tool:
            raise Unavailable("pactl is not installed")
        outputs = run_tool(self.run, [tool, "list", "short", "source-outputs"], "pactl")
        used = {line.split("\t")[1] for line in outputs.splitlines() if line.count("\t") >= 1}
        if not used:
            return Answer(active=False, detail="no recording stream")
        sources = run_tool(self.run, [tool, "list", "short", "sources"], "pactl")
        names = {}
        for line in sources.splitlines():
            fields = line.split("\t")
            if len(fields) >= 2:
                names[fields[0]] = fields[1]
        mics = sorted(names.get(i, f"source {i}") for i in used)
        real = [m for m in mics if not m.endswith(".monitor")]
        if real:
            return Answer(active=True, detail="recording: " + ", ".join(real))
        return Answer(active=False, detail="only output monitors are recorded")

    def close(self) -> None:
        pass


class NotificationsInhibitedSource:
    """The notification server's Do Not Disturb: the `Inhibited` property."""

    name = "notifications"

    def __init__(self, bus: Bus, interval: float = DBUS_INTERVAL) -> None:
        self.bus = bus
        self.interval = interval

    def query(self, now: Now) -> Answer:
        name = "org.freedesktop.Notifications"
        try:
            value = self.bus.get_property(name, "/org/freedesktop/Notifications", name, "Inhibited")
        except Unavailable as exc:
            if "answered" in str(exc):  # a server without the property (GNOME Shell)
                raise Unavailable("the notification server has no Inhibited property") from None
            raise
        if not isinstance(value, bool):
            raise Unavailable("Inhibited is not a boolean")
        return Answer(active=value, detail="Do Not Disturb on" if value else "Do Not Disturb off")

    def close(self) -> None:
        self.bus.close()


def settings_file(env: Mapping[str, str]) -> Path | None:
    """The file gsettings reads show-banners from: dconf's user database, or the keyfile
    of GSETTINGS_BACKEND=keyfile; None for another backend or without a home folder."""
    backend = env.get("GSETTINGS_BACKEND", "dconf") or "dconf"
    config = env.get("XDG_CONFIG_HOME") or ""
    if not os.path.isabs(config):
        home = env.get("HOME") or ""
        if not os.path.isabs(home):
            return None
        config = os.path.join(home, ".config")
    if backend == "dconf":
        profile = env.get("DCONF_PROFILE", "user") or "user"
        return Path(config, "dconf", "user") if profile == "user" else None
    if backend == "keyfile":
        return Path(config, "glib-2.0", "settings", "keyfile")
    return None


class GnomeDndSource:
    """GNOME's Do Not Disturb switch: show-banners false. gsettings runs when the settings
    file it reads changed (once a minute for a backend without one)."""

    name = "gnome-dnd"

    def __init__(
        self,
        run: Runner = subprocess.run,
        which: Callable[[str], str | None] = shutil.which,
        interval: float = GSETTINGS_INTERVAL,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.run = run
        self.which = which
        self.interval = interval
        self.file = settings_file(dict(os.environ) if env is None else env)
        self._seen: tuple[int, int, int] | None = None  # the file's inode, size, mtime
        self._answer: Answer | None = None
        self._asked = 0.0  # monotonic time of the last gsettings run

    def query(self, now: Now) -> Answer:
        seen = None
        if self.file is None:  # nothing to watch: gsettings once a minute
            if self._answer is not None and 0 <= now.mono - self._asked < GSETTINGS_UNWATCHED:
                return self._answer
        else:
            try:
                st = os.stat(self.file)
            except OSError:
                self._seen = self._answer = None
                raise Unavailable(f"no GNOME settings ({self.file} is missing)") from None
            seen = (st.st_ino, st.st_size, st.st_mtime_ns)
            if seen == self._seen and self._answer is not None:
                return self._answer  # unchanged: the same answer, without a process
        tool = self.which("gsettings")
        if not tool:
            raise Unavailable("gsettings is not installed")
        command = [tool, "get", "org.gnome.desktop.notifications", "show-banners"]
        out = run_tool(self.run, command, "gsettings").strip()
        if out not in ("true", "false"):
            raise Unavailable(f"gsettings printed {clean(out, 40)!r}")
        dnd = out == "false"
        self._seen, self._asked = seen, now.mono
        self._answer = Answer(active=dnd, detail="show-banners " + out)
        return self._answer

    def close(self) -> None:
        pass


def default_sources(
    env: Mapping[str, str] | None = None,
    *,
    run: Runner = subprocess.run,
    which: Callable[[str], str | None] = shutil.which,
    session_bus: Bus | None = None,
    asound: Path = Path("/proc/asound"),
) -> list[Source]:
    """Every meeting signal, in the order `--check-idle` lists them."""
    env = dict(os.environ) if env is None else env
    session = session_bus or Bus("session", env)
    return [
        AlsaCaptureSource(asound),
        PulseSource(run, which),
        NotificationsInhibitedSource(session),
        GnomeDndSource(run, which, env=env),
    ]


@dataclass(frozen=True)
class MeetingReading:
    in_meeting: bool  # a signal is on
    signals: tuple[str, ...]  # the names of the signals that are on ("microphone", ...)
    per_source: tuple[SourceReport, ...]

    def summary(self) -> str:
        if self.in_meeting:
            return "Meetings: in a meeting (" + ", ".join(self.signals) + ")"
        if any(r.answered for r in self.per_source):
            return "Meetings: not in a meeting"
        return "Meetings: no signal answered: meetings cannot be seen here"


class MeetingMonitor:
    """Polls the meeting signals. Call `poll(now)` once a second (or less often); each signal
    is asked only when its interval has passed (5 s; pactl 30 s)."""

    def __init__(self, sources: Sequence[Source] | None = None) -> None:
        self._prober = Prober(default_sources() if sources is None else sources)

    @property
    def sources(self) -> list[Source]:
        return self._prober.sources

    def poll(self, now: Now, *, force: bool = False) -> MeetingReading:
        reports = tuple(self._prober.poll(now, force=force))
        on = tuple(r.name for r in reports if r.answered and r.active)
        return MeetingReading(bool(on), on, reports)

    def close(self) -> None:
        self._prober.close()
