"""An unexpected error: the traceback goes to a log file, the person gets one line.

Both front ends end the same way when something they did not expect goes wrong: the
terminal is given back first (by the front end), then

    path = write_crash_log(exc)           # <data>/logs/crash-20261130-140312-4242.log
    print(crash_line(exc, path), file=sys.stderr)
    return EXIT_CRASH                     # 70, EX_SOFTWARE of sysexits.h

The line names the kind of error and the file, never the error's own text: that text can
come from a file the person did not write (a routine's name, a path) and is only written to
the log. At most KEEP logs are kept; older ones are removed when a new one is written.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import traceback
from datetime import datetime
from pathlib import Path

from backtimer import __version__, paths

EXIT_CRASH = 70  # EX_SOFTWARE: an internal error
KEEP = 20  # crash logs kept in <data>/logs
PREFIX = "crash-"


def logs_dir() -> Path:
    return paths.logs_dir()


def write_crash_log(exc: BaseException, *, now: datetime | None = None) -> Path | None:
    """Write the traceback of `exc` to a new log file; its path, or None when no file could
    be written (a read-only data folder, a full disk). Never raises."""
    try:
        when = now or datetime.now().astimezone()
        folder = logs_dir()
        stem = f"{PREFIX}{when:%Y%m%d-%H%M%S}-{os.getpid()}"
        text = (
            f"backtimer {__version__} crashed at {when.isoformat(timespec='seconds')}\n"
            f"python {sys.version.split()[0]} on {sys.platform}\n"
            f"command: {' '.join(sys.argv)!r}\n\n" + "".join(traceback.format_exception(exc))
        )
        path = _write_private(folder, stem, _CONTROL.sub(_escaped, text))
        prune(folder)
        return path
    except Exception:
        return None


def _write_private(folder: Path, stem: str, text: str) -> Path:
    """A new file readable by this user only (0600: a traceback can name private paths)."""
    folder.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for n in range(1, 100):
        path = folder / (f"{stem}.log" if n == 1 else f"{stem}-{n}.log")
        try:
            fd = os.open(path, flags, 0o600)
        except FileExistsError:
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        return path
    raise FileExistsError(folder / f"{stem}.log")


# C0 (but tab and newline), DEL and C1: text from an untrusted file can carry them, and the
# log is meant to be read with `cat` or `less`
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _escaped(match: re.Match[str]) -> str:
    return f"\\x{ord(match.group()):02x}"


def prune(folder: Path, keep: int = KEEP) -> None:
    """Remove all but the `keep` newest crash logs (by name: the time is in it)."""
    with contextlib.suppress(OSError):
        logs = sorted(p for p in folder.glob(f"{PREFIX}*.log") if p.is_file())
        for old in logs[: max(0, len(logs) - keep)]:
            with contextlib.suppress(OSError):
                old.unlink()


def crash_line(exc: BaseException, path: Path | None) -> str:
    """The one line for the person."""
    kind = type(exc).__name__
    if path is None:
        try:
            where = f" in {logs_dir()}"
        except Exception:  # the data folder itself cannot be named
            where = ""
        return f"backtimer: unexpected error ({kind}); no log could be written{where}"
    return f"backtimer: unexpected error ({kind}); the details are in {path}"


def report_crash(exc: BaseException) -> int:
    """Write the log, print the line on stderr; the exit code."""
    line = crash_line(exc, write_crash_log(exc))
    with contextlib.suppress(Exception):  # a closed stderr must not turn this into a loop
        print(line, file=sys.stderr, flush=True)
    return EXIT_CRASH
