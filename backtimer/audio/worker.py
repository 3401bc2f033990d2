"""The audio worker: a small long-lived process that plays cues, and its client.

Why a process: simpleaudio holds the GIL while it opens the device (a stuck sound
server would freeze the app for tens of seconds), a crash in its C code would take
the app with it, and ALSA prints errors straight to file descriptor 2, which
corrupts a Textual screen. So the app never imports simpleaudio. It starts

    python -m backtimer.audio.worker

in its own session (Ctrl-C in the terminal does not reach it), with stderr on
/dev/null, and writes one line per command into its stdin:

    {"clips": {...}, "backend": "auto", "report": false}     first line: set-up (JSON)
    play NAME | stop | ping ID | quit (after the sounding cue ends, at most 1.5 s)

The worker loads and volume-scales every WAV once at start, picks a backend
(player.py), and answers with JSON lines on stdout: {"type": "ready", "backend":
..., "reasons": [...]} once, then "fallback" if a backend fails mid-session,
"pong" for ping (its own thread / file counts), "played" when report is on.
It exits when its stdin closes, so it cannot outlive the app.

The client never blocks on the worker: the pipe is non-blocking (a worker that
stopped reading loses cues, it does not stall the app), and a daemon thread
reads the answers.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from backtimer.audio.player import Backend, Unavailable, candidates, open_backend
from backtimer.audio.settings import Clip, read_wav

READY_TIMEOUT = 10.0
DRAIN_LIMIT = 1.5  # seconds a closing session waits for the last cue to finish


# ---------------------------------------------------------------- worker side


_KEEP: list[Any] = []  # Any: ctypes callbacks kept alive


def _quiet_alsa() -> Any:  # Any: a ctypes callback
    """Install a no-op ALSA error handler (snd_lib_error_set_handler) so failed opens
    print nothing. Returns the callback (keep it alive) or None."""
    name = ctypes.util.find_library("asound") or "libasound.so.2"
    try:
        lib = ctypes.CDLL(name)
    except OSError:
        return None
    # The C handler is variadic (file, line, function, err, fmt, ...). Declaring no
    # parameters keeps ctypes from converting any: the C caller's arguments are ignored.
    handler_t = ctypes.CFUNCTYPE(None)
    handler = handler_t(lambda: None)
    try:
        lib.snd_lib_error_set_handler(handler)
    except AttributeError:
        return None
    _KEEP.append(handler)  # freed while installed, the next ALSA error would crash
    return handler


def _count(folder: str) -> int:
    try:
        return len(os.listdir(folder))
    except OSError:
        return -1


def stats() -> dict[str, float]:
    """Threads (Python and OS), open file descriptors and CPU seconds of this process."""
    return {
        "threads": threading.active_count(),
        "tasks": _count("/proc/self/task"),
        "fds": _count("/proc/self/fd"),
        "cpu": time.process_time(),
    }


def _choose(
    names: list[str], clips: dict[str, Clip], gains: dict[str, float]
) -> tuple[Backend | None, list[str], list[str]]:
    """The first backend of `names` that works, why the ones before it did not, and
    the names after it (for a later fallback)."""
    reasons: list[str] = []
    for i, name in enumerate(names):
        try:
            return open_backend(name, clips, gains), reasons, names[i + 1 :]
        except Unavailable as why:
            reasons.append(f"{name}: {why}")
        except Exception as exc:  # anything else from a C library or a player
            reasons.append(f"{name}: {type(exc).__name__}: {exc}")
    return None, reasons, []


def worker_main() -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)  # nothing a C library prints can reach the app's terminal
    os.close(devnull)
    _quiet_alsa()

    inp = sys.stdin.buffer
    out = sys.stdout

    def send(msg: dict[str, Any]) -> None:  # Any: a JSON message
        try:
            out.write(json.dumps(msg) + "\n")
            out.flush()
        except (BrokenPipeError, ValueError):
            pass

    first = inp.readline()
    if not first:
        return 0
    setup = json.loads(first)
    clips: dict[str, Clip] = {}
    gains: dict[str, float] = {}
    errors: dict[str, str] = {}
    for name, spec in setup["clips"].items():
        gains[name] = float(spec.get("gain", 1.0))
        for key in ("path", "fallback"):
            path = spec.get(key)
            if not path:
                continue
            try:
                clips[name] = read_wav(Path(path))
                break
            except ValueError as problem:
                errors.setdefault(name, f"{path}: {problem}")
    report = bool(setup.get("report"))
    backend, reasons, rest = _choose(candidates(setup.get("backend", "auto")), clips, gains)
    send(
        {
            "type": "ready",
            "backend": backend.name if backend else None,
            "reasons": reasons,
            "errors": errors,
            "pid": os.getpid(),
        }
    )
    for raw in inp:
        cmd, _, arg = raw.decode("utf-8", "replace").strip().partition(" ")
        if cmd == "play":
            if backend is None or arg not in clips:
                continue
            t0 = time.monotonic()
            try:
                backend.play(arg)
            except Exception as exc:
                why = [f"{backend.name}: stopped working ({' '.join(str(exc).split())})"]
                with contextlib.suppress(Exception):
                    backend.close()
                backend, more, rest = _choose(rest, clips, gains)
                send(
                    {
                        "type": "fallback",
                        "backend": backend.name if backend else None,
                        "reasons": why + more,
                    }
                )
                if backend is not None:
                    with contextlib.suppress(Exception):
                        backend.play(arg)
            if report:
                send({"type": "played", "name": arg, "t": t0, "t_done": time.monotonic()})
        elif cmd == "stop":
            if backend is not None:
                with contextlib.suppress(Exception):
                    backend.stop()
        elif cmd == "ping":
            send({"type": "pong", "id": arg, **stats()})
        elif cmd == "quit":  # let the last cue finish (routine_done at the very end)
            if backend is not None:
                with contextlib.suppress(Exception):
                    backend.drain(DRAIN_LIMIT)
            break
    if backend is not None:
        with contextlib.suppress(Exception):
            backend.close()
    return 0


# ---------------------------------------------------------------- app side


class WorkerClient:
    """Starts the worker and talks to it without ever blocking the caller.

    `clips`: cue name -> (WAV path, built-in fallback path, gain 0..1).
    After `ready` is set: `backend` (name or None), `reasons` (why better backends
    were not used), `errors` (cue files that could not be loaded).
    """

    def __init__(
        self,
        clips: dict[str, tuple[Path, Path, float]],
        backend: str = "auto",
        *,
        report: bool = False,
        on_message: Callable[[dict[str, Any]], None] | None = None,  # JSON messages
        env: dict[str, str] | None = None,
    ) -> None:
        self.ready = threading.Event()
        self.backend: str | None = None
        self.reasons: list[str] = []
        self.errors: dict[str, str] = {}
        self.dead: str | None = None  # why the worker is gone (set once, by _died)
        self._broken = False  # a write failed: the worker is exiting; the reader says why
        self._dead_lock = threading.Lock()
        self.dropped = 0  # cues lost because the worker was not reading
        self.on_message = on_message
        self._closing = False
        self._pongs: dict[str, dict[str, Any]] = {}  # Any: JSON messages
        self._pong_cv = threading.Condition()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "backtimer.audio.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            close_fds=True,
            env=env,
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self._fd = self.proc.stdin.fileno()
        setup = {
            "clips": {
                name: {"path": str(path), "fallback": str(fallback), "gain": gain}
                for name, (path, fallback, gain) in clips.items()
            },
            "backend": backend,
            "report": report,
        }
        self._send(json.dumps(setup))
        os.set_blocking(self._fd, False)
        self._reader = threading.Thread(
            target=self._read, name="backtimer-audio-reader", daemon=True
        )
        self._reader.start()

    @property
    def pid(self) -> int:
        return self.proc.pid

    def _send(self, line: str) -> bool:
        if self.dead is not None or self._closing or self._broken:
            return False
        data = (line + "\n").encode()
        try:
            n = os.write(self._fd, data)
        except BlockingIOError:
            self.dropped += 1
            return False
        except OSError:  # EPIPE: the worker is gone or going
            # Report it the same way, once, whoever notices first. If the worker is not
            # reaped yet, its stdout reaches EOF too and the reader thread reports it.
            self._broken = True
            code = self.proc.poll()
            if code is not None:
                self._died(code)
            return False
        if n != len(data):  # a partial line: the pipe is full, the worker is stuck
            self.dropped += 1
            return False
        return True

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:
            try:
                msg = json.loads(raw)
            except ValueError:
                continue
            kind = msg.get("type")
            if kind == "ready":
                self.backend = msg.get("backend")
                self.reasons = list(msg.get("reasons", []))
                self.errors = dict(msg.get("errors", {}))
                self.ready.set()
            elif kind == "fallback":
                self.backend = msg.get("backend")
                self.reasons = list(msg.get("reasons", [])) + self.reasons
            elif kind == "pong":
                with self._pong_cv:
                    self._pongs[str(msg.get("id"))] = msg
                    self._pong_cv.notify_all()
            if self.on_message is not None:
                with contextlib.suppress(Exception):
                    self.on_message(msg)
        self._died(self.proc.wait())
        self.ready.set()

    def _died(self, code: int) -> None:
        """Set `dead` and send one "dead" message, from whichever thread sees it first
        (a play() hitting the broken pipe, or the reader at EOF). Not when closing."""
        with self._dead_lock:
            if self._closing or self.dead is not None:
                return
            self.dead = f"the audio worker stopped (exit code {code})"
        if self.on_message is not None:
            with contextlib.suppress(Exception):
                self.on_message({"type": "dead", "reason": self.dead})

    def play(self, name: str) -> bool:
        return self._send(f"play {name}")

    def stop(self) -> bool:
        return self._send("stop")

    def ping(self, timeout: float = 5.0) -> dict[str, Any] | None:  # Any: JSON
        """The worker's thread and file counts (tests, diagnostics)."""
        token = f"{time.monotonic_ns()}"
        if not self._send(f"ping {token}"):
            return None
        with self._pong_cv:
            self._pong_cv.wait_for(lambda: token in self._pongs or self.dead, timeout)
            return self._pongs.pop(token, None)

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> bool:
        return self.ready.wait(timeout) and self.dead is None

    def close(self, timeout: float = DRAIN_LIMIT + 1.0) -> None:
        """Stop the worker; the cue still sounding may finish (up to DRAIN_LIMIT s)."""
        if self._closing:
            return
        self._send("quit")
        self._closing = True
        with contextlib.suppress(OSError):
            self.proc.stdin.close()  # type: ignore[union-attr]
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._reader.join(timeout=timeout)
        with contextlib.suppress(OSError):
            self.proc.stdout.close()  # type: ignore[union-attr]


if __name__ == "__main__":
    raise SystemExit(worker_main())
