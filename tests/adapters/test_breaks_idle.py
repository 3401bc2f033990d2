"""Away detection against a real (private) D-Bus daemon with a desktop whose idle time the
test sets, and a real tmux server with a client attached in a pty whose keys the test types."""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from backtimer.breaks.bus import Bus
from backtimer.breaks.check import format_check
from backtimer.breaks.idle import (
    IdleMonitor,
    LogindSource,
    MutterSource,
    ScreenSaverSource,
    TmuxSource,
    XprintidleSource,
    default_sources,
)
from backtimer.breaks.probe import Answer, Prober, Unavailable
from tests.helpers.dbus_helpers import Daemon, DBusFailure, Now, Service, at

SS = "org.freedesktop.ScreenSaver"
SS_PATH = "/org/freedesktop/ScreenSaver"
MUTTER = "org.gnome.Mutter.IdleMonitor"
MUTTER_PATH = "/org/gnome/Mutter/IdleMonitor/Core"
LOGIN = "org.freedesktop.login1"
SESSION_PATH = "/org/freedesktop/login1/session/auto"
SESSION_IF = "org.freedesktop.login1.Session"


class Desktop:
    """A private bus with a GNOME idle monitor, a ScreenSaver and logind on it."""

    def __init__(self, daemon: Daemon) -> None:
        self.address = daemon.address
        self.env = {"DBUS_SESSION_BUS_ADDRESS": daemon.address}
        self.service = Service(daemon.address, [SS, MUTTER, LOGIN])
        self.screensaver_ms = 0
        self.screensaver_active = False
        self.mutter_ms = 0
        s = self.service
        s.method(SS_PATH, SS, "GetSessionIdleTime", lambda _b: ("u", (self.screensaver_ms,)))
        s.method(SS_PATH, SS, "GetActive", lambda _b: ("b", (self.screensaver_active,)))
        s.method(MUTTER_PATH, MUTTER, "GetIdletime", lambda _b: ("t", (self.mutter_ms,)))
        self.logind(idle_since=None, locked=False)

    def logind(self, *, idle_since: datetime | None, locked: bool) -> None:
        since = 0 if idle_since is None else int(idle_since.timestamp() * 1e6)
        for name, sig, value in (
            ("IdleHint", "b", idle_since is not None),
            ("IdleSinceHint", "t", since),
            ("LockedHint", "b", locked),
            ("Name", "s", "c2"),
        ):
            self.service.set_property(SESSION_PATH, SESSION_IF, name, sig, value)

    def bus(self, **kwargs: Any) -> Bus:
        return Bus("session", self.env, **kwargs)


@pytest.fixture(scope="module")
def daemon() -> Iterator[Daemon]:
    d = Daemon()
    try:
        yield d
    finally:
        d.stop()


@pytest.fixture
def desktop(daemon: Daemon) -> Iterator[Desktop]:
    d = Desktop(daemon)
    try:
        yield d
    finally:
        d.service.stop()


def test_screensaver_idle_time_is_read_and_follows_the_desktop(desktop: Desktop) -> None:
    monitor = IdleMonitor([ScreenSaverSource(desktop.bus())])
    desktop.screensaver_ms = 65_000
    reading = monitor.poll(at(0))
    assert reading.seconds_idle == pytest.approx(65.0)
    assert not reading.locked
    assert reading.per_source[0].answered
    desktop.screensaver_ms = 2_000  # the person touched the mouse
    # asked every 5 s: in between the last answer ages with the clock
    assert monitor.poll(at(1)).seconds_idle == pytest.approx(66.0)
    assert monitor.poll(at(5)).seconds_idle == pytest.approx(2.0)
    monitor.close()


def test_the_smallest_idle_time_of_the_sources_wins(desktop: Desktop) -> None:
    bus = desktop.bus()
    monitor = IdleMonitor([MutterSource(bus), ScreenSaverSource(bus)])
    desktop.mutter_ms = 600_000
    desktop.screensaver_ms = 30_000
    reading = monitor.poll(at(0))
    assert reading.seconds_idle == pytest.approx(30.0)
    assert [r.seconds_idle for r in reading.per_source] == [
        pytest.approx(600.0),
        pytest.approx(30.0),
    ]
    assert reading.away(20) and not reading.away(300)
    monitor.close()


