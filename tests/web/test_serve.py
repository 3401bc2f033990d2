"""`backtimer serve` without a browser: who gets in, what it prints, what it runs, and the
touch buttons the session shows in a browser."""

from __future__ import annotations

import argparse
import asyncio
import base64
import http.client
import os
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from backtimer.cli.serve import app_command, banner, choose_token, page_url
from backtimer.usecases.errors import UserError
from backtimer.web.server import is_loopback, token_matches
from tests.helpers.serve_helpers import TOKEN, Served, served_env

# ---- token, URL, banner, command -------------------------------------------------------


def test_loopback_needs_no_token_and_any_other_host_gets_a_fresh_random_one() -> None:
    assert choose_token("127.0.0.1", None) is None
    assert choose_token("localhost", None) is None
    assert choose_token("::1", None) is None
    first, second = choose_token("0.0.0.0", None), choose_token("192.168.1.20", None)
    assert first and second and first != second
    assert len(first) >= 32 and all(c.isalnum() or c in "-_" for c in first)


def test_a_given_token_is_used_as_is_and_a_weak_one_is_refused() -> None:
    assert choose_token("0.0.0.0", TOKEN) == TOKEN
    assert choose_token("127.0.0.1", TOKEN) == TOKEN  # loopback with a token: required too
    for weak in ("short", "has space in it here", "x" * 15, "ü" * 20, "a&b=c" * 4):
        with pytest.raises(UserError, match="--token"):
            choose_token("0.0.0.0", weak)


def test_is_loopback() -> None:
    assert all(is_loopback(h) for h in ("127.0.0.1", "127.1.2.3", "::1", "[::1]", "LOCALHOST"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "192.168.1.2", "example.org"))


def test_the_token_comparison_refuses_anything_but_the_token() -> None:
    assert token_matches(TOKEN, TOKEN)
    for wrong in (None, "", TOKEN[:-1], TOKEN + "x", TOKEN.upper(), "é" * len(TOKEN)):
        assert not token_matches(wrong, TOKEN)


def test_the_printed_url_carries_the_token_and_off_loopback_a_qr_code() -> None:
    assert page_url("127.0.0.1", 8000, None) == "http://127.0.0.1:8000/"
    assert page_url("192.168.1.20", 8123, TOKEN) == f"http://192.168.1.20:8123/?token={TOKEN}"
    assert page_url("::1", 80, None) == "http://[::1]:80/"
    local = banner("127.0.0.1", 8000, None)
    assert "open http://127.0.0.1:8000/" in local and "█" not in local
    assert "Sound plays on this machine" in local
    lan = banner("192.168.1.20", 8123, TOKEN)
    qr_rows = [line for line in lan.splitlines() if "█" in line or "▀" in line]
    assert len(qr_rows) >= 15 and len({len(r) for r in qr_rows}) == 1  # a square block
    assert f"open http://192.168.1.20:8123/?token={TOKEN}" in lan
    assert "share the URL with no one else" in lan


def test_the_app_command_is_this_interpreter_with_every_word_quoted() -> None:
    args = argparse.Namespace(work=False, routine="my routines/it's.toml", no_sound=True)
    command = app_command(args)
    assert command.startswith("exec ")  # the shell gives way to the app
    words = shlex.split(command)[1:]
    assert words == [
        sys.executable,
        "-m",
        "backtimer",
        "run",
        "my routines/it's.toml",
        "--no-sound",
    ]
    args = argparse.Namespace(work=True, routine="neck", no_sound=False)
    assert shlex.split(app_command(args))[4:] == ["work", "--routine", "neck"]
    args = argparse.Namespace(work=False, routine=None, no_sound=False)
    assert shlex.split(app_command(args))[4:] == ["run"]


def serve_fails(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "backtimer", "serve", "--port", "0", *args],
        env=served_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_an_unknown_routine_or_a_weak_token_stops_serve_before_it_listens(tmp_path: Path) -> None:
    done = serve_fails(tmp_path, "no-such-routine")
    assert done.returncode == 2
    assert "no-such-routine" in done.stderr and "Traceback" not in done.stderr
    assert "open http" not in done.stdout
    done = serve_fails(tmp_path, "--token", "abc")
    assert done.returncode == 2 and "--token" in done.stderr


