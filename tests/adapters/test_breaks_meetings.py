"""Meeting detection: a fake /proc/asound tree for the microphone, the private D-Bus for the
notification server's Do Not Disturb, real gsettings (keyfile backend) for GNOME's."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from backtimer.breaks.bus import Bus
from backtimer.breaks.check import format_check
from backtimer.breaks.idle import IdleMonitor
from backtimer.breaks.meetings import (
    AlsaCaptureSource,
    GnomeDndSource,
    MeetingMonitor,
    NotificationsInhibitedSource,
    PulseSource,
    settings_file,
)
from backtimer.breaks.probe import Unavailable
from tests.helpers.dbus_helpers import Daemon, Service, at

NOTIFY = "org.freedesktop.Notifications"
NOTIFY_PATH = "/org/freedesktop/Notifications"


def substream(root: Path, card: int, pcm: str, status: str) -> Path:
    folder = root / f"card{card}" / pcm / "sub0"
    folder.mkdir(parents=True)
    (folder / "status").write_text(status)
    return folder / "status"


RUNNING = (
    "state: RUNNING\nowner_pid   : 4242\ntrigger_time: 1234.5\ntstamp      : 1240.1\n"
    "delay       : 960\navail       : 0\n"
)


def test_a_running_capture_substream_is_a_meeting(tmp_path: Path) -> None:
    asound = tmp_path / "asound"
    mic = substream(asound, 0, "pcm0c", "closed\n")
    substream(asound, 0, "pcm0p", RUNNING)  # music playing is no meeting
    (tmp_path / "4242").mkdir()
    (tmp_path / "4242" / "comm").write_text("zoom\n")
    monitor = MeetingMonitor([AlsaCaptureSource(asound)])
    reading = monitor.poll(at(0))
    assert not reading.in_meeting
    assert reading.per_source[0].detail == "1 capture substream, none recording"
    mic.write_text(RUNNING)
    reading = monitor.poll(at(5))
    assert reading.in_meeting and reading.signals == ("microphone",)
    assert reading.per_source[0].detail == "recording: card0/pcm0c by zoom"
    assert reading.summary() == "Meetings: in a meeting (microphone)"
    mic.write_text("state: PREPARED\nowner_pid   : 4242\n")  # open but not recording
    assert monitor.poll(at(9)).in_meeting  # looked at every 5 s
    assert not monitor.poll(at(10)).in_meeting


def test_no_sound_cards_says_so(tmp_path: Path) -> None:
    reading = MeetingMonitor([AlsaCaptureSource(tmp_path / "asound")]).poll(at(0))
    assert not reading.per_source[0].answered
    assert reading.per_source[0].detail == f"no ALSA sound cards ({tmp_path}/asound does not exist)"
    assert reading.summary() == "Meetings: no signal answered: meetings cannot be seen here"


def test_a_hostile_status_file_is_read_only_in_part(tmp_path: Path) -> None:
    asound = tmp_path / "asound"
    status = substream(asound, 1, "pcm0c", "state: RUNNING\nowner_pid   : 7\n")
    (tmp_path / "7").mkdir()
    (tmp_path / "7" / "comm").write_text("\x1b]0;evil\x07" + "x" * 10_000)
    status.write_text(status.read_text() + "y" * 10_000_000)
    detail = AlsaCaptureSource(asound).query(at(0)).detail
    assert "\x1b" not in detail and "\x07" not in detail
    assert len(detail) < 100


@pytest.fixture(scope="module")
def daemon() -> Iterator[Daemon]:
    d = Daemon()
    try:
        yield d
    finally:
        d.stop()


@pytest.fixture
def notifications(daemon: Daemon) -> Iterator[Service]:
    service = Service(daemon.address, [NOTIFY])
    try:
        yield service
    finally:
        service.stop()


def test_do_not_disturb_of_the_notification_server(daemon: Daemon, notifications: Service) -> None:
    env = {"DBUS_SESSION_BUS_ADDRESS": daemon.address}
    monitor = MeetingMonitor([NotificationsInhibitedSource(Bus("session", env))])
    notifications.set_property(NOTIFY_PATH, NOTIFY, "Inhibited", "b", False)
    reading = monitor.poll(at(0))
    assert not reading.in_meeting
    assert reading.per_source[0].detail == "Do Not Disturb off"
    notifications.set_property(NOTIFY_PATH, NOTIFY, "Inhibited", "b", True)
    reading = monitor.poll(at(5))
    assert reading.in_meeting and reading.signals == ("notifications",)
    assert reading.per_source[0].detail == "Do Not Disturb on"


def test_a_notification_server_without_inhibited_says_so(
    daemon: Daemon, notifications: Service
) -> None:
    notifications.set_property(NOTIFY_PATH, NOTIFY, "ServerName", "s", "gnome-shell")
    source = NotificationsInhibitedSource(
        Bus("session", {"DBUS_SESSION_BUS_ADDRESS": daemon.address})
    )
    with pytest.raises(Unavailable, match=r"^the notification server has no Inhibited property$"):
        source.query(at(0))


def test_no_notification_server(daemon: Daemon) -> None:
    source = NotificationsInhibitedSource(
        Bus("session", {"DBUS_SESSION_BUS_ADDRESS": daemon.address})
    )
    with pytest.raises(
        Unavailable, match=r"^org\.freedesktop\.Notifications is not on the session"
    ):
        source.query(at(0))


def test_gnome_do_not_disturb_with_real_gsettings(tmp_path: Path) -> None:
    if shutil.which("gsettings") is None:
        pytest.skip("gsettings is not installed (libglib2.0-bin)")
    schemas = Path("/usr/share/glib-2.0/schemas/org.gnome.desktop.notifications.gschema.xml")
    if not schemas.exists():
        pytest.skip("the GNOME notification settings schema is not installed")
    keyfile = tmp_path / "glib-2.0" / "settings" / "keyfile"
    keyfile.parent.mkdir(parents=True)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DBUS_")},
        "GSETTINGS_BACKEND": "keyfile",
        "XDG_CONFIG_HOME": str(tmp_path),
    }
    run = functools.partial(subprocess.run, env=env)
    source = GnomeDndSource(run, env=env)
    keyfile.write_text("[org/gnome/desktop/notifications]\nshow-banners=true\n")
    answer = source.query(at(0))
    assert not answer.active and answer.detail == "show-banners true"
    keyfile.write_text("[org/gnome/desktop/notifications]\nshow-banners=false\n")
    answer = source.query(at(1))
    assert answer.active and answer.detail == "show-banners false"


def test_gsettings_runs_only_when_the_settings_file_changed(tmp_path: Path) -> None:
    """A quiet desktop costs a stat every 5 s, not a process: gsettings runs at the first
    look and again only after the dconf database changed (DND switched in GNOME)."""
    runs: list[list[str]] = []
    said = ["false"]

    def run(command: list[str], **kwargs: Any) -> Any:
        runs.append(command)
        return subprocess.CompletedProcess(command, 0, f"{said[0]}\n".encode(), b"")

    database = tmp_path / "dconf" / "user"
    database.parent.mkdir()
    database.write_bytes(b"GVariant one")
    source = GnomeDndSource(
        run, which=lambda _n: "/usr/bin/gsettings", env={"XDG_CONFIG_HOME": str(tmp_path)}
    )
    monitor = MeetingMonitor([source])
    for second in range(0, 125, 5):
        assert monitor.poll(at(second)).in_meeting
    assert len(runs) == 1  # 25 looks, one run

    said[0] = "true"  # GNOME writes the database anew (dconf replaces the file)
    fresh = database.with_name("user.new")
    fresh.write_bytes(b"GVariant two, longer")
    fresh.replace(database)
    assert not monitor.poll(at(130)).in_meeting
    assert not monitor.poll(at(135)).in_meeting
    assert len(runs) == 2


def test_no_gnome_settings_file_means_no_gsettings_run(tmp_path: Path) -> None:
    runs: list[list[str]] = []

    def run(command: list[str], **kwargs: Any) -> Any:
        runs.append(command)
        return subprocess.CompletedProcess(command, 0, b"false\n", b"")

    source = GnomeDndSource(run, which=lambda _n: "/usr/bin/gsettings", env={"HOME": str(tmp_path)})
    with pytest.raises(
        Unavailable, match=r"^no GNOME settings \(.*/\.config/dconf/user is missing\)$"
    ):
        source.query(at(0))
    assert runs == []


def test_without_a_file_to_watch_gsettings_runs_once_a_minute() -> None:
    runs: list[list[str]] = []

    def run(command: list[str], **kwargs: Any) -> Any:
        runs.append(command)
        return subprocess.CompletedProcess(command, 0, b"false\n", b"")

    source = GnomeDndSource(
        run, which=lambda _n: "/usr/bin/gsettings", env={"GSETTINGS_BACKEND": "memory"}
    )
    monitor = MeetingMonitor([source])
    for second in range(0, 125, 5):
        assert monitor.poll(at(second)).in_meeting
    assert len(runs) == 3  # at 0, 60 and 120 s


def test_which_file_gsettings_reads() -> None:
    assert settings_file({"HOME": "/home/a"}) == Path("/home/a/.config/dconf/user")
    assert settings_file({"HOME": "/home/a", "XDG_CONFIG_HOME": "/cfg"}) == Path("/cfg/dconf/user")
    keyfile = settings_file({"XDG_CONFIG_HOME": "/cfg", "GSETTINGS_BACKEND": "keyfile"})
    assert keyfile == Path("/cfg/glib-2.0/settings/keyfile")
    # a backend or profile without a file to watch, or no usable home
    assert settings_file({"HOME": "/home/a", "GSETTINGS_BACKEND": "memory"}) is None
    assert settings_file({"HOME": "/home/a", "DCONF_PROFILE": "work"}) is None
    assert settings_file({"HOME": "relative", "XDG_CONFIG_HOME": "also-relative"}) is None


PACTL_OUTPUTS = "17\t52\t89\tprotocol-native.c\tfloat32le 1ch 48000Hz\n"
PACTL_SOURCES = (
    "51\talsa_output.pci-0000_00_1f.3.analog-stereo.monitor\tPipeWire\ts32le 2ch 48000Hz\tIDLE\n"
    "52\tbluez_input.AA_BB_CC_DD_EE_FF.0\tPipeWire\tfloat32le 1ch 48000Hz\tRUNNING\n"
)


def pactl(outputs: str, sources: str) -> Any:
    def run(command: list[str], **kwargs: Any) -> Any:
        out = outputs if command[-1] == "source-outputs" else sources
        return subprocess.CompletedProcess(command, 0, out.encode(), b"")

    return run


def test_pactl_recording_from_a_microphone_is_a_meeting_but_a_monitor_is_not() -> None:
    # The text is what `pactl list short source-outputs` / `sources` print under PipeWire.
    which = functools.partial(lambda _n: "/usr/bin/pactl")
    answer = PulseSource(pactl(PACTL_OUTPUTS, PACTL_SOURCES), which).query(at(0))
    assert answer.active and answer.detail == "recording: bluez_input.AA_BB_CC_DD_EE_FF.0"
    monitor_only = PACTL_OUTPUTS.replace("\t52\t", "\t51\t")
    answer = PulseSource(pactl(monitor_only, PACTL_SOURCES), which).query(at(0))
    assert not answer.active and answer.detail == "only output monitors are recorded"
    answer = PulseSource(pactl("", PACTL_SOURCES), which).query(at(0))
    assert not answer.active and answer.detail == "no recording stream"


def test_check_report_lists_the_meeting_signals(
    daemon: Daemon, notifications: Service, tmp_path: Path
) -> None:
    notifications.set_property(NOTIFY_PATH, NOTIFY, "Inhibited", "b", True)
    asound = tmp_path / "asound"
    substream(asound, 0, "pcm0c", "closed\n")
    meeting = MeetingMonitor(
        [
            AlsaCaptureSource(asound),
            PulseSource(which=lambda _n: None),
            NotificationsInhibitedSource(
                Bus("session", {"DBUS_SESSION_BUS_ADDRESS": daemon.address})
            ),
        ]
    ).poll(at(0))
    text = format_check(IdleMonitor([]).poll(at(0)), meeting)
    assert text.splitlines()[1:] == [
        "",
        "Meetings: in a meeting (notifications)",
        "  microphone     off             1 capture substream, none recording",
        "  pulse          no answer       pactl is not installed",
        "  notifications  ON              Do Not Disturb on",
    ]
