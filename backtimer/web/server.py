"""`backtimer serve`: the app in a browser, through textual-serve, with no way in for strangers.

textual-serve's Server starts one app process per browser connection (the `command`) and
relays its screen over a WebSocket. This subclass builds its own aiohttp application
around the same pieces, so that:

- every request passes `guard` first: with a token set, each HTTP and WebSocket request
  must carry it (`?token=` or the cookie the page sets), compared in constant time, or it
  gets 403; without a token (loopback only) the Host header must name the loopback address,
  so a web page that rebinds its own name to 127.0.0.1 gets nothing;
- a WebSocket opened by a page from another origin gets 403 (its Origin must be this
  server), so a web site open in the same browser cannot drive the app;
- the page is our own template: every URL in it is relative to the address the browser
  used, and it loads nothing from other hosts (the font ships with textual-serve);
- static files come from textual-serve's own folder only: no directory listing, no
  symlinks followed, no `..` out of it (aiohttp resolves the path and refuses);
- no download route and no access log (a log would hold the token);
- an app outlives its page: a reload, a phone whose screen turned off or a lost
  connection leave it running for DETACHED_GRACE, and the same browser (its page
  cookie) gets it back, drawn whole again (backtimer/ui/served_driver.py); a second
  page of that browser takes it over, and the first one says so. With `shared` (work
  mode: one per data folder) every browser shows the one app;
- closing the page (not hiding it: the page says so when it is closed) ends its app
  after LEFT_GRACE, time enough for a reload to come back, so that no cue plays for a
  session no one sees;
- the page says why its app went away (static/page.js reads the close code: ended,
  failed to start, taken over, server stopped, connection lost) and comes back by
  itself after a lost connection, once it is seen again;
- at most MAX_APPS apps run at once (a new page takes the place of the app whose page
  left longest ago), and stopping the server (Ctrl+C, SIGTERM) stops every app it started.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import ipaddress
import logging
import re
import secrets
import signal
import time
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

COOKIE = "backtimer_token"
PAGE_COOKIE = "backtimer_page"  # which app is this browser's (not a secret: the token is)
PAGE_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")
SHARED = "shared"  # the page key of every browser when the app is shared (work mode)
log = logging.getLogger("backtimer.serve")
HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"  # our own page script, beside textual-serve's static folder
LOOPBACK_NAMES = ("localhost",)
MAX_APPS = 8  # app processes at once (one per browser); a ninth browser gets 503
DETACHED_GRACE = 30 * 60.0  # seconds an app waits for its page to come back
LEFT_GRACE = 10.0  # after its page said it was closed: time enough for a reload to come back
TOGETHER = 3.0  # seconds within which a page's "closed" and its WebSocket's end are one event
DRIVER = "backtimer.ui.served_driver:ServedDriver"  # WebDriver with a full repaint on demand

# WebSocket close codes, told apart by static/page.js
ENDED = 1000  # the app closed (Quit)
STOPPED = 1001  # the server stops
TAKEN = 4001  # another page of this browser shows the app now
FAILED = 4002  # the app ended with an error (before it could start, most often)

# What the page may do: its own scripts, styles and fonts, and its own WebSocket; xterm.js
# adds <style> elements, hence 'unsafe-inline' for styles only. No framing (a page that
# framed it could trick a tap onto "quit").
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "font-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 or "localhost": only this machine can connect."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def token_matches(given: str | None, token: str) -> bool:
    """Constant-time comparison; anything that is not the token (or is absent) is False."""
    if not given:
        return False
    return hmac.compare_digest(given.encode("utf-8", "replace"), token.encode("utf-8"))


def _host_name(host_header: str) -> str:
    """The name part of a Host header: "127.0.0.1:8000" -> "127.0.0.1", "[::1]:80" -> "::1"."""
    if host_header.startswith("["):
        return host_header[1:].split("]", 1)[0]
    return host_header.rsplit(":", 1)[0] if host_header.count(":") == 1 else host_header


class ServedAppService(AppService):
    """textual-serve's AppService, with the driver that repaints when a page comes back."""

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width=width, height=height)
        environment["TEXTUAL_DRIVER"] = DRIVER
        return environment


