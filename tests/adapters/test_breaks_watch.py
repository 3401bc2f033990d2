"""What work mode watches: the idle and meeting sources (fakes with the sources' interface)
and routines run elsewhere (a real history database)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from backtimer.breaks.scheduler import BreakSettings, Reading, Scheduler
from backtimer.breaks.watch import PresenceWatch, SessionWatch
from backtimer.history.store import Store


@dataclass(frozen=True)
class IdleNow:
    seconds_idle: float | None
    locked: bool = False


class FakeIdle:
    """An idle monitor: says what the test sets; counts its polls."""

    def __init__(self) -> None:
        self.idle: float | None = 0.0
        self.locked = False
        self.polls = 0
        self.broken = False

    def poll(self, now: Reading) -> IdleNow:
        self.polls += 1
        if self.broken:
            raise OSError("the bus went away")
        return IdleNow(self.idle, self.locked)

    def close(self) -> None:
        pass


@dataclass(frozen=True)
class MeetingNow:
    in_meeting: bool


class FakeMeetings:
    """A meeting monitor: says what the test sets."""

    def __init__(self) -> None:
        self.on = False

    def poll(self, now: Reading) -> MeetingNow:
        return MeetingNow(self.on)

    def close(self) -> None:
        pass


T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def at(mono: float) -> Reading:
    return Reading(T0 + timedelta(seconds=mono), mono)


def test_sources_are_polled_at_most_every_few_seconds() -> None:
    idle = FakeIdle()
    watch = PresenceWatch(idle, FakeMeetings(), poll=5.0)
    for second in range(60):
        watch.presence(at(100.0 + second))
    assert idle.polls == 12


def test_between_polls_the_idle_time_grows_with_the_clock() -> None:
    idle = FakeIdle()
    idle.idle = 100.0
    watch = PresenceWatch(idle, poll=5.0)
    assert watch.presence(at(10.0)).idle == 100.0  # type: ignore[union-attr]
    presence = watch.presence(at(13.0))
    assert presence is not None and presence.idle == 103.0


def test_a_failing_source_is_silent_with_one_notice() -> None:
    idle = FakeIdle()
    idle.broken = True
    meetings = FakeMeetings()
    meetings.on = True
    watch = PresenceWatch(idle, meetings, poll=1.0)
    presence = watch.presence(at(0.0))
    assert presence is not None
    assert presence.idle is None and presence.meeting
    notice = watch.take_notice()
    assert notice is not None and "the bus went away" in notice
    assert watch.take_notice() is None
    watch.presence(at(5.0))
    assert watch.notice is None  # said once


class SlowIdle(FakeIdle):
    """An idle source that answers only when the test lets it (a D-Bus service that hangs)."""

    def __init__(self) -> None:
        super().__init__()
        self.go = threading.Event()
        self.asked = threading.Event()
        self.closed_on: str | None = None

    def poll(self, now: Reading) -> IdleNow:
        self.asked.set()
        assert self.go.wait(10), "the test never let the source answer"
        return super().poll(now)

    def close(self) -> None:
        self.closed_on = threading.current_thread().name


def test_in_the_background_a_slow_desktop_never_holds_up_the_screen() -> None:
    idle = SlowIdle()
    idle.idle = 120.0
    watch = PresenceWatch(idle, poll=5.0, background=True)
    started = time.monotonic()
    first = watch.presence(at(0.0))
    assert idle.asked.wait(5)  # asked, on the other thread
    second = watch.presence(at(1.0))
    assert time.monotonic() - started < 1.0  # the screen's thread did not wait
    assert first is not None and first.idle is None  # nothing known yet
    assert second is not None and second.idle is None
    idle.go.set()
    assert watch._asker is not None and watch._asker.idle(5)
    later = watch.presence(at(3.0))  # the answer given at 0 s, grown by 3 s
    assert later is not None and later.idle == 123.0
    assert idle.polls == 1  # asked once, although presence() was called three times


def test_in_the_background_leaving_does_not_wait_for_a_question() -> None:
    idle = SlowIdle()
    watch = PresenceWatch(idle, poll=5.0, background=True)
    watch.presence(at(0.0))
    assert idle.asked.wait(5)
    started = time.monotonic()
    watch.close()
    assert time.monotonic() - started < 0.5
    assert idle.closed_on is None  # the question is still under way
    idle.go.set()
    deadline = time.monotonic() + 5
    while idle.closed_on is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert idle.closed_on == "backtimer-presence"  # closed after it, on the asking thread


def test_no_sources_means_nothing_is_known() -> None:
    assert PresenceWatch().presence(at(0.0)) is None


def test_a_locked_screen_through_the_watch_becomes_an_away_break() -> None:
    idle = FakeIdle()
    watch = PresenceWatch(idle, poll=5.0)
    sched = Scheduler(BreakSettings(break_length=300.0), UTC)
    mono = 0.0
    sched.check(at(mono), watch.presence(at(mono)))
    idle.locked = True
    for _ in range(10 * 60):
        mono += 1.0
        tick = sched.check(at(mono), watch.presence(at(mono)))
    assert tick.mode == "away"
    idle.locked = False
    mono += 5.0
    back = sched.check(at(mono), watch.presence(at(mono)))
    assert back.natural_kind == "away"
    assert back.natural_break >= 600.0


# ---- routines run elsewhere ------------------------------------------------------------


def _run(store: Store, status: str | None, worked: float, when: datetime) -> int:
    sid = store.start_session(
        routine_id="neck",
        name="Neck set",
        source_hash="x",
        started_at=when,
        planned_seconds=120.0,
        exercises_planned=3,
    )
    if status is not None:
        store.finish_session(
            sid,
            status=status,
            ended_at=when + timedelta(seconds=worked),
            worked_seconds=worked,
            duration_seconds=worked,
            paused_seconds=0.0,
        )
    return sid


def test_sessions_run_elsewhere_are_found_once_and_a_running_one_when_it_ends(
    tmp_path: Path,
) -> None:
    now = datetime.now(UTC)
    with Store(tmp_path / "h.sqlite3") as store:
        _run(store, "completed", 100.0, now - timedelta(days=1))  # before work mode
        watch = SessionWatch(lambda: store)
        seen = watch.prime()
        assert watch.ended(seen, now) == ([], seen)

        running = _run(store, None, 0.0, now)
        short = _run(store, "stopped", 4.0, now)
        found, seen = watch.ended(seen, now)
        assert [(f.id, f.status) for f in found] == [(short, "stopped")]
        assert seen == short
        found, seen = watch.ended(seen, now)
        assert found == []  # nothing twice

        store.finish_session(
            running, status="partial", ended_at=now, worked_seconds=90.0,
            duration_seconds=95.0, paused_seconds=0.0,
        )  # fmt: skip
        found, seen = watch.ended(seen, now + timedelta(seconds=30))
        assert [(f.id, f.status, f.worked_seconds) for f in found] == [(running, "partial", 90.0)]
        assert watch.ended(seen, now)[0] == []


def test_a_history_that_cannot_be_read_is_a_notice(tmp_path: Path) -> None:
    store = Store(tmp_path / "h.sqlite3")
    store.close()
    watch = SessionWatch(lambda: store)
    assert watch.ended(3, datetime.now(UTC)) == ([], 3)
    assert watch.notice is not None and "cannot read the history" in watch.notice