def test_one_connection_serves_every_poll(desktop: Desktop) -> None:
    bus = desktop.bus()
    monitor = IdleMonitor([MutterSource(bus), ScreenSaverSource(bus), LogindSource(bus)])
    for second in range(60):  # a minute of polls once a second
        monitor.poll(at(second))
    assert desktop.service.count("GetIdletime") == 12  # every 5 s
    assert desktop.service.count("GetSessionIdleTime") == 12
    assert desktop.service.count("GetAll") == 12
    assert len(desktop.service.senders()) == 1  # one connection, not one per poll
    monitor.close()


def test_a_locked_screen_is_away(desktop: Desktop) -> None:
    monitor = IdleMonitor([LogindSource(desktop.bus()), ScreenSaverSource(desktop.bus())])
    desktop.screensaver_ms = 1_000
    reading = monitor.poll(at(0))
    assert not reading.locked and not reading.away(300)
    assert reading.per_source[0].detail == "session auto: not marked idle, not locked"
    desktop.logind(idle_since=None, locked=True)
    reading = monitor.poll(at(5))
    assert reading.locked and reading.away(300)
    desktop.logind(idle_since=None, locked=False)
    desktop.screensaver_active = True  # the screen saver / lock screen is up
    reading = monitor.poll(at(10))
    assert reading.locked and reading.per_source[1].detail == "screen saver active"


def test_logind_idle_since_gives_the_idle_time(desktop: Desktop) -> None:
    now = at(0)
    desktop.logind(idle_since=now.wall - timedelta(seconds=400), locked=False)
    reading = IdleMonitor([LogindSource(desktop.bus())]).poll(now)
    assert reading.seconds_idle == pytest.approx(400.0)


def test_logind_on_the_system_bus(desktop: Desktop) -> None:
    env = {"DBUS_SYSTEM_BUS_ADDRESS": desktop.address}
    desktop.logind(idle_since=None, locked=True)
    reading = IdleMonitor([LogindSource(Bus("system", env))]).poll(at(0))
    assert reading.locked


def test_a_hung_desktop_costs_at_most_the_timeout_and_is_backed_off(desktop: Desktop) -> None:
    desktop.service.silent.add("GetIdletime")
    monitor = IdleMonitor([MutterSource(desktop.bus())])
    started = time.monotonic()
    reading = monitor.poll(at(0))
    assert time.monotonic() - started < 1.0
    report = reading.per_source[0]
    assert not report.answered
    assert report.detail == "org.gnome.Mutter.IdleMonitor did not answer within 0.25 s"
    assert reading.seconds_idle is None and not reading.away(0)
    for second in range(1, 30):  # not asked again for 30 s
        assert monitor.poll(at(second)).per_source[0].retry_in == pytest.approx(30 - second)
    assert desktop.service.count("GetIdletime") == 1
    desktop.service.silent.clear()
    desktop.mutter_ms = 5_000
    assert monitor.poll(at(30)).seconds_idle == pytest.approx(5.0)  # back: a new connection


def test_missing_services_and_errors_say_why(desktop: Desktop) -> None:
    desktop.service.method(
        SS_PATH,
        SS,
        "GetSessionIdleTime",
        lambda _b: (_ for _ in ()).throw(DBusFailure("org.example.Error", "\x1b[31mno\x07")),
    )
    env = {"DBUS_SESSION_BUS_ADDRESS": desktop.address, "DBUS_SYSTEM_BUS_ADDRESS": ""}
    monitor = IdleMonitor(
        [
            ScreenSaverSource(Bus("session", env)),
            MutterSource(Bus("session", {"DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent"})),
            MutterSource(Bus("session", {})),
        ]
    )
    reports = monitor.poll(at(0)).per_source
    assert [r.answered for r in reports] == [False, False, False]
    assert reports[0].detail == "org.freedesktop.ScreenSaver answered org.example.Error: [31mno"
    assert reports[1].detail == "cannot connect to the session bus (No such file or directory)"
    assert reports[2].detail == "no session bus (DBUS_SESSION_BUS_ADDRESS is not set)"


