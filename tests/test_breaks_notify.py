"""Break notifications: a fake notify-send on PATH records what it was asked to show."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from backtimer.breaks import notify
from backtimer.breaks.notify import Notifier, choose, osc, terminal_method


def fake_tool(folder: Path, body: str) -> Path:
    folder.mkdir(exist_ok=True)
    tool = folder / "notify-send"
    tool.write_text(f"#!/bin/sh\n{body}\n")
    tool.chmod(tool.stat().st_mode | stat.S_IEXEC)
    return tool


@pytest.fixture
def bin_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", f"{folder}:/usr/bin:/bin")
    return folder


def test_notify_send_is_called_with_the_break_text(bin_dir: Path, tmp_path: Path) -> None:
    log = tmp_path / "args.txt"
    fake_tool(bin_dir, f'for a in "$@"; do printf "%s\\n" "$a" >> {log}; done')
    written: list[str] = []
    env = {"DISPLAY": ":0", "PATH": str(bin_dir)}
    notifier = Notifier("auto", written.append, env=env)
    assert notifier.method == "notify-send"
    notice = notifier.send("Time for a break", "office-chair · 6 min\x1b[31m")
    assert notice is None
    args = log.read_text().splitlines()
    assert args[-2:] == ["Time for a break", "office-chair · 6 min\\x1b[31m"]  # ESC shown
    assert "--app-name=backtimer" in args
    assert written == ["\a"]  # the bell too, no escape sequence


def test_a_hanging_notify_send_times_out_and_falls_back_to_the_terminal(
    bin_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_tool(bin_dir, "sleep 20")
    monkeypatch.setattr(notify, "TIMEOUT", 0.3)
    written: list[str] = []
    env = {"DISPLAY": ":0", "VTE_VERSION": "7600"}
    notice = Notifier("notify-send", written.append, env=env).send("Break", "neck")
    assert notice is not None
    assert "did not answer within 0.3 s" in notice
    assert written == ["\x1b]777;notify;Break;neck\a", "\a"]


def test_a_failing_notify_send_says_why(bin_dir: Path) -> None:
    fake_tool(bin_dir, "echo 'Cannot connect to D-Bus' >&2; exit 1")
    written: list[str] = []
    notice = Notifier("notify-send", written.append, env={}).send("Break", "neck")
    assert notice == (
        "notify: notify-send failed (exit 1: Cannot connect to D-Bus); using the terminal instead"
    )
    assert written == ["\a"]


def test_missing_notify_send_is_a_notice_not_a_crash(bin_dir: Path) -> None:
    written: list[str] = []
    notice = Notifier("notify-send", written.append, env={}).send("Break", "neck")
    assert notice == "notify: notify-send not found; using the terminal instead"
    assert written == ["\a"]


def test_auto_without_a_desktop_uses_the_terminals_own_notification() -> None:
    def none(name: str) -> None:
        return None

    assert choose("auto", {"TERM_PROGRAM": "iTerm.app"}, none) == "osc9"
    assert choose("auto", {"TERM": "foot"}, none) == "osc777"
    assert choose("auto", {"TERM": "xterm-256color"}, none) == "bell"
    assert choose("auto", {"DISPLAY": ":0"}, lambda n: "/usr/bin/" + n) == "notify-send"
    assert choose("osc9", {}, none) == "osc9"
    assert terminal_method({"LC_TERMINAL": "iTerm2", "TERM_PROGRAM": "tmux"}) == "osc9"


def test_osc_sequences_and_tmux_passthrough() -> None:
    assert osc("osc9", "Break", "neck", tmux=False) == "\x1b]9;Break: neck\a"
    assert osc("osc777", "A;b", "c\nd", tmux=False) == "\x1b]777;notify;A,b;c d\a"
    assert (
        osc("osc777", "Break", "neck", tmux=True)
        == "\x1bPtmux;\x1b\x1b]777;notify;Break;neck\a\x1b\\"
    )


def test_inside_tmux_the_notification_is_wrapped() -> None:
    written: list[str] = []
    env = {"TMUX": "/tmp/tmux-0/default,1,0", "TERM_PROGRAM": "tmux", "KITTY_WINDOW_ID": "1"}
    Notifier("auto", written.append, env=env, which=lambda n: None).send("Break", "neck")
    assert written == ["\x1bPtmux;\x1b\x1b]9;Break: neck\a\x1b\\", "\a"]


def test_bell_and_off() -> None:
    written: list[str] = []
    Notifier("bell", written.append, env={}).send("Break", "neck")
    assert written == ["\a"]
    written.clear()
    Notifier("off", written.append, env={}).send("Break", "neck")
    assert written == []