class PageApp:
    """One app process and the page that shows it; no page while it waits for it to come
    back. What the app draws goes to the page of the moment, or nowhere."""

    def __init__(self, key: str | None) -> None:
        self.key = key  # the browser's page key; None: the app ends with its page
        self.websocket: web.WebSocketResponse | None = None
        self.service: AppService | None = None
        self.left_at = 0.0  # monotonic time its page went away
        self.expiry: asyncio.TimerHandle | None = None
        self.ended = False  # the app said it exits, or it was stopped
        self.retired = False
        self.closed_at: float | None = None  # when a page of it said it was closed

    @property
    def running(self) -> bool:
        process = self.service._process if self.service is not None else None
        return not self.ended and process is not None and process.returncode is None

    async def write_bytes(self, data: bytes) -> None:
        websocket = self.websocket
        if websocket is not None and not websocket.closed:
            with contextlib.suppress(ConnectionError):  # it has just gone: the next repaints
                await websocket.send_bytes(data)

    async def write_str(self, data: str) -> None:
        websocket = self.websocket
        if websocket is not None and not websocket.closed:
            with contextlib.suppress(ConnectionError):
                await websocket.send_str(data)

    async def close(self) -> None:
        """The app exits (Quit): its page says so."""
        self.ended = True
        if self.websocket is not None:
            await self.websocket.close(code=ENDED, message=b"ended")

    async def show_on(self, websocket: web.WebSocketResponse) -> None:
        """`websocket`'s page shows the app from now on; a page showing it before is told."""
        previous, self.websocket = self.websocket, websocket
        self.closed_at = None
        if self.expiry is not None:
            self.expiry.cancel()
            self.expiry = None
        if previous is not None and not previous.closed:
            await previous.close(code=TAKEN, message=b"taken over")