# ---- the running server ----------------------------------------------------------------


@pytest.fixture
def with_token(tmp_path: Path) -> Iterator[Served]:
    server = Served(tmp_path, "--token", TOKEN, "--no-sound")
    try:
        yield server
    finally:
        server.stop()


def get(
    served: Served, path: str, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """A raw GET: the path goes out as written (no client-side `..` clean-up)."""
    host, port = served.address.rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
        connection.putheader("Host", (headers or {}).get("Host", served.address))
        for name, value in (headers or {}).items():
            if name != "Host":
                connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        if response.status == 101:
            return 101, dict(response.getheaders()), b""
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def websocket(served: Served, path: str = "/ws", **headers: str) -> int:
    """The status of a WebSocket handshake (101: in)."""
    key = base64.b64encode(os.urandom(16)).decode()
    upgrade = {
        "Connection": "Upgrade",
        "Upgrade": "websocket",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": key,
        **{k.replace("_", "-"): v for k, v in headers.items()},
    }
    return get(served, path, upgrade)[0]


def test_without_the_token_every_request_gets_403(with_token: Served) -> None:
    for path in ("/", "/?token=", "/?token=wrong-token-0123456789", "/static/js/textual.js"):
        status, _headers, body = get(with_token, path)
        assert status == 403, path
        assert b"textual" not in body.lower()
    wrong_cookie = {"Cookie": "backtimer_token=wrong-token-0123456789"}
    assert get(with_token, "/static/css/xterm.css", wrong_cookie)[0] == 403
    assert websocket(with_token) == 403
    assert websocket(with_token, Cookie="backtimer_token=nope-nope-nope-nope") == 403


def test_with_the_token_the_page_sets_a_cookie_that_its_files_and_websocket_carry(
    with_token: Served,
) -> None:
    status, headers, body = get(with_token, f"/?token={TOKEN}")
    assert status == 200
    cookie = headers["Set-Cookie"]
    assert cookie.startswith(f"backtimer_token={TOKEN}")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["Referrer-Policy"] == "no-referrer"
    page = body.decode()
    assert 'src="static/js/textual.js"' in page
    assert "http://" not in page and "https://" not in page  # nothing from other hosts
    jar = {"Cookie": f"backtimer_token={TOKEN}"}
    status, _headers, script = get(with_token, "/static/js/textual.js", jar)
    assert status == 200 and b"WebSocket" in script
    origin = f"http://{with_token.address}"
    assert websocket(with_token, Cookie=jar["Cookie"], Origin=origin) == 101
    # a page from elsewhere, even in a browser that holds the cookie
    assert websocket(with_token, Cookie=jar["Cookie"], Origin="http://evil.example") == 403


def test_no_file_outside_the_static_folder_and_no_listing(with_token: Served) -> None:
    jar = {"Cookie": f"backtimer_token={TOKEN}"}
    for path in (
        "/static/../server.py",
        "/static/css/../../server.py",
        "/static/%2e%2e/server.py",
        "/static/..%2fserver.py",
        "/static/%2e%2e%2f%2e%2e%2fweb/server.py",
        "/static/..%5cserver.py",
        "/static/../../../../../../etc/passwd",
        "/static//etc/passwd",
        "/static/",
        "/static/js/",
    ):
        status, _headers, body = get(with_token, path, jar)
        assert status in (403, 404), (path, status)
        assert b"class Server" not in body and b"root:" not in body and b"xterm" not in body


def test_on_loopback_without_a_token_only_a_loopback_host_name_gets_in(tmp_path: Path) -> None:
    served = Served(tmp_path, "--no-sound")
    try:
        assert "token" not in served.url
        assert get(served, "/")[0] == 200
        # a web page whose own name now points at 127.0.0.1 (DNS rebinding)
        port = served.address.rsplit(":", 1)[1]
        assert get(served, "/", {"Host": f"evil.example:{port}"})[0] == 403
        assert websocket(served, Host=f"evil.example:{port}") == 403
        assert websocket(served, Origin="http://evil.example") == 403
    finally:
        served.stop()


# ---- the touch buttons (in a browser, narrow) -------------------------------------------


def sample_app(clock: Any) -> Any:
    """The app straight into the sample routine, silent, recording nothing."""
    from backtimer.routine.loader import load_file
    from backtimer.ui.app import BacktimerApp
    from tests.helpers.ui_helpers import SAMPLE

    routine = load_file(SAMPLE, routine_id="ui-sample")
    return BacktimerApp(routine, clock=clock, sound=False, record=False)


async def test_in_a_narrow_browser_page_the_session_has_buttons_a_finger_can_use(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from textual.widgets import Button

    from backtimer.ui.app import BacktimerApp
    from backtimer.ui.widgets.touch import TouchKeys
    from tests.helpers.ui_helpers import FakeClock, step

    monkeypatch.setattr(BacktimerApp, "is_web", property(lambda self: True))
    clock = FakeClock()
    app = sample_app(clock)
    async with app.run_test(size=(43, 44)) as pilot:
        await step(pilot, clock, 0.5)
        keys = app.screen.query_one(TouchKeys)
        assert keys.display and keys.region.height == 6
        buttons = {str(b.label): b for b in keys.query(Button)}
        assert list(buttons) == ["Pause", "Next", "Done", "Back", "It hurts", "Quit"]
        assert all(b.region.height == 3 and b.region.width >= 12 for b in buttons.values())
        assert buttons["Done"].disabled  # a timed segment: nothing to mark done

        await pilot.click(buttons["Pause"])
        await pilot.pause()
        assert app.screen.session.engine.state == "paused"
        assert str(buttons["Pause"].label) == "Resume"
        await pilot.press("space")  # the keys still work, and the button follows
        await pilot.pause()
        assert app.screen.session.engine.state != "paused"
        assert str(buttons["Pause"].label) == "Pause"

        await pilot.click(buttons["Quit"])
        await pilot.pause()
        assert app.screen.has_class("-touch")
        quit_button = app.screen.query_one("#quit", Button)
        assert quit_button.region.height == 3  # shown, narrow as the page is
        await pilot.click(quit_button)
        await pilot.pause()
    assert app.return_code == 0


async def test_in_a_terminal_or_a_wide_page_there_are_no_touch_buttons(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from backtimer.ui.app import BacktimerApp
    from backtimer.ui.widgets.touch import TouchKeys
    from tests.helpers.ui_helpers import FakeClock, step

    clock = FakeClock()
    app = sample_app(clock)
    async with app.run_test(size=(43, 44)) as pilot:
        await step(pilot, clock, 0.5)
        assert not app.screen.query(TouchKeys)
    monkeypatch.setattr(BacktimerApp, "is_web", property(lambda self: True))
    app = sample_app(clock)
    async with app.run_test(size=(100, 40)) as pilot:
        await step(pilot, clock, 0.5)
        assert app.screen.query_one(TouchKeys).region.height == 0  # the footer is wide enough


def app_processes(server_pid: int) -> list[int]:
    """The app processes serve started (its children), from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == server_pid:
                found.append(int(entry))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux's /proc")
def test_stopping_serve_stops_the_apps_it_started(tmp_path: Path) -> None:
    import time

    import aiohttp

    served = Served(tmp_path, "--token", TOKEN, "--no-sound")
    pid = served.process.pid

    async def watch_the_library_then_stop() -> list[int]:
        async with aiohttp.ClientSession() as session:
            url = f"http://{served.address}/ws?token={TOKEN}&width=80&height=24"
            async with session.ws_connect(url) as ws:
                screen = b""
                deadline = time.monotonic() + 20
                while b"Back strength" not in screen and time.monotonic() < deadline:
                    message = await ws.receive(timeout=20)
                    if isinstance(message.data, bytes):
                        screen += message.data
                assert b"Back strength" in screen  # the library, drawn for this connection
                apps = app_processes(pid)
                assert len(apps) == 1
                served.process.terminate()  # Ctrl+C or SIGTERM, with the page still open
                await asyncio.get_running_loop().run_in_executor(None, served.process.wait, 10)
                return apps

    try:
        apps = asyncio.run(watch_the_library_then_stop())
    finally:
        served.stop()
    assert served.process.returncode == 0
    time.sleep(0.2)
    assert not any(Path(f"/proc/{app}").exists() for app in apps), "an app outlived serve"


async def test_a_page_past_the_limit_gets_503_and_stopping_ends_even_a_stubborn_app() -> None:
    import time

    import aiohttp
    from aiohttp import web

    from backtimer.web.server import BacktimerServer

    # an "app" that ignores the quit message: stop_apps must end it all the same
    server = BacktimerServer("exec sleep 60", port=0, max_apps=1)
    runner = web.AppRunner(await server._make_app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        async with aiohttp.ClientSession() as session:
            url = f"http://127.0.0.1:{port}/ws?width=80&height=24"
            async with session.ws_connect(url):
                for _ in range(100):
                    if server.apps:
                        break
                    await asyncio.sleep(0.02)
                assert len(server.apps) == 1
                with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                    await session.ws_connect(url)
                assert refused.value.status == 503
                process = next(iter(server.apps))._process
                assert process is not None and process.returncode is None
                started = time.monotonic()
                await server.stop_apps(grace=0.5)
                assert process.returncode is not None
                assert time.monotonic() - started < 3
    finally:
        await runner.cleanup()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_an_app_does_not_outlive_a_killed_serve(tmp_path: Path) -> None:
    import time

    import aiohttp

    served = Served(tmp_path, "--token", TOKEN, "--no-sound")
    pid = served.process.pid

    async def open_the_app() -> list[int]:
        async with aiohttp.ClientSession() as session:
            url = f"http://{served.address}/ws?token={TOKEN}&width=80&height=24"
            async with session.ws_connect(url) as ws:
                screen = b""
                deadline = time.monotonic() + 20
                while b"Back strength" not in screen and time.monotonic() < deadline:
                    message = await ws.receive(timeout=20)
                    if isinstance(message.data, bytes):
                        screen += message.data
                apps = app_processes(pid)
                served.process.kill()  # SIGKILL: serve cannot stop anything
                served.process.wait(10)
                return apps

    try:
        apps = asyncio.run(open_the_app())
    finally:
        served.stop()
    assert len(apps) == 1
    deadline = time.monotonic() + 5
    while Path(f"/proc/{apps[0]}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not Path(f"/proc/{apps[0]}").exists(), "the app outlived a killed serve"


def test_listening_on_every_address_prints_one_this_machine_has(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from backtimer.cli import serve

    found = serve.lan_addresses()
    assert all(not a.startswith("127.") and a.count(".") == 3 for a in found)
    monkeypatch.setattr(serve, "lan_addresses", lambda: ["192.168.1.20", "10.0.0.5"])
    text = banner("0.0.0.0", 8000, TOKEN)
    assert f"open http://192.168.1.20:8000/?token={TOKEN}" in text
    assert "other addresses: 10.0.0.5" in text
    assert "0.0.0.0" not in text


def test_the_qr_code_printed_is_the_url_itself() -> None:
    """Read the half-block characters back into modules and compare them with the QR
    code of the URL: what a phone's camera sees is the URL, with its token."""
    import segno

    from backtimer.cli.serve import qr_text

    url = f"http://192.168.1.20:8123/?token={TOKEN}"
    rows = qr_text(url).splitlines()
    light = {"█": (True, True), "▀": (True, False), "▄": (False, True), " ": (False, False)}
    modules = []
    for row in rows:
        modules.append([light[c][0] for c in row])
        modules.append([light[c][1] for c in row])
    border = 2
    matrix = segno.make(url, error="l", micro=False).matrix
    size = len(matrix) + 2 * border
    expected = [[True] * size for _ in range(size)]  # the quiet zone is light
    for y, line in enumerate(matrix):
        for x, dark in enumerate(line):
            expected[y + border][x + border] = not dark
    assert len(modules) in (size, size + 1)  # an odd size: the last half row is blank
    assert modules[:size] == expected


def test_a_port_in_use_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "backtimer", "serve", "--port", str(port)],
            env=served_env(tmp_path),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert done.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr
    assert "Traceback" not in done.stderr and "open http" not in done.stdout