def test_a_service_that_is_not_running_is_named(daemon: Daemon) -> None:
    bus = Bus("session", {"DBUS_SESSION_BUS_ADDRESS": daemon.address})
    with pytest.raises(Unavailable, match=r"org\.gnome\.Mutter\.IdleMonitor is not on the session"):
        MutterSource(bus).query(at(0))


def test_a_bus_that_goes_away_is_reported_not_hung() -> None:
    d = Daemon()
    desktop = Desktop(d)
    monitor = IdleMonitor([ScreenSaverSource(desktop.bus())])
    desktop.screensaver_ms = 3_000
    assert monitor.poll(at(0)).seconds_idle == pytest.approx(3.0)
    desktop.service.stop()
    d.stop()
    started = time.monotonic()
    reading = monitor.poll(at(1))
    assert time.monotonic() - started < 1.0
    # between questions the last answer stands, aged; the next question fails cleanly
    reading = monitor.poll(at(1), force=True)
    assert not reading.per_source[0].answered
    assert "session bus" in reading.per_source[0].detail


# --- the poller: intervals, ageing, backoff ---------------------------------------------


class Counting:
    name = "fake"

    def __init__(self, interval: float, answers: list[Answer | Exception]) -> None:
        self.interval = interval
        self.answers = answers
        self.asked = 0

    def query(self, now: Any) -> Answer:
        self.asked += 1
        answer = self.answers[min(self.asked, len(self.answers)) - 1]
        if isinstance(answer, Exception):
            raise answer
        return answer

    def close(self) -> None:
        pass


def test_a_source_is_asked_at_most_every_interval_and_its_answer_ages() -> None:
    source = Counting(10.0, [Answer(100.0, detail="x")])
    prober = Prober([source])
    reports = [prober.poll(at(s))[0] for s in range(21)]
    assert source.asked == 3  # at 0, 10 and 20 s
    assert reports[4].seconds_idle == pytest.approx(104.0)
    assert reports[4].age == pytest.approx(4.0)
    assert reports[10].seconds_idle == pytest.approx(100.0)


def test_a_failing_source_is_backed_off_doubling_up_to_ten_minutes() -> None:
    source = Counting(0.0, [Unavailable("nobody home")])
    prober = Prober([source])
    asked_at = []
    for second in range(3000):
        before = source.asked
        prober.poll(at(second))
        if source.asked > before:
            asked_at.append(second)
    assert asked_at[:7] == [0, 30, 90, 210, 450, 930, 1530]  # +30, 60, 120, 240, 480, 600
    assert asked_at[7] - asked_at[6] == 600


# --- tmux: a real server and a client in a pty -----------------------------------------


