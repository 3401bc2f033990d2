"""`backtimer serve` without a browser: who gets in, what it prints, what it runs, and the
touch buttons the session shows in a browser."""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
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


async def test_on_a_short_page_the_touch_buttons_give_way_to_the_countdown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A page 13 rows tall (a phone on its side, its browser bars shown): no buttons
    half off the bottom of the page; the countdown and the footer's keys stay."""
    from backtimer.ui.app import BacktimerApp
    from backtimer.ui.widgets.countdown import Countdown
    from backtimer.ui.widgets.touch import TouchKeys
    from tests.helpers.ui_helpers import FakeClock, step

    monkeypatch.setattr(BacktimerApp, "is_web", property(lambda self: True))
    clock = FakeClock()
    app = sample_app(clock)
    async with app.run_test(size=(43, 13)) as pilot:
        await step(pilot, clock, 0.5)
        assert app.screen.query_one(TouchKeys).region.height == 0
        countdown = app.screen.query_one(Countdown).region
        assert countdown.height == 3 and countdown.bottom <= 12
        assert footer_keys(app)[:2] == ["Pause", "Next"]


LONG_HOLD = """\
[routine]
name = "Long"

[defaults]
prepare = 0

[[exercise]]
name = "Long stretch"
duration = "65m"
"""


async def test_on_a_phone_held_upright_the_countdown_is_the_big_block_font() -> None:
    """41x44 is a 390x844 page: the digits are the block font, five rows tall, whole and
    centred; a clock wider than the page ("1:05:00") falls back to the three-row digits
    instead of being cut."""
    from backtimer.routine.loader import load_text
    from backtimer.ui.app import BacktimerApp
    from backtimer.ui.widgets.countdown import Countdown
    from tests.helpers.ui_helpers import FakeClock, step

    clock = FakeClock()
    app = sample_app(clock)
    async with app.run_test(size=(41, 44)) as pilot:
        await step(pilot, clock, 0.5)
        countdown = app.screen.query_one(Countdown)
        assert countdown.region.height == 5
        rows = [countdown.render_line(y).text.rstrip() for y in range(countdown.region.height)]
        assert all("██" in row for row in rows)
        width = max(len(row.strip()) for row in rows)
        assert width <= countdown.region.width
        left = min(len(row) - len(row.lstrip()) for row in rows)
        assert abs(left - (countdown.region.width - width - left)) <= 1  # centred

    long = load_text(LONG_HOLD, source="long.toml", routine_id="long")
    app = BacktimerApp(long, clock=clock, sound=False, record=False)
    async with app.run_test(size=(41, 44)) as pilot:
        await step(pilot, clock, 0.5)
        countdown = app.screen.query_one(Countdown)
        assert countdown.value == "1:05:00"
        assert countdown.region.height == 3  # the Digits: all seven characters fit
        rows = [countdown.render_line(y).text.rstrip() for y in range(3)]
        assert "██" not in "".join(rows) and all(row.strip() for row in rows)
        assert max(len(row) for row in rows) <= countdown.region.width


