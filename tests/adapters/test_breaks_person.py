"""The break scheduler and the person: away from the keyboard, meetings, pauses, routines run
elsewhere, wall-clock steps, `--first`. Simulated time: every clock and source is fake."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from backtimer.breaks.model import check_state
from backtimer.breaks.saved import dump, load
from backtimer.breaks.scheduler import (
    AWAY_AFTER,
    TAKEN_AFTER,
    WAKE_GRACE,
    BreakSettings,
    BreakState,
    Presence,
    Reading,
    Scheduler,
    Tick,
    counts_as_break,
    status_text,
)

BERLIN = ZoneInfo("Europe/Berlin")
MIN = 60.0
HOUR = 3600.0
MONDAY_10 = datetime(2026, 3, 2, 10, 0, tzinfo=BERLIN)


class Desk:
    """The clocks and a person at a keyboard. run() advances every clock; step() sets the
    wall clock by hand; type() is input; the idle time grows while nobody types."""

    def __init__(self, start: datetime = MONDAY_10) -> None:
        self.wall = start.astimezone(UTC)
        self.mono = 1000.0
        self.boot = 5000.0
        self.last_input = self.boot
        self.locked = False
        self.meeting = False

    def reading(self) -> Reading:
        return Reading(self.wall, self.mono, self.boot, boot_id="boot-1")

    def presence(self) -> Presence:
        return Presence(idle=self.boot - self.last_input, locked=self.locked, meeting=self.meeting)

    def run(self, seconds: float) -> Reading:
        self.wall += timedelta(seconds=seconds)
        self.mono += seconds
        self.boot += seconds
        return self.reading()

    def type(self) -> None:
        self.last_input = self.boot

    def step(self, seconds: float) -> None:
        self.wall += timedelta(seconds=seconds)


def checked(data: dict[str, object]) -> BreakState:
    """A saved state read back as work mode reads it: types, then ranges."""
    state = load(BreakState, data)
    check_state(state)
    return state


def roundtrip(state: BreakState) -> BreakState:
    return checked(dump(state))


def watch(sched: Scheduler, desk: Desk, seconds: float, step: float = 5.0) -> list[Tick]:
    """Check every `step` seconds for `seconds`, as the work screen polls."""
    ticks = []
    waited = 0.0
    while waited < seconds:
        desk.run(step)
        waited += step
        ticks.append(sched.check(desk.reading(), desk.presence()))
    return ticks


def typing(sched: Scheduler, desk: Desk, seconds: float, step: float = 5.0) -> list[Tick]:
    ticks = []
    waited = 0.0
    while waited < seconds:
        desk.run(step)
        desk.type()
        waited += step
        ticks.append(sched.check(desk.reading(), desk.presence()))
    return ticks


def started(settings: BreakSettings, desk: Desk, **kwargs: float) -> Scheduler:
    sched = Scheduler(settings, BERLIN, **kwargs)  # type: ignore[arg-type]
    sched.check(desk.reading(), desk.presence())
    return sched


# ---- away from the keyboard --------------------------------------------------------


def test_away_for_a_break_length_counts_as_a_break_when_the_person_is_back() -> None:
    desk = Desk()
    sched = started(BreakSettings(every=2 * HOUR, break_length=5 * MIN), desk)
    typing(sched, desk, HOUR)
    ticks = watch(sched, desk, 12 * MIN)  # nobody at the desk
    assert ticks[-1].mode == "away"
    assert ticks[-1].away_for == pytest.approx(12 * MIN)
    assert all(t.natural_break == 0 for t in ticks)  # counted when they are back
    desk.run(5)
    desk.type()
    back = sched.check(desk.reading(), desk.presence())
    assert back.natural_break == pytest.approx(12 * MIN + 5)
    assert back.natural_kind == "away"
    assert back.mode == "working"
    assert back.remaining == 2 * HOUR
    assert back.worked == 0
    assert sched.state is not None and sched.state.away == 1


def test_idle_shorter_than_the_break_length_is_not_a_break() -> None:
    desk = Desk()
    sched = started(BreakSettings(every=2 * HOUR, break_length=5 * MIN), desk)
    typing(sched, desk, 30 * MIN)
    ticks = watch(sched, desk, 4 * MIN)
    assert {t.mode for t in ticks} == {"working"}
    after = typing(sched, desk, 5)[-1]
    assert after.natural_break == 0
    assert after.remaining == pytest.approx(2 * HOUR - 34 * MIN - 5)
    assert sched.state is not None and sched.state.away == 0


def test_a_locked_screen_is_away_even_while_the_idle_clock_says_little() -> None:
    desk = Desk()
    sched = started(BreakSettings(every=2 * HOUR, break_length=5 * MIN), desk)
    typing(sched, desk, 20 * MIN)
    desk.locked = True
    for _ in range(8 * 12):  # 8 minutes locked; this source reports no idle time
        desk.run(5)
        desk.type()
        tick = sched.check(desk.reading(), desk.presence())
    assert tick.mode == "away"
    desk.locked = False
    back = typing(sched, desk, 5)[-1]
    assert back.natural_kind == "away"
    assert back.natural_break == pytest.approx(8 * MIN, abs=6)


def test_a_reminder_due_while_away_waits_and_comes_two_minutes_after_return() -> None:
    desk = Desk()
    sched = started(BreakSettings(every=HOUR, break_length=10 * MIN), desk)
    typing(sched, desk, HOUR - 2 * MIN)
    ticks = watch(sched, desk, 6 * MIN)  # away 6 min over the due time
    assert not any(t.alert for t in ticks)
    assert not any(t.warn for t in ticks[-4 * 12 :])
    held = [t for t in ticks if t.held]
    assert held and held[-1].mode == "away"
    assert sum(t.hold for t in ticks) == 1  # recorded once
    back = typing(sched, desk, 5)[-1]
    assert back.natural_break == 0  # 6 min < break_length
    assert back.mode == "working"
    assert back.remaining == pytest.approx(WAKE_GRACE)
    later = typing(sched, desk, WAKE_GRACE)
    assert sum(t.warn for t in later) == 1
    assert [t.alert for t in later].count(True) == 1


def test_away_long_enough_over_the_due_time_is_the_break_itself() -> None:
    desk = Desk()
    sched = started(BreakSettings(every=HOUR, break_length=5 * MIN), desk)
    typing(sched, desk, HOUR - MIN)
    ticks = watch(sched, desk, 20 * MIN)
    assert not any(t.alert for t in ticks)
    back = typing(sched, desk, 5)[-1]
    assert back.natural_kind == "away"
    assert back.remaining == HOUR
    assert not back.alert


def test_idle_detection_off_ignores_the_idle_time() -> None:
    desk = Desk()
    sched = started(BreakSettings(every=HOUR, idle="off"), desk)
    ticks = watch(sched, desk, HOUR)
    assert ticks[-1].mode == "due"
    assert sum(t.alert for t in ticks) == 1
    assert not any(t.natural_break for t in ticks)


def test_away_before_a_sleep_is_not_counted_twice() -> None:
    desk = Desk()
    sched = started(BreakSettings(every=2 * HOUR, break_length=5 * MIN), desk)
    typing(sched, desk, 30 * MIN)
    watch(sched, desk, 10 * MIN)  # walks away, then the laptop sleeps
    desk.wall += timedelta(minutes=30)
    desk.boot += 30 * MIN
    slept = sched.check(desk.reading(), desk.presence())
    assert slept.natural_kind == "sleep"
    back = typing(sched, desk, 5)[-1]
    assert back.natural_break == 0
    assert sched.state is not None and sched.state.away == 1


# ---- meetings -------------------------------------------------------------------------


def test_a_reminder_due_in_a_meeting_is_held_quietly_and_offered_after_it() -> None:
    desk = Desk()
    sched = started(BreakSettings(every=HOUR), desk)
    typing(sched, desk, 50 * MIN)
    desk.meeting = True
    ticks = typing(sched, desk, 30 * MIN)
    assert not any(t.alert or t.warn for t in ticks)
    assert ticks[-1].mode == "meeting"
    assert ticks[-1].held == "meeting"
    assert sum(t.hold for t in ticks) == 1
    assert status_text(ticks[-1], sched.state) == "break held (meeting)"
    desk.meeting = False
    after = typing(sched, desk, 5)[-1]
    assert after.mode == "working"
    assert after.remaining == pytest.approx(WAKE_GRACE - 5, abs=5)
    later = typing(sched, desk, WAKE_GRACE)
    assert sum(t.alert for t in later) == 1


def test_meetings_ignore_lets_the_reminder_come() -> None:
    desk = Desk()
    sched = started(BreakSettings(every=HOUR, meetings="ignore"), desk)
    desk.meeting = True
    ticks = typing(sched, desk, HOUR)
    assert sum(t.alert for t in ticks) == 1
    assert "meeting" not in {t.mode for t in ticks}


# ---- pause ----------------------------------------------------------------------------


def test_pause_holds_everything_and_the_clock_starts_afresh_after_it() -> None:
    desk = Desk()
    sched = started(BreakSettings(every=HOUR), desk)
    typing(sched, desk, 50 * MIN)
    until = desk.wall + timedelta(minutes=30)
    sched.pause(desk.reading(), until, wall=False)
    ticks = typing(sched, desk, 30 * MIN - 5)
    assert {t.mode for t in ticks} == {"paused"}
    assert not any(t.alert or t.warn for t in ticks)
    assert ticks[0].paused_until == until
    assert status_text(ticks[0], sched.state, desk.wall, BERLIN) == "paused until 11:20"
    end = typing(sched, desk, 5)[-1]
    assert end.resumed
    assert end.mode == "working"
    assert end.remaining == HOUR
    assert end.worked == 0


def test_resume_ends_a_pause_now() -> None:
    desk = Desk()
    sched = started(BreakSettings(every=HOUR), desk)
    typing(sched, desk, 10 * MIN)
    sched.pause(desk.reading(), desk.wall + timedelta(hours=3), wall=True)
    typing(sched, desk, 20 * MIN)
    assert sched.resume(desk.reading())
    tick = typing(sched, desk, 5)[-1]
    assert tick.mode == "working"
    assert tick.remaining == HOUR - 5
    assert not sched.resume(desk.reading())


def test_a_pause_survives_a_restart_of_the_app() -> None:
    desk = Desk()
    settings = BreakSettings(every=HOUR)
    sched = started(settings, desk)
    sched.pause(desk.reading(), desk.wall + timedelta(hours=2), wall=True)
    assert sched.state is not None
    saved = roundtrip(sched.state)
    desk.run(10 * MIN)
    again = Scheduler(settings, BERLIN, saved)
    tick = again.check(desk.reading(), desk.presence())
    assert tick.mode == "paused"
    assert tick.natural_break == 0  # closed while paused: the pause still decides
    assert tick.remaining == pytest.approx(110 * MIN)


# ---- every break counts, and only real ones ------------------------------------------


def test_the_counting_rule() -> None:
    assert counts_as_break("completed", 5.0)
    assert counts_as_break("partial", TAKEN_AFTER)
    assert counts_as_break("stopped", 2 * MIN)
    assert not counts_as_break("stopped", 3.0)  # left at once
    assert not counts_as_break("partial", 4.0)  # every exercise skipped
    assert not counts_as_break("running", HOUR)


def test_a_routine_run_elsewhere_counts_and_restarts_the_clock() -> None:
    desk = Desk()
    sched = started(BreakSettings(every=HOUR), desk)
    typing(sched, desk, 40 * MIN)
    assert sched.offered == "office-chair"
    counted = sched.count_session(
        desk.reading(),
        session_id=7,
        status="completed",
        worked_seconds=3 * MIN,
        routine_id="office-chair",
    )
    assert counted
    tick = typing(sched, desk, 5)[-1]
    assert tick.remaining == HOUR - 5
    assert tick.worked == 5
    assert sched.state is not None
    assert sched.state.taken == 1
    assert sched.state.seen_session == 7
    assert sched.offered == "neck"
    short = sched.count_session(
        desk.reading(), session_id=8, status="stopped", worked_seconds=4, routine_id="neck"
    )
    assert not short
    assert sched.state.taken == 1
    assert sched.state.seen_session == 8


def test_after_skip_worked_counts_from_the_last_real_break() -> None:
    desk = Desk()
    sched = started(BreakSettings(every=HOUR), desk)
    ticks = typing(sched, desk, HOUR)
    assert ticks[-1].mode == "due"
    sched.skip(desk.reading(), "meeting")
    tick = typing(sched, desk, 1, step=1)[-1]
    assert tick.remaining == HOUR - 1
    assert tick.worked == HOUR + 1  # not "Worked 1s": no break was taken
    assert status_text(tick, sched.state) == "break in 1h00m"


# ---- the time until the next break is elapsed time ---------------------------------


@pytest.mark.parametrize("step_hours", [3, -3])
def test_a_wall_clock_step_neither_fires_early_nor_delays(step_hours: int) -> None:
    desk = Desk(datetime(2026, 3, 2, 12, 0, tzinfo=BERLIN))
    all_day = BreakSettings(every=2 * HOUR, hours=None, days=frozenset(range(7)))
    sched = started(all_day, desk)
    typing(sched, desk, 30 * MIN)
    desk.step(step_hours * HOUR)
    tick = typing(sched, desk, 1, step=1)[-1]
    assert tick.mode == "working"
    assert tick.remaining == pytest.approx(90 * MIN - 1)
    assert tick.natural_break == 0
    ticks = typing(sched, desk, 90 * MIN - 1, step=1)
    alerts = [i for i, t in enumerate(ticks) if t.alert]
    assert alerts == [len(ticks) - 1]  # exactly 2 h of elapsed time after the start


def test_a_wall_clock_step_while_closed_is_measured_with_the_boot_clock() -> None:
    desk = Desk(datetime(2026, 3, 2, 13, 0, tzinfo=BERLIN))
    settings = BreakSettings(every=2 * HOUR)
    sched = started(settings, desk)
    typing(sched, desk, 30 * MIN)
    assert sched.state is not None
    saved = roundtrip(sched.state)
    desk.run(MIN)  # closed for a minute; the clock was set forward 3 h meanwhile
    desk.step(3 * HOUR)
    again = Scheduler(settings, BERLIN, saved)
    tick = again.check(desk.reading(), desk.presence())
    assert tick.natural_break == 0
    assert tick.remaining == pytest.approx(89 * MIN)


def test_without_the_boot_id_a_restart_trusts_the_wall_clock() -> None:
    desk = Desk()
    settings = BreakSettings(every=2 * HOUR)
    sched = started(settings, desk)
    assert sched.state is not None
    saved = load(BreakState, {**dump(sched.state), "boot_id": "another-boot"})
    desk.run(20 * MIN)
    again = Scheduler(settings, BERLIN, saved)
    assert again.check(desk.reading()).natural_break == 20 * MIN


# ---- try it in a minute -----------------------------------------------------------------


def test_first_brings_the_first_break_then_the_normal_interval() -> None:
    desk = Desk()
    sched = started(BreakSettings(every=HOUR), desk, first=30.0)
    ticks = typing(sched, desk, 30, step=1)
    assert ticks[-1].alert
    sched.start_break(desk.reading())
    sched.finish_break(desk.run(3 * MIN), taken=True)
    assert typing(sched, desk, 1, step=1)[-1].remaining == HOUR - 1


# ---- damaged saved state ------------------------------------------------------------


def test_a_saved_state_out_of_range_starts_afresh_with_a_notice() -> None:
    desk = Desk()
    settings = BreakSettings(every=HOUR)
    sched = started(settings, desk)
    assert sched.state is not None
    data = dump(sched.state)
    data["due"] = "2999-01-01T00:00:00+00:00"
    again = Scheduler(settings, BERLIN, checked(data))
    tick = again.check(desk.reading())
    assert tick.remaining == HOUR
    assert again.notice is not None and "out of range" in again.notice
    for bad in ("9999-12-31T23:59:59+00:00", "0001-01-01T00:00:00+00:00"):
        with pytest.raises(ValueError):
            checked({**data, "due": bad})
    with pytest.raises((ValueError, TypeError)):
        checked({**data, "taken": -3})
    with pytest.raises(ValueError):
        checked({**data, "held": "lunch"})
    with pytest.raises(ValueError):
        checked({**data, "taken": 10**12})
    assert settings.break_length > AWAY_AFTER
