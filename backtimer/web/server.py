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
- at most MAX_APPS apps run at once, and stopping the server (Ctrl+C, SIGTERM) stops
  every app it started.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import logging
import signal
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

COOKIE = "backtimer_token"
log = logging.getLogger("backtimer.serve")
TEMPLATES = Path(__file__).resolve().parent / "templates"
LOOPBACK_NAMES = ("localhost",)
MAX_APPS = 8  # app processes at once (one per open page); a ninth page gets 503

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
    ) -> None:
        super().__init__(command, host=host, port=port, title=title)
        self.token = token
        self.on_ready = on_ready
        self.bound_port: int | None = None
        self.apps: set[AppService] = set()
        self.max_apps = max_apps
        self.open_pages = 0

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
                web.static(
                    "/static",
                    self.statics_path,
                    show_index=False,
                    follow_symlinks=False,
                    name="static",
                ),
            ]
        )
        return app

    @web.middleware
    async def guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if self.token is not None:
            given = request.query.get("token") or request.cookies.get(COOKIE)
            if not token_matches(given, self.token):
                raise web.HTTPForbidden(text="backtimer: this address needs its token\n")
        elif not is_loopback(_host_name(request.host)):
            raise web.HTTPForbidden(text="backtimer: only this machine may connect\n")
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
            "websocket_url": f"{scheme}://{request.host}/ws",
            "font_size": _font_size(request.query.get("fontsize", "16")),
        }
        response = aiohttp_jinja2.render_template("index.html", request, context)
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response.headers["Cache-Control"] = "no-store"
        if self.token is not None:
            # the page's scripts, styles and WebSocket carry the cookie, not the URL's token
            response.set_cookie(COOKIE, self.token, httponly=True, samesite="Strict", path="/")
        return response

    def initialize_logging(self) -> None:
        """Plain log lines: no tracebacks with local variables (they would show the token)."""
        logging.basicConfig(level="DEBUG" if self.debug else "WARNING", format="%(message)s")

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """textual-serve's handler, with the app remembered so that stopping the server
        stops it too (an app left behind would run on with no one to see it)."""
        if self.open_pages >= self.max_apps:
            raise web.HTTPServiceUnavailable(text="backtimer: too many pages open at once\n")
        self.open_pages += 1  # counted before the first await: no two pages take one place
        websocket = web.WebSocketResponse(heartbeat=15, timeout=2.0)
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        app_service: AppService | None = None

        async def close() -> None:
            await websocket.close()

        try:
            await websocket.prepare(request)
            app_service = AppService(
                self.command,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=close,
                download_manager=self.download_manager,
                debug=self.debug,
            )
            self.apps.add(app_service)
            await app_service.start(min(max(width, 1), 1000), min(max(height, 1), 1000))
            await self._process_messages(websocket, app_service)
        except asyncio.CancelledError:
            await websocket.close()
        except Exception:  # a broken message from the page: close this one, keep serving
            log.warning("backtimer serve: a connection failed", exc_info=False)
        finally:
            try:
                if app_service is not None:
                    await app_service.stop()
                    self.apps.discard(app_service)
            finally:
                self.open_pages -= 1
        return websocket

    async def stop_apps(self, grace: float = 2.0) -> None:
        """Ask every app to quit; end the ones still running after `grace` seconds."""
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