async def test_in_a_terminal_no_touch_buttons_and_on_a_wide_page_one_row_of_six(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A tablet or a laptop (100x40): the footer's keys are one row of text, 19 px tall;
    the six buttons sit in one row, three rows tall, over the footer."""
    from textual.widgets import Button

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
        keys = app.screen.query_one(TouchKeys)
        assert keys.region.height == 3 and keys.region.bottom <= 39  # above the footer
        buttons = list(keys.query(Button))
        assert len({b.region.y for b in buttons}) == 1  # one row
        assert all(b.region.height == 3 and b.region.width >= 14 for b in buttons)
        assert "Pause" in footer_keys(app)
        await pilot.click(buttons[0])
        await pilot.pause()
        assert app.screen.session.engine.state == "paused"


# ---- the footer in a browser: the app has no focus until the first tap or key ---------

OPEN_HOLD = """\
[routine]
name = "Open"

[defaults]
prepare = "3s"

[[exercise]]
name = "Wall sit"
hold = "max"
"""


def footer_keys(app: Any) -> list[str]:
    from backtimer.ui.widgets.footer import KeysFooter

    return [str(key.description) for key in app.screen.query_one(KeysFooter).children]


async def test_without_focus_the_session_footer_shows_its_keys_and_follows_them() -> None:
    """A browser page starts the app without focus (textual-serve sends a blur at
    start): `serve ROUTINE` shows the session's keys all the same, and "Done" when an
    open-ended hold begins, before anyone has tapped."""
    from textual import events

    from backtimer.routine.loader import load_text
    from backtimer.ui.app import BacktimerApp
    from tests.helpers.ui_helpers import FakeClock, step

    clock = FakeClock()
    routine = load_text(OPEN_HOLD, source="open.toml", routine_id="open")
    app = BacktimerApp(routine, clock=clock, sound=False, record=False)
    async with app.run_test(size=(100, 30)) as pilot:
        app.post_message(events.AppBlur())  # as the web driver does at start
        await step(pilot, clock, 0.5)
        await pilot.pause()
        assert not app.app_focus
        assert footer_keys(app)[:5] == ["Pause", "Next", "Back", "It hurts", "Quit"]
        await step(pilot, clock, 3.0)  # the hold, open-ended: "Done" is a key now
        await pilot.pause()
        await pilot.pause()
        assert app.screen.session.engine.segment.is_open
        assert "Done" in footer_keys(app)


async def test_without_focus_the_library_footer_keeps_the_keys_of_the_focused_filter() -> None:
    """Typing a filter, then the page loses the focus: the footer still shows what keys
    do while typing (the filter gets the focus back with the page)."""
    from textual import events

    from tests.helpers.ui_helpers import FakeClock, make_app

    app = make_app(FakeClock())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert "Start" in footer_keys(app)
        await pilot.press("/")
        await pilot.pause()
        await pilot.pause()
        typing = footer_keys(app)
        assert "Clear filter" in typing and "Start" not in typing
        app.post_message(events.AppBlur())
        for _ in range(4):
            await pilot.pause()
        assert not app.app_focus and footer_keys(app) == typing


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
    server.quit_grace = 0.5
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


# ---- an app outlives its page -----------------------------------------------------------

PAGE_A = "page-a-0123456789abcdef"
PAGE_B = "page-b-0123456789abcdef"


@contextlib.asynccontextmanager
async def running(server: Any) -> Any:
    """`server` (a BacktimerServer) on a free loopback port; yields its base URL."""
    from aiohttp import web

    runner = web.AppRunner(await server._make_app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await server.stop_apps(grace=0.5)
        await runner.cleanup()


async def until(check: Any, seconds: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not check():
        assert asyncio.get_running_loop().time() < deadline, "never happened"
        await asyncio.sleep(0.02)


def processes(server: Any) -> list[Any]:
    return [a._process for a in server.apps if a._process is not None]


async def test_an_app_waits_for_its_page_to_come_back_and_a_second_page_takes_it_over() -> None:
    import aiohttp

    from backtimer.web.server import TAKEN, BacktimerServer

    server = BacktimerServer("exec sleep 60", port=0, grace=1.0)
    server.quit_grace = 0.5  # `sleep` does not quit when asked
    async with running(server) as address, aiohttp.ClientSession() as session:
        url = f"http://{address}/ws?width=80&height=24"
        page_a = {"Cookie": f"backtimer_page={PAGE_A}"}
        async with session.ws_connect(url, headers=page_a):
            await until(lambda: len(processes(server)) == 1)
        (process,) = processes(server)
        await asyncio.sleep(0.3)
        assert process.returncode is None  # the page went away; the app did not
        first = await session.ws_connect(url, headers=page_a)  # a reload
        await asyncio.sleep(1.2)  # past the grace: it came back in time
        assert processes(server) == [process] and process.returncode is None
        second = await session.ws_connect(url, headers=page_a)  # another tab of it
        closed = await first.receive(timeout=5)
        assert closed.type == aiohttp.WSMsgType.CLOSE and closed.data == TAKEN
        assert processes(server) == [process]
        await second.close()
        await until(lambda: process.returncode is not None, 5)  # nobody came back
        assert not server.apps


async def test_a_page_that_says_it_was_closed_ends_its_app_soon_and_only_its_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Closing the tab of a running session ends the app after a few seconds (time for a
    reload to come back), not half an hour later; a tab whose app another tab had taken
    over says it was closed too, and changes nothing for the tab that shows it."""
    import aiohttp

    from backtimer.web import server as served_module
    from backtimer.web.server import BacktimerServer

    monkeypatch.setattr(served_module, "TOGETHER", 0.5)
    server = BacktimerServer("exec sleep 60", port=0)  # waits half an hour for a page
    server.quit_grace = 0.5
    server.left_grace = 0.3
    async with running(server) as address, aiohttp.ClientSession() as session:
        url = f"http://{address}/ws?width=80&height=24"
        page_a = {"Cookie": f"backtimer_page={PAGE_A}"}
        left = f"http://{address}/left"
        first = await session.ws_connect(url, headers=page_a)
        await until(lambda: len(processes(server)) == 1)
        (process,) = processes(server)
        second = await session.ws_connect(url, headers=page_a)  # takes it over
        await first.receive(timeout=5)
        async with session.post(left, headers=page_a) as answer:  # the first tab closes
            assert answer.status == 204
        await asyncio.sleep(0.8)
        await second.close()  # later, the phone showing it locks its screen
        await asyncio.sleep(1.5)
        assert process.returncode is None  # it waits for its page
        third = await session.ws_connect(url, headers=page_a)  # it comes back
        await asyncio.sleep(0.2)
        assert processes(server) == [process]
        async with session.post(left, headers=page_a) as answer:  # now closed for good
            assert answer.status == 204
        await third.close()
        await until(lambda: process.returncode is not None, 5)


async def test_a_new_browser_at_the_limit_takes_the_place_of_an_app_whose_page_left() -> None:
    import aiohttp

    from backtimer.web.server import BacktimerServer

    server = BacktimerServer("exec sleep 60", port=0, max_apps=1)
    server.quit_grace = 0.5
    async with running(server) as address, aiohttp.ClientSession() as session:
        url = f"http://{address}/ws?width=80&height=24"
        async with session.ws_connect(url, headers={"Cookie": f"backtimer_page={PAGE_A}"}):
            await until(lambda: len(processes(server)) == 1)
        (left,) = processes(server)
        async with session.ws_connect(url, headers={"Cookie": f"backtimer_page={PAGE_B}"}):
            await until(lambda: left.returncode is not None)
            await until(lambda: len(processes(server)) == 1)
            assert processes(server) != [left]
            # the limit holds for pages that are there: a third browser waits its turn
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await session.ws_connect(url, headers={"Cookie": "backtimer_page=" + "c" * 20})
            assert refused.value.status == 503


async def test_the_page_is_told_how_its_app_ended() -> None:
    import aiohttp

    from backtimer.web.server import ENDED, FAILED, BacktimerServer

    for command, code in (("exec true", ENDED), ("exec sh -c 'exit 3'", FAILED)):
        server = BacktimerServer(command, port=0)
        async with running(server) as address, aiohttp.ClientSession() as session:
            url = f"http://{address}/ws?width=80&height=24"
            async with session.ws_connect(
                url, headers={"Cookie": f"backtimer_page={PAGE_A}"}
            ) as ws:
                closed = await ws.receive(timeout=10)
                assert closed.type == aiohttp.WSMsgType.CLOSE and closed.data == code, command
            await until(lambda server=server: not server.apps)  # nothing waits for a page


def test_each_browser_gets_a_page_cookie_once(with_token: Served) -> None:
    host, port = with_token.address.rsplit(":", 1)

    def cookies(headers: dict[str, str]) -> list[str]:
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        try:
            connection.request("GET", f"/?token={TOKEN}", headers=headers)
            response = connection.getresponse()
            response.read()
            return response.msg.get_all("Set-Cookie") or []
        finally:
            connection.close()

    first = cookies({})
    (page,) = [c for c in first if c.startswith("backtimer_page=")]
    assert "HttpOnly" in page and "SameSite=Strict" in page
    key = page.split(";", 1)[0].split("=", 1)[1]
    assert len(key) >= 16
    again = cookies({"Cookie": f"backtimer_page={key}"})
    assert not [c for c in again if c.startswith("backtimer_page=")]  # it keeps its app


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
