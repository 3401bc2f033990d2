"""Work mode's policy without any screen: when a break counts, what is recorded and saved,
and what the person is told."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from backtimer.breaks.scheduler import BreakSettings, BreakState, Reading
from backtimer.breaks.state import BreakStore
from backtimer.events import Summary
from backtimer.routine.loader import load_text
from backtimer.routine.model import Routine
from backtimer.usecases.work_mode import WorkMode, plan_text

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY_10 = datetime(2026, 3, 2, 10, 0, tzinfo=BERLIN)
SETTINGS = BreakSettings(every=30 * 60, routines=("desk",), snooze=600, max_snoozes=1, warn=60)
DESK = '[routine]\nname = "Desk"\n[[exercise]]\nname = "Shoulder roll"\nhold = "5s"\nreps = 2\n'


def desk(ref: str) -> Routine:
    if ref != "desk":
        raise LookupError(f"unknown routine {ref!r}")
    return load_text(DESK, source="desk.toml", routine_id="desk")


@dataclass
class MemoryStore(BreakStore):
    """The schedule and the break events kept in memory."""

    saved: list[BreakState] = field(default_factory=list)
    events: list[tuple[str, str | None, str | None]] = field(default_factory=list)
    notice: str | None = None
    offered: tuple[str, str] | None = None

    def load_with_settings(self) -> tuple[BreakState | None, BreakSettings | None]:
        return (self.saved[-1] if self.saved else None), None

    def save(
        self,
        state: BreakState,
        settings: BreakSettings | None = None,
        offered: tuple[str, str] | None = None,
    ) -> None:
        self.saved.append(BreakState(**vars(state)))
        self.offered = offered

    def record(
        self, kind: str, at: datetime, *, reason: str | None = None, routine_id: str | None = None
    ) -> None:
        self.events.append((kind, reason, routine_id))

    def close(self) -> None:
        pass


class Clock:
    def __init__(self) -> None:
        self.wall = MONDAY_10
        self.mono = 0.0

    def __call__(self) -> Reading:
        return Reading(self.wall, self.mono)  # no boot clock: sleep shows as wall - mono

    def move(self, seconds: float) -> Reading:
        self.wall += timedelta(seconds=seconds)
        self.mono += seconds
        return self()


def summary(status: str, worked: float) -> Summary:
    return Summary("desk", "Desk", status, worked, 0.0, worked, 20.0)  # type: ignore[arg-type]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


def mode_at(store: MemoryStore, clock: Clock) -> WorkMode:
    mode = WorkMode(SETTINGS, BERLIN, store, loader=desk)
    mode.tick(clock())
    return mode


def test_a_due_break_is_recorded_and_announced_with_its_routine(
    store: MemoryStore, clock: Clock
) -> None:
    mode = mode_at(store, clock)
    assert mode.take_messages() == []
    assert mode.tick(clock.move(29 * 60)).warn
    assert [m.text for m in mode.take_messages()] == ["A break in 1m: Desk · 1 min"]
    tick = mode.tick(clock.move(60))
    assert tick.alert and mode.due
    (message,) = mode.take_messages()
    assert (message.text, message.title) == ("Time for a break: Desk · 1 min", "backtimer")
    assert store.events == [("due", None, None)]


def test_a_break_counts_when_completed_or_after_30_seconds(
    store: MemoryStore, clock: Clock
) -> None:
    mode = mode_at(store, clock)
    mode.tick(clock.move(30 * 60))
    for status, worked, taken in (("stopped", 29.0, False), ("stopped", 30.0, True),
                                  ("completed", 5.0, True)):  # fmt: skip
        mode.start_break(clock(), "desk")
        mode.tick(clock())
        assert mode.state.in_break and not mode.can_start
        assert mode.finish_break(clock.move(40), summary(status, worked), desk("desk")) is taken
        assert not mode.state.in_break
    texts = [m.text for m in mode.take_messages()]
    assert texts[-3] == "That was short: it does not count as a break."
    assert texts[-1].startswith("Break done: Desk. Next break at ")
    assert mode.state.taken == 2
    assert [e[0] for e in store.events] == ["due", "started", "started", "started"]


def test_the_schedule_is_saved_on_changes_and_every_heartbeat(
    store: MemoryStore, clock: Clock
) -> None:
    mode = mode_at(store, clock)
    assert len(store.saved) == 1  # the first look
    mode.tick(clock.move(10))
    mode.tick(clock.move(10))
    assert len(store.saved) == 1  # nothing changed
    mode.tick(clock.move(10))
    assert len(store.saved) == 2  # 30 s: the heartbeat `backtimer status` relies on
    assert store.saved[-1].last_seen == clock.wall
    mode.leave(clock.move(1))
    assert len(store.saved) == 3


def test_snooze_until_none_are_left_then_skip_with_a_reason(
    store: MemoryStore, clock: Clock
) -> None:
    mode = mode_at(store, clock)
    assert not mode.snooze(clock())  # nothing is due yet
    mode.tick(clock.move(30 * 60))
    assert mode.can_snooze and mode.snooze(clock())
    mode.tick(clock.move(600))
    assert not mode.can_snooze and not mode.snooze(clock())
    mode.skip(clock(), "meeting")
    texts = [m.text for m in mode.take_messages()]
    assert "Snoozed for 10m." in texts
    assert "No snoozes left: start or skip this break." in texts
    assert texts[-1] == "Skipped (meeting). The next break is in 30m."
    kinds = [(kind, reason) for kind, reason, _ in store.events]
    assert kinds == [("due", None), ("snoozed", None), ("due", None), ("skipped", "meeting")]
    assert mode.state.skip_reasons == ["meeting"]


def test_time_away_counts_as_a_break(store: MemoryStore, clock: Clock) -> None:
    mode = mode_at(store, clock)
    clock.wall += timedelta(minutes=20)  # the machine slept: monotonic time stood still
    tick = mode.tick(clock())
    assert tick.natural_break
    assert mode.take_messages()[0].text == (
        "Welcome back — 20 min away counts as a break. The timer starts afresh."
    )
    assert store.events == [("natural", None, None)]


def test_an_unknown_break_routine_is_named_not_raised(store: MemoryStore, clock: Clock) -> None:
    mode = mode_at(store, clock)
    mode.chosen = "gone"
    assert mode.offered_name() == "gone (cannot be loaded)"


def test_a_store_problem_is_told_once_per_save(store: MemoryStore, clock: Clock) -> None:
    mode = mode_at(store, clock)
    store.notice = "breaks: could not save the schedule to /x: Read-only file system"
    mode.leave(clock())
    (message,) = mode.take_messages()
    assert message.severity == "warning" and message.text.startswith("breaks: could not save")
    assert store.notice is None


def test_the_plan_line() -> None:
    assert plan_text(SETTINGS) == "every 30m · 09:00-18:00"
    assert plan_text(BreakSettings(hours=None)) == "every 2h · all day"
