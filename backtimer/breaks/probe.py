"""Asking the desktop things cheaply: each source at most every `interval` seconds, a source
that fails backed off (30 s, 1 m, 2 m ... 10 m), every answer kept with its age.

The sources (idle.py, meetings.py) know how to ask; this module knows when. Time is
injected: `poll(now)` takes the caller's reading (a wall clock and a monotonic clock) and
never reads a clock itself.
"""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

RUN_TIMEOUT = 1.0  # seconds for one run of a command-line tool (tmux, xprintidle, ...)
POLL_BUDGET = 0.2  # seconds of asking per poll, then the rest waits for the next poll
BACKOFF_FIRST = 30.0  # seconds before asking a failed source again
BACKOFF_MAX = 600.0  # ... doubling each time, up to this
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class Now(Protocol):
    """What the probes need of a clock reading (breaks.scheduler.Reading has it)."""

    @property
    def wall(self) -> datetime: ...  # aware

    @property
    def mono(self) -> float: ...


class Unavailable(Exception):
    """A source cannot answer now; str() says why, for people."""


@dataclass(frozen=True)
class Answer:
    """What one source said when asked."""

    seconds_idle: float | None = None  # away sources: idle time when asked (None: not known)
    locked: bool = False  # away sources: the screen is locked
    active: bool = False  # meeting signals: the signal is on
    detail: str = ""


@dataclass(frozen=True)
class SourceReport:
    """One source in a poll: whether it answered and what, or why not."""

    name: str
    answered: bool
    seconds_idle: float | None = None  # as of this poll (the answer plus its age)
    locked: bool = False
    active: bool = False
    detail: str = ""  # what it saw, or why it did not answer
    age: float = 0.0  # seconds since the source was last asked
    retry_in: float = 0.0  # when it did not answer: seconds until it is asked again


class Source(Protocol):
    name: str
    interval: float  # ask at most this often (seconds)

    def query(self, now: Now) -> Answer:
        """Ask now; raise Unavailable (with a reason) when there is no answer."""
        ...

    def close(self) -> None: ...


def clean(text: str, limit: int = 160) -> str:
    """Text from outside (a bus error, a tool's stderr) made safe for one terminal line."""
    text = " ".join(_CONTROL.sub(" ", text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class _Slot:
    source: Source
    answer: Answer | None = None
    asked: float | None = None  # monotonic time of the last question
    next_ask: float | None = None  # None: ask at the next poll
    failures: int = 0
    reason: str = ""


class Prober:
    """Polls a list of sources. Not thread-safe: call from one thread."""

    def __init__(
        self,
        sources: Sequence[Source],
        *,
        budget: float = POLL_BUDGET,
        elapsed: Callable[[], float] = time.monotonic,
    ) -> None:
        self._slots = [_Slot(source) for source in sources]
        self._first = 0
        self.budget = budget
        self.elapsed = elapsed  # real time spent asking (not the injected clock)

    @property
    def sources(self) -> list[Source]:
        return [slot.source for slot in self._slots]

    def poll(self, now: Now, *, force: bool = False) -> list[SourceReport]:
        """Ask the sources that are due (all of them with force), report on all.

        One poll spends at most about `budget` seconds asking (plus the time limit of the
        one question under way): the sources still due after that are asked at the next
        poll, starting where this one stopped, so a slow desktop slows no poll for long.
        """
        started = self.elapsed()
        count = len(self._slots)
        for step in range(count):
            index = (self._first + step) % count
            slot = self._slots[index]
            if not (force or slot.next_ask is None or now.mono >= slot.next_ask):
                continue
            if not force and self.elapsed() - started > self.budget:
                self._first = index
                break
            self._ask(slot, now)
        return [self._report(slot, now) for slot in self._slots]

    def _ask(self, slot: _Slot, now: Now) -> None:
        try:
            answer = slot.source.query(now)
        except Exception as exc:  # a source never stops work mode, whatever went wrong
            slot.answer = None
            slot.failures += 1
            if isinstance(exc, Unavailable):
                slot.reason = clean(str(exc)) or "no answer"
            else:
                slot.reason = clean(f"failed ({type(exc).__name__}: {exc})")
            delay = min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** (slot.failures - 1))
            slot.next_ask = now.mono + max(delay, slot.source.interval)
            return
        slot.answer = Answer(
            answer.seconds_idle, answer.locked, answer.active, clean(answer.detail)
        )
        slot.asked = now.mono
        slot.failures = 0
        slot.reason = ""
        slot.next_ask = now.mono + slot.source.interval

    def _report(self, slot: _Slot, now: Now) -> SourceReport:
        name = slot.source.name
        if slot.answer is None or slot.asked is None:
            retry = max(0.0, (slot.next_ask or now.mono) - now.mono)
            return SourceReport(name, False, detail=slot.reason, retry_in=retry)
        age = max(0.0, now.mono - slot.asked)
        idle = slot.answer.seconds_idle
        # Between questions idle time grows with the clock; a person who came back in the
        # meantime is seen at the next question (at most `interval` later).
        if idle is not None:
            idle += age
        return SourceReport(
            name,
            True,
            seconds_idle=idle,
            locked=slot.answer.locked,
            active=slot.answer.active,
            detail=slot.answer.detail,
            age=age,
        )

    def close(self) -> None:
        for slot in self._slots:
            slot.source.close()


Runner = Callable[..., Any]


def run_tool(run: Runner, command: list[str], what: str) -> str:
    """stdout of a short command, or Unavailable naming what went wrong."""
    try:
        result = run(
            command,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=RUN_TIMEOUT,
            check=False,
        )
    except FileNotFoundError:
        raise Unavailable(f"{what} is not installed") from None
    except subprocess.TimeoutExpired:
        raise Unavailable(f"{what} did not answer within {RUN_TIMEOUT:g} s") from None
    except OSError as exc:
        raise Unavailable(f"{what} could not run ({exc.strerror})") from None
    out = bytes(result.stdout or b"")[:65536].decode("utf-8", "replace")
    if result.returncode:
        err = bytes(result.stderr or b"")[:400].decode("utf-8", "replace").strip()
        first = err.splitlines()[0] if err else f"exit status {result.returncode}"
        raise Unavailable(f"{what} failed: {clean(first)}")
    return out
