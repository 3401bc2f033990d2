"""The real clocks and the local time zone, for the adapters (the scheduler never reads them)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from backtimer import clock
from backtimer.breaks.scheduler import Reading

_BOOT_ID: list[str | None] = []  # read once per process


def boot_id() -> str | None:
    """This boot's id (Linux: /proc/sys/kernel/random/boot_id), so a later process can
    tell that the boot clock it reads is the one saved with the schedule; None elsewhere."""
    if not _BOOT_ID:
        try:
            text = Path("/proc/sys/kernel/random/boot_id").read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            text = ""
        _BOOT_ID.append(text if 0 < len(text) <= 64 else None)
    return _BOOT_ID[0]


def reading() -> Reading:
    """Wall (aware, UTC), monotonic, and CLOCK_BOOTTIME with the boot's id where the OS has
    it (else None: the scheduler then tells sleep from the wall clock's growth over
    monotonic)."""
    boot = clock.boottime()
    return Reading(
        datetime.now(UTC), clock.monotonic(), boot, boot_id() if boot is not None else None
    )


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
