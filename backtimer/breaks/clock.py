"""The real clocks and the local time zone, for the adapters (the scheduler never reads them)."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from backtimer.breaks.scheduler import Reading

_BOOTTIME = getattr(time, "CLOCK_BOOTTIME", None)  # Linux only


def reading() -> Reading:
    """Wall (aware, UTC), monotonic, and CLOCK_BOOTTIME where the OS has it."""
    boot = time.clock_gettime(_BOOTTIME) if _BOOTTIME is not None else None
    return Reading(datetime.now(UTC), time.monotonic(), boot)


def local_tz() -> tzinfo:
    """The machine's zone with its DST rules: $TZ, /etc/localtime, else a fixed offset."""
    name = os.environ.get("TZ", "").lstrip(":")
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            pass
    link = Path("/etc/localtime")
    try:
        target = str(link.resolve())
        if "zoneinfo/" in target:
            return ZoneInfo(target.split("zoneinfo/", 1)[1])
        with link.open("rb") as fh:
            return ZoneInfo.from_file(fh, key="localtime")
    except (OSError, ValueError, ZoneInfoNotFoundError):
        pass
    return datetime.now().astimezone().tzinfo or UTC
