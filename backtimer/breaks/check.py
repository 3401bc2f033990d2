"""The away and meeting monitors together (sharing one session-bus connection), and the
report of `backtimer work --check-idle`."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from backtimer.breaks import idle, meetings
from backtimer.breaks.bus import Bus
from backtimer.breaks.clock import reading
from backtimer.breaks.idle import IdleMonitor, IdleReading, duration
from backtimer.breaks.meetings import MeetingMonitor, MeetingReading
from backtimer.breaks.probe import Now, Runner, SourceReport


def monitors(
    env: Mapping[str, str] | None = None,
    *,
    run: Runner = subprocess.run,
    which: Callable[[str], str | None] = shutil.which,
    asound: Path = Path("/proc/asound"),
) -> tuple[IdleMonitor, MeetingMonitor]:
    """The away monitor and the meeting monitor for this environment, with one connection
    to the session bus and one to the system bus between them."""
    env = dict(os.environ) if env is None else env
    session = Bus("session", env)
    system = Bus("system", env)
    away = IdleMonitor(
        idle.default_sources(env, run=run, which=which, session_bus=session, system_bus=system)
    )
    meeting = MeetingMonitor(
        meetings.default_sources(env, run=run, which=which, session_bus=session, asound=asound)
    )
    return away, meeting


def source_lines(reports: Sequence[SourceReport], kind: str) -> list[str]:
    """One aligned line per source: its name, what it reports (or "no answer"), and the
    detail (what it saw, or why it did not answer)."""
    width = max((len(r.name) for r in reports), default=0)
    lines = []
    for report in reports:
        if not report.answered:
            value = "no answer"
        elif kind == "idle":
            if report.seconds_idle is None:
                value = "no idle time"
            else:
                value = f"idle {duration(report.seconds_idle)}"
            if report.locked:
                value += ", locked"
        else:
            value = "ON" if report.active else "off"
        lines.append(f"  {report.name:<{width}}  {value:<14}  {report.detail}".rstrip())
    return lines


def format_check(reading: IdleReading, meeting: MeetingReading | None = None) -> str:
    """What `backtimer work --check-idle` prints: each source, whether it answered, the idle
    time it reports, and why not when it did not; then the meeting signals."""
    if reading.locked:
        summary = "the screen is locked (counts as away)"
    elif reading.seconds_idle is not None:
        summary = f"idle {duration(reading.seconds_idle)} (the smallest of the sources below)"
    elif any(r.answered for r in reading.per_source):
        summary = "no source reports an idle time now"
    else:
        summary = "no source answered: away detection cannot see you here"
    lines = [f"Away detection: {summary}", *source_lines(reading.per_source, "idle")]
    if meeting is not None:
        lines += ["", meeting.summary(), *source_lines(meeting.per_source, "meeting")]
    return "\n".join(lines)


def check_idle(now: Now, env: Mapping[str, str] | None = None) -> str:
    """Ask every source once and format the report (for `--check-idle`)."""
    away, meeting = monitors(env)
    try:
        return format_check(away.poll(now, force=True), meeting.poll(now, force=True))
    finally:
        away.close()
        meeting.close()


def main() -> None:
    """`python -m backtimer.breaks.check`: the --check-idle report for this desktop."""
    print(check_idle(reading()))


if __name__ == "__main__":
    main()
