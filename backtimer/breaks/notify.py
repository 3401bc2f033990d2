"""Desktop notifications for a due break, the terminal way where possible.

Methods (setting `[breaks] notify`):
- "notify-send": the freedesktop notification tool, run with a short timeout (without a
  notification daemon it can hang until D-Bus gives up);
- "osc777": ESC ] 777 ; notify ; TITLE ; BODY BEL (foot, VTE terminals such as GNOME
  Terminal, WezTerm, Ghostty, urxvt with its extension);
- "osc9": ESC ] 9 ; BODY BEL (iTerm2, WezTerm, Ghostty, kitty, ConEmu);
- "bell": only the terminal bell;  "off": nothing;
- "auto": notify-send when it exists and a desktop session is visible (DISPLAY,
  WAYLAND_DISPLAY), else the terminal's own OSC notification when the terminal is known
  to show one, else the bell.
Inside tmux the OSC sequences are wrapped for passthrough (ESC P tmux; ... ESC \\), which
needs `set -g allow-passthrough on` (tmux 3.3+).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from backtimer.text import visible

ESC = "\x1b"
BEL = "\x07"
TIMEOUT = 3.0  # seconds for notify-send

Runner = Callable[..., object]


def terminal_method(env: Mapping[str, str]) -> str | None:
    """ "osc9", "osc777" or None, from what the environment says about the terminal."""
    program = env.get("TERM_PROGRAM", "")
    term = env.get("TERM", "")
    lc_terminal = env.get("LC_TERMINAL", "")
    if program == "iTerm.app" or lc_terminal == "iTerm2":
        return "osc9"
    if program == "WezTerm" or "WEZTERM_EXECUTABLE" in env or "WEZTERM_PANE" in env:
        return "osc777"
    if program == "ghostty" or "GHOSTTY_RESOURCES_DIR" in env or term == "xterm-ghostty":
        return "osc777"
    if term == "xterm-kitty" or "KITTY_WINDOW_ID" in env:
        return "osc9"
    if term.startswith(("foot", "rxvt-unicode")) or "VTE_VERSION" in env:
        return "osc777"
    if "ConEmuPID" in env:
        return "osc9"
    return None


def choose(setting: str, env: Mapping[str, str], which: Callable[[str], str | None]) -> str:
    """The method to use for `setting` (auto resolved) in this environment."""
    if setting != "auto":
        return setting
    desktop = bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))
    if desktop and which("notify-send"):
        return "notify-send"
    return terminal_method(env) or "bell"


def _clean(text: str) -> str:
    """One line with no control character: a routine's name goes inside an escape sequence
    (OSC 9/777) or a notification, so newlines and tabs become spaces and any other control
    character is written out visibly (text.visible)."""
    return visible(" ".join(text.split("\n")).replace("\t", " ")).strip()


def osc(method: str, title: str, body: str, *, tmux: bool) -> str:
    """The escape sequence for a terminal notification (wrapped for tmux when asked)."""
    title, body = _clean(title), _clean(body)
    if method == "osc777":
        seq = f"{ESC}]777;notify;{title.replace(';', ',')};{body.replace(';', ',')}{BEL}"
    elif method == "osc9":
        seq = f"{ESC}]9;{title}: {body}{BEL}"
    else:
        raise ValueError(method)
    if tmux:
        seq = f"{ESC}Ptmux;{seq.replace(ESC, ESC + ESC)}{ESC}\\"
    return seq


@dataclass
class Notifier:
    """Sends "break due" notifications. write: puts text on the terminal (the app passes
    its driver's writer). send() never raises; it returns a notice when it fell back."""

    setting: str = "auto"
    write: Callable[[str], None] = field(default=lambda text: None)
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    run: Runner = subprocess.run
    which: Callable[[str], str | None] = shutil.which

    @property
    def method(self) -> str:
        return choose(self.setting, self.env, self.which)

    def send(self, title: str, body: str, *, bell: bool = True) -> str | None:
        method = self.method
        notice = None
        if method == "off":
            return None
        if method == "notify-send":
            notice = self._notify_send(title, body)
            if notice is None:
                if bell:
                    self._write(BEL)
                return None
            method = terminal_method(self.env) or "bell"
        if method in ("osc9", "osc777"):
            self._write(osc(method, title, body, tmux=bool(self.env.get("TMUX"))))
        if bell:
            self._write(BEL)
        return notice

    def _write(self, text: str) -> None:
        with contextlib.suppress(Exception):  # a closed terminal must not stop work mode
            self.write(text)

    def _notify_send(self, title: str, body: str) -> str | None:
        command = [
            "notify-send",
            "--app-name=backtimer",
            "--urgency=normal",
            "--icon=appointment-soon",
            "--",  # the text is never read as an option, whatever it starts with
            _clean(title),
            _clean(body),
        ]
        try:
            result = self.run(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                timeout=TIMEOUT,
                check=False,
            )
        except FileNotFoundError:
            return "notify: notify-send not found; using the terminal instead"
        except subprocess.TimeoutExpired:
            return (
                f"notify: notify-send did not answer within {TIMEOUT:g} s "
                "(no notification daemon?); using the terminal instead"
            )
        except OSError as exc:
            return f"notify: notify-send failed ({exc.strerror}); using the terminal instead"
        code = getattr(result, "returncode", 0)
        if code:
            err = getattr(result, "stderr", b"") or b""
            text = err.decode(errors="replace").strip().splitlines()
            why = f": {text[-1]}" if text else ""
            return f"notify: notify-send failed (exit {code}{why}); using the terminal instead"
        return None
