"""One D-Bus connection per bus, kept open, every call bounded by a short timeout.

jeepney speaks the D-Bus protocol in pure Python (no libdbus, no GLib main loop, no
subprocess). Its blocking connection says Hello without a time limit, so this module opens
the connection itself and bounds every step: connect + authenticate, Hello, and each call.
A call that fails closes the connection; the next call opens a new one (the callers back
off, see probe.py), so a bus that went away (logout, restart) is found again.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Mapping
from typing import Any

from jeepney import DBusAddress, HeaderFields, MessageFlag, MessageType, new_method_call
from jeepney.bus import get_connectable_addresses
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import DBusConnectionBase, prep_socket

from backtimer.breaks.probe import Unavailable

CALL_TIMEOUT = 0.25  # seconds for one method call (a healthy bus answers in about 1 ms)
CONNECT_TIMEOUT = 0.5  # seconds to connect, authenticate and say Hello
SYSTEM_BUS = "unix:path=/run/dbus/system_bus_socket"


def bus_address(bus: str, env: Mapping[str, str]) -> str:
    """The address of "session" or "system" from the environment, or Unavailable."""
    if bus == "session":
        address = env.get("DBUS_SESSION_BUS_ADDRESS", "")
        if not address:
            runtime = env.get("XDG_RUNTIME_DIR", "")
            path = os.path.join(runtime, "bus") if runtime else ""
            if not path or not os.path.exists(path):
                raise Unavailable("no session bus (DBUS_SESSION_BUS_ADDRESS is not set)")
            address = f"unix:path={path}"
        return address
    return env.get("DBUS_SYSTEM_BUS_ADDRESS", "") or SYSTEM_BUS


class _Connection(DBusConnectionBase):  # type: ignore[misc]
    """jeepney's connection machinery with a deadline on every read."""

    def call(self, message: Any, timeout: float) -> Any:
        serial = next(self.outgoing_serial)
        data, _fds = self._serialise(message, serial)
        self.sock.settimeout(timeout)
        self.sock.sendall(data)
        self.sock.settimeout(None)
        deadline = time.monotonic() + timeout
        while True:
            reply = self._receive(deadline)
            if reply.header.fields.get(HeaderFields.reply_serial) == serial:
                return reply
            # anything else (NameAcquired, a late reply to a call that timed out) is dropped


class Bus:
    """A lazily opened connection to the session or system bus. Not thread-safe: use it
    from one thread. Every failure is an Unavailable with a short reason for people."""

    def __init__(
        self,
        bus: str,
        env: Mapping[str, str] | None = None,
        *,
        timeout: float = CALL_TIMEOUT,
    ) -> None:
        self.bus = bus
        self.env = dict(os.environ) if env is None else env
        self.timeout = timeout
        self._conn: _Connection | None = None

    def _open(self) -> _Connection:
        if self._conn is not None:
            return self._conn
        address = bus_address(self.bus, self.env)
        try:
            path = next(get_connectable_addresses(address))
        except (RuntimeError, ValueError, StopIteration) as exc:
            raise Unavailable(f"{self.bus} bus address not usable ({exc})") from None
        try:
            sock = prep_socket(path, False, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise Unavailable(f"cannot connect to the {self.bus} bus ({reason})") from None
        except Exception as exc:  # jeepney's authentication errors
            raise Unavailable(f"cannot connect to the {self.bus} bus ({exc})") from None
        conn = _Connection(sock)
        try:
            hello = conn.call(new_method_call(message_bus, "Hello"), CONNECT_TIMEOUT)
            conn.unique_name = hello.body[0]
        except Exception:
            conn.close()
            raise Unavailable(f"the {self.bus} bus did not answer Hello") from None
        self._conn = conn
        return conn

    def close(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            with contextlib.suppress(OSError):
                conn.close()

    def call(
        self,
        name: str,
        path: str,
        interface: str,
        method: str,
        *,
        signature: str | None = None,
        body: tuple[Any, ...] = (),
    ) -> tuple[Any, ...]:
        """Call a method and return the reply's body. Never starts a service that is not
        running (no auto-start); a service that is missing or answers an error, or a reply
        that does not come within the timeout, raises Unavailable."""
        conn = self._open()
        message = new_method_call(DBusAddress(path, name, interface), method, signature, body)
        message.header.flags |= MessageFlag.no_auto_start
        try:
            reply = conn.call(message, self.timeout)
        except TimeoutError:
            self.close()
            raise Unavailable(f"{name} did not answer within {self.timeout:g} s") from None
        except Exception as exc:  # the bus went away, or sent what jeepney cannot parse
            self.close()
            raise Unavailable(f"the {self.bus} bus connection failed ({exc})") from None
        if reply.header.message_type == MessageType.error:
            error = str(reply.header.fields.get(HeaderFields.error_name, "error"))
            if error.endswith((".ServiceUnknown", ".NameHasNoOwner")):
                raise Unavailable(f"{name} is not on the {self.bus} bus")
            if error.endswith((".UnknownMethod", ".UnknownObject", ".UnknownInterface")):
                raise Unavailable(f"{name} does not offer {interface}.{method} on {path}")
            text = reply.body[0] if reply.body and isinstance(reply.body[0], str) else ""
            raise Unavailable(f"{name} answered {error}" + (f": {text}" if text else ""))
        return tuple(reply.body)

    def get_property(self, name: str, path: str, interface: str, prop: str) -> Any:
        """One property's value (the variant unwrapped), or Unavailable."""
        (variant,) = self.call(
            name,
            path,
            "org.freedesktop.DBus.Properties",
            "Get",
            signature="ss",
            body=(interface, prop),
        )
        if not (isinstance(variant, tuple) and len(variant) == 2):
            raise Unavailable(f"{name} sent an unexpected value for {prop}")
        return variant[1]
