"""A private D-Bus daemon and a small desktop on it (jeepney services in a thread) whose
answers the test controls: idle times, lock state, Do Not Disturb."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from jeepney import HeaderFields, MessageType, new_error, new_method_return
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection


class Daemon:
    """`dbus-daemon --session --fork` with its own address, killed by stop()."""

    def __init__(self) -> None:
        if shutil.which("dbus-daemon") is None:
            pytest.skip("dbus-daemon is not installed (CI installs the dbus package in .ci/run)")
        done = subprocess.run(
            ["dbus-daemon", "--session", "--print-address=1", "--print-pid=1", "--fork"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
            env={k: v for k, v in os.environ.items() if not k.startswith("DBUS_")},
        )
        lines = done.stdout.split()
        self.address = lines[0]
        self.pid = int(lines[1])

    def stop(self) -> None:
        try:
            os.kill(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                os.kill(self.pid, 0)
                with open(f"/proc/{self.pid}/stat") as fh:
                    if fh.read().rsplit(")", 1)[1].split()[0] == "Z":
                        return  # exited; its parent (not this test) reaps it
            except (ProcessLookupError, FileNotFoundError):
                return
            time.sleep(0.02)


@dataclass(frozen=True)
class Now:
    """A clock reading as the probes take it."""

    wall: datetime
    mono: float


T0 = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


def at(seconds: float, wall: datetime = T0) -> Now:
    """`seconds` after a fixed start, on both clocks."""
    return Now(wall + timedelta(seconds=seconds), 1000.0 + seconds)


Handler = Callable[[tuple[Any, ...]], tuple[str, tuple[Any, ...]]]


class DBusFailure(Exception):
    """Raised by a handler: the service answers with this D-Bus error."""

    def __init__(self, name: str, text: str = "") -> None:
        super().__init__(name)
        self.name = name
        self.text = text


class Service:
    """Names on the bus answering method calls from `methods` and property Gets from
    `props`. Both may be changed while it runs. `calls` records (sender, member) of each
    call; `silent` members get no answer at all (a hung desktop)."""

    def __init__(self, address: str, names: list[str]) -> None:
        self.methods: dict[tuple[str, str, str], Handler] = {}
        self.props: dict[tuple[str, str], dict[str, tuple[str, Any]]] = {}
        self.silent: set[str] = set()
        self.calls: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._conn = open_dbus_connection(address)
        for name in names:
            reply = self._conn.send_and_get_reply(message_bus.RequestName(name, 4), timeout=5)
            assert reply.body[0] == 1, f"could not own {name}"
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def set_property(self, path: str, interface: str, name: str, sig: str, value: Any) -> None:
        with self._lock:
            self.props.setdefault((path, interface), {})[name] = (sig, value)

    def method(self, path: str, interface: str, member: str, handler: Handler) -> None:
        with self._lock:
            self.methods[(path, interface, member)] = handler

    def count(self, member: str) -> int:
        with self._lock:
            return sum(1 for _sender, m in self.calls if m == member)

    def senders(self) -> set[str]:
        with self._lock:
            return {sender for sender, _m in self.calls}

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                msg = self._conn.receive(timeout=0.05)
            except TimeoutError:
                continue
            except OSError:
                return
            if msg.header.message_type != MessageType.method_call:
                continue
            try:
                reply = self._answer(msg)
            except DBusFailure as exc:
                reply = new_error(msg, exc.name, "s", (exc.text,))
            if reply is not None:
                try:
                    self._conn.send(reply)
                except OSError:
                    return

    def _answer(self, msg: Any) -> Any:
        fields = msg.header.fields
        path = fields[HeaderFields.path]
        interface = fields.get(HeaderFields.interface, "")
        member = fields[HeaderFields.member]
        with self._lock:
            self.calls.append((fields.get(HeaderFields.sender, ""), member))
            if member in self.silent:
                return None
            handler = self.methods.get((path, interface, member))
            props = {k: dict(v) for k, v in self.props.items()}
        if handler is not None:
            sig, body = handler(msg.body)
            return new_method_return(msg, sig, body)
        if interface == "org.freedesktop.DBus.Properties" and member in ("Get", "GetAll"):
            values = props.get((path, msg.body[0]))
            if values is None:
                raise DBusFailure(
                    "org.freedesktop.DBus.Error.UnknownInterface", "no such interface"
                )
            if member == "GetAll":
                return new_method_return(msg, "a{sv}", (values,))
            if msg.body[1] not in values:
                raise DBusFailure("org.freedesktop.DBus.Error.InvalidArgs", "no such property")
            return new_method_return(msg, "v", (values[msg.body[1]],))
        raise DBusFailure("org.freedesktop.DBus.Error.UnknownMethod", f"no method {member}")

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._conn.close()