class Tmux:
    def __init__(self, tmp: Path) -> None:
        self.name = f"backtimer-idle-{os.getpid()}-{time.monotonic_ns()}"
        self.env = {**os.environ, "TERM": "xterm-256color"}
        self.env.pop("TMUX", None)
        self.tmux("-f", "/dev/null", "new-session", "-d", "-s", "w", "-x", "80", "-y", "24", "cat")
        self.socket = self.tmux("display-message", "-p", "#{socket_path}").strip()
        self.client: subprocess.Popen[bytes] | None = None
        self.master = -1

    def tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.name, *args],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
            env=self.env,
        )
        return done.stdout

    def attach(self) -> None:
        master, slave = pty.openpty()
        self.master = master
        self.client = subprocess.Popen(
            ["tmux", "-L", self.name, "attach", "-t", "w"],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            start_new_session=True,
            env=self.env,
        )
        os.close(slave)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.tmux("list-clients", "-F", "#{client_name}").strip():
                return
            self._drain()
            time.sleep(0.05)
        raise AssertionError("the tmux client never attached")

    def _drain(self) -> None:
        import select

        while select.select([self.master], [], [], 0)[0]:
            try:
                os.read(self.master, 65536)
            except OSError:
                return

    def type(self, text: str) -> None:
        os.write(self.master, text.encode())

    def activity(self) -> int:
        return int(self.tmux("list-clients", "-F", "#{client_activity}").split()[0])

    def stop(self) -> None:
        subprocess.run(
            ["tmux", "-L", self.name, "kill-server"], capture_output=True, timeout=10, check=False
        )
        if self.client is not None:
            try:
                self.client.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.client.kill()
                self.client.wait(timeout=5)
        if self.master >= 0:
            os.close(self.master)


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed (CI installs it in .ci/run)")
    t = Tmux(tmp_path)
    try:
        yield t
    finally:
        t.stop()


def real_now() -> Now:
    return Now(datetime.now(UTC), time.monotonic())


@pytest.mark.slow
def test_tmux_reports_the_time_since_the_last_key_typed_in_a_client(tmux: Tmux) -> None:
    env = {"TMUX": f"{tmux.socket},1,0"}
    source = TmuxSource(env)
    detached = source.query(real_now())
    assert detached.seconds_idle is None and detached.detail == "no client attached"
    tmux.attach()
    time.sleep(2.2)  # nobody types
    idle = source.query(real_now()).seconds_idle
    assert idle is not None and idle >= 2.0
    before = tmux.activity()
    tmux.type("x")
    deadline = time.monotonic() + 5
    while tmux.activity() == before and time.monotonic() < deadline:
        time.sleep(0.05)
    answer = source.query(real_now())
    assert answer.seconds_idle is not None and answer.seconds_idle < 1.5
    assert answer.detail == "1 client attached (last key typed in any of them)"
    # ten minutes later by the injected clock, with nobody typing
    later = Now(datetime.now(UTC) + timedelta(minutes=10), time.monotonic() + 600)
    reading = IdleMonitor([source]).poll(later)
    assert reading.seconds_idle is not None and 599 <= reading.seconds_idle <= 601.5
    assert reading.away(300)


@pytest.mark.slow
def test_tmux_is_asked_at_most_every_ten_seconds(tmux: Tmux) -> None:
    runs: list[list[str]] = []

    def run(command: list[str], **kwargs: Any) -> Any:
        runs.append(command)
        return subprocess.run(command, **kwargs)  # noqa: PLW1510 (check is in kwargs)

    tmux.attach()
    monitor = IdleMonitor([TmuxSource({"TMUX": f"{tmux.socket},1,0"}, run)])
    start = real_now()
    for second in range(25):
        reading = monitor.poll(Now(start.wall + timedelta(seconds=second), start.mono + second))
        assert reading.per_source[0].answered
    assert len(runs) == 3
    assert runs[0][:3] == ["tmux", "-S", tmux.socket]


def test_tmux_outside_tmux_and_with_a_dead_server_say_why(tmp_path: Path) -> None:
    with pytest.raises(Unavailable, match=r"not inside tmux \(\$TMUX is not set\)"):
        TmuxSource({}).query(real_now())
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed (CI installs it in .ci/run)")
    gone = TmuxSource({"TMUX": f"{tmp_path / 'no-server'},1,0"})
    with pytest.raises(Unavailable, match=r"^tmux failed: "):
        gone.query(real_now())


# --- xprintidle ---------------------------------------------------------------------------