class BacktimerServer(Server):
    """textual-serve's Server with the guard, our page, and a startup we control."""

    def __init__(
        self,
        command: str,
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        token: str | None = None,
        title: str = "backtimer",
        on_ready: Callable[[int], None] | None = None,
        max_apps: int = MAX_APPS,
        shared: bool = False,
        grace: float = DETACHED_GRACE,
    ) -> None:
        super().__init__(command, host=host, port=port, title=title)
        self.token = token
        self.on_ready = on_ready
        self.bound_port: int | None = None
        self.apps: set[AppService] = set()
        self.max_apps = max_apps
        self.shared = shared
        self.grace = grace
        self.pages: dict[str, PageApp] = {}  # by page key: the apps a page may come back to
        self.places: set[PageApp] = set()  # every app started and not yet retired
        self.background: set[asyncio.Future[None]] = set()
        self.quit_grace = 5.0  # seconds an app has to quit before it is ended
        self.left_grace = LEFT_GRACE

    # ---- the aiohttp application ---------------------------------------------------------

    async def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[self.guard])
        aiohttp_jinja2.setup(
            app, loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=jinja2.select_autoescape()
        )
        app.add_routes(
            [
                web.get("/", self.handle_index, name="index"),
                web.get("/ws", self.handle_websocket, name="websocket"),
                web.post("/left", self.handle_left, name="left"),
                web.static(
                    "/static",
                    self.statics_path,
                    show_index=False,
                    follow_symlinks=False,
                    name="static",
                ),
                web.static(
                    "/page",
                    STATIC,
                    show_index=False,
                    follow_symlinks=False,
                    name="page",
                ),
            ]
        )
        return app

    @web.middleware
    async def guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if self.token is not None:
            given = request.query.get("token") or request.cookies.get(COOKIE)
            if not token_matches(given, self.token):
                raise _refused(request, NEEDS_TOKEN)
        elif not is_loopback(_host_name(request.host)):
            raise _refused(request, ONLY_HERE)
        if request.path == "/ws":
            origin = request.headers.get("Origin")
            if origin is not None and origin != f"{request.scheme}://{request.host}":
                raise web.HTTPForbidden(text="backtimer: not from this page\n")
        response = await handler(request)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        scheme = "wss" if request.scheme == "https" else "ws"
        context = {
            "title": self.title,
            "static_url": "static/",
            "page_url": "page/",
            "websocket_url": f"{scheme}://{request.host}/ws",
            "font_size": _font_size(request.query.get("fontsize", "16")),
        }
        response = aiohttp_jinja2.render_template("index.html", request, context)
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response.headers["Cache-Control"] = "no-store"
        if not PAGE_KEY.fullmatch(request.cookies.get(PAGE_COOKIE, "")):
            # this browser's app: a reload or a page opened again comes back to it
            key = secrets.token_urlsafe(18)
            response.set_cookie(PAGE_COOKIE, key, httponly=True, samesite="Strict", path="/")
        if self.token is not None:
            # the page's scripts, styles and WebSocket carry the cookie, not the URL's token
            response.set_cookie(COOKIE, self.token, httponly=True, samesite="Strict", path="/")
        return response

    def initialize_logging(self) -> None:
        """Plain log lines: no tracebacks with local variables (they would show the token)."""
        logging.basicConfig(level="DEBUG" if self.debug else "WARNING", format="%(message)s")

    def _page_key(self, request: web.Request) -> str | None:
        if self.shared:
            return SHARED
        key = request.cookies.get(PAGE_COOKIE, "")
        return key if PAGE_KEY.fullmatch(key) else None

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """The app of this browser's page key, started now or still running since its page
        went away; the page shows it until the app ends or the page goes."""
        key = self._page_key(request)
        page = self.pages.get(key) if key is not None else None
        if page is not None and not page.running:
            await self._retire(page)
            page = None
        if page is None:
            if len(self.places) >= self.max_apps and not self._make_room():
                raise web.HTTPServiceUnavailable(text="backtimer: too many pages open at once\n")
            page = PageApp(key)
            self.places.add(page)  # before the first await: no two pages take one place
            if key is not None:
                self.pages[key] = page
            fresh = True
        else:
            fresh = False
        websocket = web.WebSocketResponse(heartbeat=15, timeout=2.0)
        width = min(max(to_int(request.query.get("width", "80"), 80), 1), 1000)
        height = min(max(to_int(request.query.get("height", "24"), 24), 1), 1000)
        try:
            await websocket.prepare(request)
            await page.show_on(websocket)
            service: AppService
            if fresh:
                service = ServedAppService(
                    self.command,
                    write_bytes=page.write_bytes,
                    write_str=page.write_str,
                    close=page.close,
                    download_manager=self.download_manager,
                    debug=self.debug,
                )
                page.service = service
                self.apps.add(service)
                await service.start(width, height)
                if service._task is not None:
                    service._task.add_done_callback(
                        lambda _task: self._in_background(self._app_ended(page))
                    )
            else:
                assert page.service is not None
                service = page.service
                await service.set_terminal_size(width, height)
                await service.send_meta({"type": "repaint"})  # a new page starts empty
            await self._process_messages(websocket, service)
        except asyncio.CancelledError:
            await websocket.close()
        except Exception:  # a broken message from the page: close this one, keep serving
            log.warning("backtimer serve: a connection failed", exc_info=False)
        finally:
            if page.websocket is websocket:
                page.websocket = None
                if page.key is not None and page.running:
                    self._wait_for_page(page)
                else:
                    await self._retire(page)
        return websocket

    def _wait_for_page(self, page: PageApp) -> None:
        """The page went away (a reload, a screen turned off): the app goes on, and stops
        if no page of this browser comes back to it in time (soon when the page said it
        was closed)."""
        page.left_at = time.monotonic()
        closed = page.closed_at is not None and page.left_at - page.closed_at < TOGETHER
        self._expire(page, self.left_grace if closed else self.grace)

    def _expire(self, page: PageApp, seconds: float) -> None:
        if page.expiry is not None:
            page.expiry.cancel()
        page.expiry = asyncio.get_running_loop().call_later(
            seconds, lambda: self._in_background(self._retire(page))
        )

    async def handle_left(self, request: web.Request) -> web.StreamResponse:
        """A page was closed (or loaded again: then it comes back within LEFT_GRACE). If
        it was the one showing the app (its WebSocket ends at the same moment), the app
        ends soon, not after DETACHED_GRACE: no cue plays for a session no one sees. A tab
        that another one had taken the app from changes nothing; work mode goes on."""
        origin = request.headers.get("Origin")
        if origin is not None and origin != f"{request.scheme}://{request.host}":
            raise web.HTTPForbidden(text="backtimer: not from this page\n")
        key = self._page_key(request)
        page = self.pages.get(key) if key is not None and not self.shared else None
        if page is not None:
            now = page.closed_at = time.monotonic()
            gone = page.websocket is None and page.expiry is not None
            if gone and now - page.left_at < TOGETHER:
                self._expire(page, self.left_grace)
        return web.Response(status=204)

    def _make_room(self) -> bool:
        """At the limit: retire the app whose page left longest ago, if one waits."""
        waiting = [p for p in self.places if p.websocket is None and p.expiry is not None]
        if not waiting:
            return False
        oldest = min(waiting, key=lambda p: p.left_at)
        self.places.discard(oldest)  # its place is free now; it stops in the background
        self._in_background(self._retire(oldest))
        return True

    def _in_background(self, work: Coroutine[object, object, None]) -> None:
        """Run `work` on its own, keeping a reference until it is done."""
        task = asyncio.ensure_future(work)
        self.background.add(task)
        task.add_done_callback(self.background.discard)

    async def _app_ended(self, page: PageApp) -> None:
        """The app's process ended by itself (Quit, or an error): its page says so."""
        process = page.service._process if page.service is not None else None
        if process is not None:
            await process.wait()
        failed = process is not None and process.returncode not in (0, None)
        websocket = page.websocket
        page.ended = True
        if websocket is not None and not websocket.closed:
            if failed:
                await websocket.close(code=FAILED, message=b"the app ended with an error")
            else:
                await websocket.close(code=ENDED, message=b"ended")
        await self._retire(page)

    async def _retire(self, page: PageApp) -> None:
        """Stop the app (if it still runs) and forget it."""
        if page.retired:
            return
        page.retired = True
        page.ended = True
        if page.expiry is not None:
            page.expiry.cancel()
            page.expiry = None
        self.places.discard(page)
        if page.key is not None and self.pages.get(page.key) is page:
            del self.pages[page.key]
        service = page.service
        if service is not None:
            try:
                process = service._process
                await service.send_meta({"type": "quit"})
                if process is not None and process.returncode is None:
                    try:
                        await asyncio.wait_for(process.wait(), self.quit_grace)
                    except TimeoutError:  # an app that does not quit is ended
                        process.kill()
                        await process.wait()
                await service.stop()
            finally:
                self.apps.discard(service)

    async def stop_apps(self, grace: float = 2.0) -> None:
        """Tell every page the server stops, ask every app to quit, and end the ones
        still running after `grace` seconds."""
        for page in list(self.places):
            if page.expiry is not None:
                page.expiry.cancel()
                page.expiry = None
            page.ended = True
            if page.websocket is not None and not page.websocket.closed:
                await page.websocket.close(code=STOPPED, message=b"server stopped")
        processes = [p for a in self.apps if (p := a._process) is not None and p.returncode is None]
        for app_service in list(self.apps):
            await app_service.send_meta({"type": "quit"})
        for process in processes:
            try:
                await asyncio.wait_for(process.wait(), grace)
            except TimeoutError:
                process.kill()
                await process.wait()

    # ---- running -------------------------------------------------------------------------

    def serve(self, debug: bool = False) -> None:
        """Run until Ctrl+C or SIGTERM. Raises OSError when the address cannot be bound."""
        self.debug = debug
        self.initialize_logging()
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        runner = web.AppRunner(await self._make_app(), access_log=None, handle_signals=False)
        await runner.setup()
        try:
            site = web.TCPSite(runner, self.host, self.port)
            await site.start()
            self.bound_port = _port_of(runner)
            if self.on_ready is not None:
                self.on_ready(self.bound_port)
            await stop.wait()
        finally:
            await self.stop_apps()
            await runner.cleanup()


