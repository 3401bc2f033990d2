"""The real clocks (backtimer.clock) and work mode's reading of them (backtimer.breaks.clock)."""

from __future__ import annotations

import time

import pytest

from backtimer import clock
from backtimer.breaks.clock import reading


def test_work_mode_reads_the_same_sleep_aware_clock_as_a_session() -> None:
    before = clock.boot()
    boot = reading().boot
    after = clock.boot()
    if getattr(time, "CLOCK_BOOTTIME", None) is None:
        pytest.skip("this OS has no CLOCK_BOOTTIME; the fallback is tested below")
    assert boot is not None and before <= boot <= after


def test_a_kernel_without_boottime_falls_back_instead_of_crashing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Very old Linux: the constant exists, the clock does not (EINVAL). A session falls
    back to the wall clock; work mode to its wall-minus-monotonic sleep estimate."""

    def no_such_clock(clock_id: int) -> float:
        raise OSError(22, "Invalid argument")

    monkeypatch.setattr(clock, "_BOOTTIME", 7)
    monkeypatch.setattr(time, "clock_gettime", no_such_clock)
    assert reading().boot is None
    wall = time.time()
    assert wall - 1 <= clock.boot() <= time.time() + 1


def test_no_boottime_at_all(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "_BOOTTIME", None)
    assert reading().boot is None
    assert abs(clock.boot() - time.time()) < 1


def test_work_mode_readings_name_the_boot_their_boot_clock_belongs_to() -> None:
    from pathlib import Path

    first, second = reading(), reading()
    if first.boot is None or not Path("/proc/sys/kernel/random/boot_id").exists():
        assert first.boot_id is None
        return
    assert first.boot_id == second.boot_id
    assert first.boot_id == Path("/proc/sys/kernel/random/boot_id").read_text().strip()
