"""The real clocks and the local time zone, for the adapters (the scheduler never reads them)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from backtimer import clock
from backtimer.breaks.scheduler import Reading


def reading() -> Reading:
    """Wall (aware, UTC), monotonic, and CLOCK_BOOTTIME where the OS has it (else None:
    the scheduler then tells sleep from the wall clock's growth over monotonic)."""
    return Reading(datetime.now(UTC), clock.monotonic(), clock.boottime())


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
