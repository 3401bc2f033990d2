# ruff: noqa: PLC0415  (textual-serve and aiohttp are imported only when serving)
"""`backtimer serve [--host H] [--port P] [--token T] [--work] [--no-sound] [ROUTINE]`: the
app in a browser, for the phone or tablet next to the mat.

Each browser connection starts its own app process (`python -m backtimer run ...`, or
`work`), drawn in the page by textual-serve. Sound plays on this machine. Loopback by
default; any other host needs a token, generated here unless --token gives one.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shlex
import socket
import sys
from urllib.parse import quote

from backtimer.usecases.errors import UserError

TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,128}")
# set in the serve process, inherited by the apps it starts: the pid they must not outlive
SERVED_BY = "BACKTIMER_SERVED_BY"
PR_SET_PDEATHSIG = 1
SIOCGIFADDR = 0x8915  # Linux: an interface's IPv4 address


def app_command(args: argparse.Namespace) -> str:
    """The shell command textual-serve runs for each browser connection: this interpreter
    (so it works from a venv), quoted for /bin/sh."""
    words = [sys.executable, "-m", "backtimer"]
    if args.work:
        words.append("work")
        if args.routine:
            words += ["--routine", args.routine]
    else:
        words.append("run")
        if args.routine:
            words.append(args.routine)
    if args.no_sound:
        words.append("--no-sound")
    # exec: the shell gives way to the app, so the server's signals reach the app itself
    return "exec " + shlex.join(words)


def choose_token(host: str, given: str | None) -> str | None:
    """The token to require: --token as given, else a random one off loopback, else none."""
    from backtimer.web.server import is_loopback

    if given is not None:
        if not TOKEN_SHAPE.fullmatch(given):
            raise UserError("--token: use 16 to 128 letters, digits, '-' or '_'", 2)
        return given
    return None if is_loopback(host) else secrets.token_urlsafe(24)


def lan_addresses() -> list[str]:
    """This machine's IPv4 addresses other than loopback, from its network interfaces
    (Linux: SIOCGIFADDR, no traffic sent); else what its host name resolves to."""
    found: list[str] = []
    try:
        import fcntl
        import struct

        interfaces = socket.if_nameindex()
    except (ImportError, OSError):
        interfaces = []
    for _index, name in interfaces:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            try:
                packed = fcntl.ioctl(
                    probe.fileno(), 0x8915, struct.pack("256s", name[:15].encode())
                )
            except OSError:  # no IPv4 address on this interface
                continue
        found.append(socket.inet_ntoa(packed[20:24]))
    if not found:
        try:
            infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
        except OSError:
            infos = []
        found = [str(info[4][0]) for info in infos]
    return list(dict.fromkeys(a for a in found if not a.startswith(("127.", "169.254."))))


def url_host(host: str) -> str:
    """The name a browser should use: a listen-on-all address becomes this machine's
    first LAN address (or its host name when it has none)."""
    if host not in ("0.0.0.0", "::", ""):
        return f"[{host}]" if ":" in host else host
    addresses = lan_addresses()
    return addresses[0] if addresses else socket.gethostname()


def page_url(host: str, port: int, token: str | None) -> str:
    url = f"http://{url_host(host)}:{port}/"
    return f"{url}?token={quote(token)}" if token else url


def qr_text(url: str) -> str:
    """The URL as a QR code in half-block characters (41 columns for a typical URL).

    segno: no dependencies of its own and a complete, well-tested QR encoder."""
    import io

    import segno

    out = io.StringIO()
    segno.make(url, error="l", micro=False).terminal(out=out, compact=True, border=2)
    return out.getvalue()


def _check_routine(args: argparse.Namespace) -> None:
    """A routine that does not load is reported here, not in the browser later."""
    if not args.routine:
        return
    from backtimer.routine.library import load
    from backtimer.routine.loader import RoutineError

    try:
        load(args.routine)
    except LookupError as exc:
        raise UserError(str(exc.args[0] if exc.args else exc), 2) from None
    except RoutineError as exc:
        raise UserError(str(exc), 1) from None


def handle(args: argparse.Namespace) -> int:
    if not 0 <= args.port <= 65535:
        raise UserError(f"--port: expected 0..65535, got {args.port}", 2)
    token = choose_token(args.host, args.token)
    _check_routine(args)
    try:
        from backtimer.web.server import BacktimerServer
    except ImportError as exc:
        raise UserError(
            f"serve needs textual-serve ({exc}): pip install textual-serve", 1
        ) from None

    def ready(port: int) -> None:
        print(banner(args.host, port, token), end="", flush=True)

    server = BacktimerServer(
        app_command(args),
        host=args.host,
        port=args.port,
        token=token,
        on_ready=ready,
        shared=args.work,  # one work mode per data folder: every browser shows it
    )
    os.environ[SERVED_BY] = str(os.getpid())
    try:
        server.serve()
    except OSError as exc:
        raise UserError(
            f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}"
        ) from None
    return 0


def banner(host: str, port: int, token: str | None) -> str:
    """What serve prints once it listens: the URL (after its QR code off loopback)."""
    from backtimer.web.server import is_loopback

    url = page_url(host, port, token)
    lines = [f"backtimer serve: open {url}"]
    if token is not None:
        lines.append("Every request needs this token: share the URL with no one else.")
    if host in ("0.0.0.0", "::", ""):
        others = lan_addresses()[1:]
        if others:
            lines.append(f"This machine's other addresses: {', '.join(others)}")
    lines.append("Sound plays on this machine. Ctrl+C stops the server.")
    text = "\n".join(lines) + "\n"
    return text if is_loopback(host) else qr_text(url) + text


def die_with_server() -> None:
    """In an app that serve started: end with the serve process, even when it is killed
    (SIGKILL) and so cannot stop its apps (Linux: PR_SET_PDEATHSIG). Elsewhere the app
    ends when its page closes or the server stops it."""
    import ctypes
    import ctypes.util
    import signal

    try:
        server = int(os.environ.pop(SERVED_BY))
    except (KeyError, ValueError):
        return
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != server:  # it was gone before the line above
        os.kill(os.getpid(), signal.SIGTERM)
