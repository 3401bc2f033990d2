"""The real clocks: the only place in backtimer that reads the time for a session.

- `monotonic()`: never jumps, the engine's time base. On Linux it stands still while the
  machine sleeps (suspend), so it alone cannot tell a short pause from a night asleep.
- `boot()`: a sleep-aware reading. CLOCK_BOOTTIME on Linux (monotonic + time asleep);
  elsewhere the wall clock (which may also jump when it is set; the engine only reacts
  to jumps of more than 5 s forward, see docs/engine.md).

The engine compares the two between calls to notice a suspend.
"""

from __future__ import annotations

import time

_BOOTTIME: int | None = getattr(time, "CLOCK_BOOTTIME", None)


def monotonic() -> float:
    return time.monotonic()


def boottime() -> float | None:
    """CLOCK_BOOTTIME, or None where the OS has none (not Linux, or a very old kernel)."""
    if _BOOTTIME is not None:
        try:
            return time.clock_gettime(_BOOTTIME)
        except OSError:  # a kernel without it (very old Linux)
            pass
    return None


def boot() -> float:
    reading = boottime()
    return time.time() if reading is None else reading


def read() -> tuple[float, float]:
    """(monotonic, boot), read together."""
    return monotonic(), boot()