def test_xprintidle_reads_milliseconds_where_x11_is_the_session(tmp_path: Path) -> None:
    tool = tmp_path / "xprintidle"
    tool.write_text("#!/bin/sh\necho 123456\n")
    tool.chmod(0o755)
    x11 = XprintidleSource({"DISPLAY": ":0"}, which=lambda _n: str(tool))
    assert x11.query(at(0)).seconds_idle == pytest.approx(123.456)
    wayland = XprintidleSource(
        {"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"}, which=shutil.which
    )
    with pytest.raises(Unavailable, match="Wayland session"):
        wayland.query(at(0))
    with pytest.raises(Unavailable, match="xprintidle is not installed"):
        XprintidleSource({"DISPLAY": ":0"}, which=lambda _n: None).query(at(0))


# --- the --check-idle report --------------------------------------------------------------


def test_check_report_names_every_source_and_why_it_did_not_answer(desktop: Desktop) -> None:
    desktop.mutter_ms = 754_000
    desktop.screensaver_ms = 61_000
    env = {"DBUS_SESSION_BUS_ADDRESS": desktop.address, "DBUS_SYSTEM_BUS_ADDRESS": desktop.address}
    sources = default_sources(env, which=lambda _n: None)
    text = format_check(IdleMonitor(sources).poll(at(0)))
    assert text.splitlines() == [
        "Away detection: idle 1m01s (the smallest of the sources below)",
        "  tmux         no answer       not inside tmux ($TMUX is not set)",
        "  gnome        idle 12m34s     org.gnome.Mutter.IdleMonitor",
        "  screensaver  idle 1m01s      screen saver not active",
        "  logind       no idle time    session auto: not marked idle, not locked",
        "  xprintidle   no answer       no X display (DISPLAY is not set)",
    ]


def test_check_report_when_nothing_answers() -> None:
    env = {"DBUS_SYSTEM_BUS_ADDRESS": "unix:path=/nonexistent"}
    text = format_check(IdleMonitor(default_sources(env, which=lambda _n: None)).poll(at(0)))
    assert text.splitlines()[0] == (
        "Away detection: no source answered: away detection cannot see you here"
    )


class Slow:
    """A source that takes `cost` seconds of (fake) real time to answer."""

    interval = 0.0

    def __init__(self, name: str, clock: list[float], cost: float) -> None:
        self.name = name
        self.clock = clock
        self.cost = cost
        self.asked = 0

    def query(self, now: Any) -> Answer:
        self.asked += 1
        self.clock[0] += self.cost
        return Answer(1.0)

    def close(self) -> None:
        pass


def test_a_slow_desktop_spreads_its_questions_over_several_polls() -> None:
    clock = [0.0]
    sources = [Slow(name, clock, 0.15) for name in "abcd"]
    prober = Prober(sources, budget=0.2, elapsed=lambda: clock[0])
    prober.poll(at(0))
    assert [s.asked for s in sources] == [1, 1, 0, 0]  # 0.3 s spent: the rest waits
    prober.poll(at(1))
    assert [s.asked for s in sources] == [1, 1, 1, 1]  # the next poll goes on from c
    prober.poll(at(2), force=True)  # --check-idle asks everyone
    assert all(s.asked >= 2 for s in sources)


def test_a_source_that_breaks_is_reported_not_raised() -> None:
    source = Counting(0.0, [KeyError("IdleHint")])
    report = Prober([source]).poll(at(0))[0]
    assert not report.answered
    assert report.detail == "failed (KeyError: 'IdleHint')"


def test_a_bus_that_accepts_but_never_speaks_costs_a_bounded_time(tmp_path: Path) -> None:
    import socket as sockets

    path = tmp_path / "bus"
    server = sockets.socket(sockets.AF_UNIX, sockets.SOCK_STREAM)
    server.bind(str(path))
    server.listen(4)
    try:
        bus = Bus("session", {"DBUS_SESSION_BUS_ADDRESS": f"unix:path={path}"})
        monitor = IdleMonitor([MutterSource(bus), ScreenSaverSource(bus), LogindSource(bus)])
        started = time.monotonic()
        reading = monitor.poll(at(0))
        assert time.monotonic() - started < 1.0
        first = reading.per_source[0]
        assert not first.answered
        assert first.detail.startswith("cannot connect to the session bus (Did not authenticate")
    finally:
        server.close()