NEEDS_TOKEN = (
    "backtimer: this address needs its token",
    "Open the address that backtimer serve printed, with its token, or scan its QR code. "
    "The token changes each time serve starts, unless it was started with --token.",
)
ONLY_HERE = (
    "backtimer: only this machine may connect",
    "backtimer serve listens for this machine only. To open it from a phone, start it with "
    "--host 0.0.0.0 and open the address it prints.",
)
REFUSED_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>backtimer</title>
<style>body {{ font: 18px/1.5 sans-serif; margin: 2em 1.2em; max-width: 34em; }}</style>
</head><body><h1 style="font-size: 1.2em">{title}</h1><p>{text}</p></body></html>
"""


def _refused(request: web.Request, why: tuple[str, str]) -> web.HTTPForbidden:
    """403: a page a phone shows readably for the page itself, one line for the rest."""
    title, text = why
    if request.path == "/" and "text/html" in request.headers.get("Accept", ""):
        return web.HTTPForbidden(
            text=REFUSED_PAGE.format(title=title, text=text),
            content_type="text/html",
            headers={
                "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
                "Cache-Control": "no-store",
            },
        )
    return web.HTTPForbidden(text=f"{title}\n")


def _port_of(runner: web.AppRunner) -> int:
    for address in runner.addresses:
        if isinstance(address, tuple) and len(address) >= 2:
            return int(address[1])
    raise OSError("the server did not bind a TCP port")


def _font_size(raw: str) -> int:
    try:
        return min(max(int(raw), 8), 48)
    except ValueError:
        return 16
