"""The break scheduler in simulated time: wall, monotonic and boot clocks are all fake."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from backtimer.breaks import saved
from backtimer.breaks.scheduler import (
    WAKE_GRACE,
    BreakSettings,
    BreakState,
    Reading,
    Scheduler,
    sleep_between,
    working_window,
)

BERLIN = ZoneInfo("Europe/Berlin")
MIN = 60.0
HOUR = 3600.0


class FakeClock:
    """Wall + monotonic + boot. run() = awake time; sleep() = laptop lid closed."""

    def __init__(self, start: datetime, *, boot: bool = True) -> None:
        self.wall = start.astimezone(UTC)  # UTC: aware local + timedelta is wall-time maths
        self.mono = 1000.0
        self.boot: float | None = 5000.0 if boot else None

    def reading(self) -> Reading:
        return Reading(self.wall, self.mono, self.boot)

    def run(self, seconds: float) -> Reading:
        self.wall += timedelta(seconds=seconds)
        self.mono += seconds
        if self.boot is not None:
            self.boot += seconds
        return self.reading()

    def sleep(self, seconds: float) -> Reading:
        self.wall += timedelta(seconds=seconds)
        if self.boot is not None:
            self.boot += seconds
        return self.reading()


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)  # type: ignore[misc]


# Monday 2 March 2026 is a weekday.
MONDAY_10 = local(2026, 3, 2, 10, 0)


def run_until_alert(sched: Scheduler, clock: FakeClock, step: float = 1.0, limit: float = 6 * HOUR):
    """Tick every `step` seconds; return (seconds waited, the warn time, the alert tick)."""
    waited = 0.0
    warned_at = None
    while waited <= limit:
        tick = sched.check(clock.run(step))
        waited += step
        if tick.warn:
            warned_at = waited
        if tick.alert:
            return waited, warned_at, tick
    raise AssertionError("no alert")


def test_break_is_due_after_every_with_warning_one_minute_before() -> None:
    clock = FakeClock(MONDAY_10)
    sched = Scheduler(BreakSettings(), BERLIN)
    first = sched.check(clock.reading())
    assert first.mode == "working"
    assert first.remaining == 2 * HOUR
    waited, warned_at, tick = run_until_alert(sched, clock)
    assert waited == 2 * HOUR
    assert warned_at == 2 * HOUR - MIN
    assert tick.mode == "due"
    assert tick.worked == 2 * HOUR
    # The alert fires once; the reminder stays.
    again = sched.check(clock.run(30))
    assert again.mode == "due"
    assert not again.alert


def test_snooze_moves_the_break_and_stops_after_max_snoozes() -> None:
    clock = FakeClock(MONDAY_10)
    settings = BreakSettings(every=30 * MIN, snooze=10 * MIN, max_snoozes=2)
    sched = Scheduler(settings, BERLIN)
    sched.check(clock.reading())
    run_until_alert(sched, clock, step=10)
    assert sched.snooze(clock.reading())
    waited, _, tick = run_until_alert(sched, clock, step=10)
    assert waited == 10 * MIN
    assert tick.can_snooze
    assert sched.snooze(clock.reading())
    _, _, tick = run_until_alert(sched, clock, step=10)
    assert not tick.can_snooze
    assert not sched.snooze(clock.reading())  # used up: the reminder stays
    tick = sched.check(clock.run(HOUR))
    assert tick.mode == "due"
    assert sched.state is not None
    assert sched.state.snoozed == 2


def test_taking_the_break_counts_it_resets_and_rotates_the_routine() -> None:
    clock = FakeClock(MONDAY_10)
    sched = Scheduler(BreakSettings(every=HOUR), BERLIN)
    sched.check(clock.reading())
    assert sched.offered == "office-chair"
    run_until_alert(sched, clock, step=60)
    sched.start_break(clock.reading())
    assert sched.check(clock.run(5 * MIN)).mode == "break"
    sched.finish_break(clock.reading(), taken=True)
    assert sched.offered == "neck"
    tick = sched.check(clock.reading())
    assert tick.mode == "working"
    assert tick.remaining == HOUR
    assert tick.worked == 0
    assert sched.state is not None
    assert sched.state.taken == 1


def test_a_break_stopped_at_once_brings_the_reminder_back_without_a_second_alert() -> None:
    clock = FakeClock(MONDAY_10)
    sched = Scheduler(BreakSettings(every=HOUR), BERLIN)
    sched.check(clock.reading())
    run_until_alert(sched, clock, step=60)
    sched.start_break(clock.reading())
    sched.finish_break(clock.run(5), taken=False)
    tick = sched.check(clock.run(1))
    assert tick.mode == "due"
    assert not tick.alert
    assert sched.state is not None
    assert sched.state.taken == 0


def test_a_break_started_early_and_left_at_once_keeps_the_schedule() -> None:
    clock = FakeClock(MONDAY_10)
    sched = Scheduler(BreakSettings(every=HOUR), BERLIN)
    sched.check(clock.reading())
    sched.check(clock.run(20 * MIN))
    sched.start_break(clock.reading())
    sched.finish_break(clock.run(10), taken=False)
    tick = sched.check(clock.run(1))
    assert tick.mode == "working"
    assert tick.remaining == 40 * MIN - 11


def test_skip_records_the_reason_and_starts_a_new_period() -> None:
    clock = FakeClock(MONDAY_10)
    sched = Scheduler(BreakSettings(every=HOUR), BERLIN)
    sched.check(clock.reading())
    run_until_alert(sched, clock, step=60)
    sched.skip(clock.reading(), "meeting")
    tick = sched.check(clock.run(1))
    assert tick.mode == "working"
    assert tick.remaining == HOUR - 1
    assert sched.state is not None
    assert sched.state.skipped == 1
    assert sched.state.skip_reasons == ["meeting"]
    assert sched.offered == "neck"


def test_outside_working_hours_the_timer_rests_and_restarts_when_they_begin() -> None:
    clock = FakeClock(local(2026, 3, 2, 17, 30))
    sched = Scheduler(BreakSettings(), BERLIN)
    assert sched.check(clock.reading()).mode == "working"
    assert sched.check(clock.run(30 * MIN)).mode == "off"  # 18:00
    tick = sched.check(clock.run(15 * HOUR))  # Tuesday 09:00
    assert tick.mode == "working"
    assert tick.new_window
    assert tick.remaining == 2 * HOUR
    assert not tick.alert


def test_weekend_is_off_and_monday_starts_afresh() -> None:
    clock = FakeClock(local(2026, 3, 6, 17, 0))  # Friday
    sched = Scheduler(BreakSettings(), BERLIN)
    sched.check(clock.reading())
    for hours in range(1, 64):  # Friday 18:00 .. Monday 08:00
        tick = sched.check(clock.run(HOUR))
        assert tick.mode == "off", f"{hours} h after Friday 17:00"
        assert not tick.alert
    tick = sched.check(clock.run(HOUR))  # Monday 09:00
    assert tick.mode == "working"
    assert tick.remaining == 2 * HOUR


def test_night_shift_hours_across_midnight_belong_to_the_day_they_start() -> None:
    settings = BreakSettings(hours=(22 * 60, 6 * 60))
    window = working_window(settings, local(2026, 3, 7, 2, 0), BERLIN)  # Saturday 02:00
    assert window is not None  # Friday's shift is still on
    assert window[0] == local(2026, 3, 6, 22, 0).astimezone(UTC)
    assert window[1] == local(2026, 3, 7, 6, 0).astimezone(UTC)
    assert working_window(settings, local(2026, 3, 7, 23, 0), BERLIN) is None  # Saturday night
    assert working_window(settings, local(2026, 3, 9, 1, 0), BERLIN) is None  # Sunday's night
    assert working_window(settings, local(2026, 3, 2, 12, 0), BERLIN) is None  # Monday noon

    clock = FakeClock(local(2026, 3, 6, 23, 0))
    sched = Scheduler(replace(settings, every=2 * HOUR), BERLIN)
    sched.check(clock.reading())
    waited, _, tick = run_until_alert(sched, clock, step=60)
    assert waited == 2 * HOUR  # due at 01:00, across midnight, no reset at 00:00
    assert tick.worked == 2 * HOUR


def test_all_day_hours_do_not_restart_the_timer_at_midnight() -> None:
    settings = BreakSettings(hours=(0, 24 * 60), days=frozenset(range(7)), every=2 * HOUR)
    clock = FakeClock(local(2026, 3, 2, 23, 0))
    sched = Scheduler(settings, BERLIN)
    sched.check(clock.reading())
    tick = sched.check(clock.run(90 * MIN))
    assert tick.mode == "working"
    assert tick.remaining == 30 * MIN
    assert not tick.new_window


def test_dst_spring_forward_keeps_real_elapsed_time() -> None:
    # 29 March 2026: Berlin clocks jump from 02:00 to 03:00. hours are all day.
    settings = BreakSettings(hours=None, days=frozenset(range(7)), every=2 * HOUR)
    clock = FakeClock(local(2026, 3, 29, 1, 30))
    sched = Scheduler(settings, BERLIN)
    sched.check(clock.reading())
    waited, _, _ = run_until_alert(sched, clock, step=60)
    assert waited == 2 * HOUR
    assert clock.wall.astimezone(BERLIN).hour == 4  # 01:30 + 2 h real = 04:30 local
    assert clock.wall.astimezone(BERLIN).minute == 30


def test_dst_fall_back_working_hours_follow_the_local_clock() -> None:
    # 25 October 2026 is a Sunday; make every day a working day so the window exists.
    settings = BreakSettings(hours=(1 * 60, 5 * 60), days=frozenset(range(7)))
    window = working_window(settings, local(2026, 10, 25, 4, 0), BERLIN)
    assert window is not None
    start, end = window
    assert start.astimezone(BERLIN).hour == 1
    assert end.astimezone(BERLIN).hour == 5
    assert (end - start) == timedelta(hours=5)  # the 02:00-03:00 hour happens twice


def test_laptop_sleep_longer_than_a_break_counts_as_a_natural_break() -> None:
    clock = FakeClock(MONDAY_10)
    sched = Scheduler(BreakSettings(every=2 * HOUR, break_length=5 * MIN), BERLIN)
    sched.check(clock.reading())
    sched.check(clock.run(100 * MIN))
    tick = sched.check(clock.sleep(30 * MIN))  # lid closed for half an hour
    assert tick.natural_break == 30 * MIN
    assert tick.mode == "working"
    assert tick.remaining == 2 * HOUR
    assert not tick.alert
    assert sched.state is not None
    assert sched.state.away == 1


def test_short_sleep_does_not_reset_but_never_fires_the_instant_it_wakes() -> None:
    clock = FakeClock(MONDAY_10)
    sched = Scheduler(BreakSettings(every=HOUR, break_length=5 * MIN), BERLIN)
    sched.check(clock.reading())
    sched.check(clock.run(HOUR - 2 * MIN))
    tick = sched.check(clock.sleep(3 * MIN))  # due fell inside the sleep
    assert tick.natural_break == 0
    assert tick.mode == "working"
    assert not tick.alert
    assert tick.remaining == WAKE_GRACE
    waited, warned_at, _ = run_until_alert(sched, clock)
    assert waited == WAKE_GRACE
    assert warned_at == WAKE_GRACE - MIN  # still warned first


def test_short_sleep_before_the_due_time_leaves_the_schedule_alone() -> None:
    clock = FakeClock(MONDAY_10)
    sched = Scheduler(BreakSettings(every=HOUR), BERLIN)
    sched.check(clock.reading())
    sched.check(clock.run(10 * MIN))
    tick = sched.check(clock.sleep(2 * MIN))
    assert tick.remaining == 48 * MIN


def test_without_boot_clock_wall_minus_monotonic_growth_is_sleep() -> None:
    clock = FakeClock(MONDAY_10, boot=False)
    before = clock.reading()
    clock.wall += timedelta(seconds=3)  # NTP nudges the wall clock
    assert sleep_between(before, clock.reading()) == 0.0
    clock.wall -= timedelta(seconds=40)  # set back: not sleep
    assert sleep_between(before, clock.reading()) == 0.0
    after = clock.sleep(10 * MIN)
    assert sleep_between(before, after) == pytest.approx(10 * MIN - 37)

    clock = FakeClock(MONDAY_10, boot=False)
    sched = Scheduler(BreakSettings(every=2 * HOUR), BERLIN)
    sched.check(clock.reading())
    sched.check(clock.run(HOUR))
    assert sched.check(clock.sleep(20 * MIN)).natural_break == 20 * MIN


def test_restart_from_stored_state_keeps_the_clock() -> None:
    clock = FakeClock(MONDAY_10)
    settings = BreakSettings(every=2 * HOUR, break_length=5 * MIN)
    sched = Scheduler(settings, BERLIN)
    sched.check(clock.reading())
    sched.check(clock.run(HOUR))
    assert sched.state is not None
    stored = saved.dump(sched.state)

    # Quit and restart two minutes later: a new process, new monotonic clock.
    clock.wall += timedelta(minutes=2)
    clock.mono, clock.boot = 10.0, 20.0
    again = Scheduler(settings, BERLIN, saved.load(BreakState, stored))
    tick = again.check(clock.reading())
    assert tick.natural_break == 0
    assert tick.remaining == HOUR - 2 * MIN
    assert tick.worked == HOUR + 2 * MIN


def test_restart_after_a_long_absence_is_a_natural_break() -> None:
    clock = FakeClock(MONDAY_10)
    settings = BreakSettings(every=2 * HOUR, break_length=5 * MIN)
    sched = Scheduler(settings, BERLIN)
    sched.check(clock.reading())
    sched.check(clock.run(HOUR))
    assert sched.state is not None
    stored = saved.dump(sched.state)
    clock.wall += timedelta(minutes=20)
    again = Scheduler(settings, BERLIN, saved.load(BreakState, stored))
    tick = again.check(clock.reading())
    assert tick.natural_break == 20 * MIN
    assert tick.remaining == 2 * HOUR
    assert again.state is not None
    assert again.state.away == 1


def test_counts_reset_on_a_new_day() -> None:
    settings = BreakSettings(every=HOUR)
    clock = FakeClock(MONDAY_10)
    sched = Scheduler(settings, BERLIN)
    sched.check(clock.reading())
    run_until_alert(sched, clock, step=60)
    sched.skip(clock.reading(), "meeting")
    assert sched.state is not None
    assert sched.state.skipped == 1
    clock.run(24 * HOUR)
    sched.check(clock.reading())
    assert sched.state.skipped == 0
    assert sched.state.skip_reasons == []


def test_peek_does_not_change_the_state() -> None:
    clock = FakeClock(MONDAY_10)
    sched = Scheduler(BreakSettings(every=HOUR), BERLIN)
    sched.check(clock.reading())
    assert sched.state is not None
    before = saved.dump(sched.state)
    tick = sched.peek(clock.run(HOUR + 1))
    assert tick.mode == "due"
    assert saved.dump(sched.state) == before


def test_state_rejects_malformed_data() -> None:
    good = Scheduler(BreakSettings(), BERLIN)
    good.check(Reading(MONDAY_10, 0.0))
    assert good.state is not None
    data = saved.dump(good.state)
    assert saved.load(BreakState, data) == good.state
    with pytest.raises(TypeError):
        saved.load(BreakState, {**data, "taken": "two"})
    with pytest.raises(ValueError):
        saved.load(BreakState, {**data, "due": "tomorrow"})
    with pytest.raises(KeyError):
        saved.load(BreakState, {k: v for k, v in data.items() if k != "due"})


def test_restart_shortly_before_the_due_time_keeps_it() -> None:
    clock = FakeClock(MONDAY_10)
    settings = BreakSettings(every=HOUR)
    sched = Scheduler(settings, BERLIN)
    sched.check(clock.reading())
    sched.check(clock.run(HOUR - 90))
    assert sched.state is not None
    stored = saved.dump(sched.state)
    clock.wall += timedelta(seconds=20)  # quit and started again
    again = Scheduler(settings, BERLIN, saved.load(BreakState, stored))
    assert again.check(clock.reading()).remaining == 70


def test_restart_after_the_due_time_passed_while_closed_waits_the_grace() -> None:
    clock = FakeClock(MONDAY_10)
    settings = BreakSettings(every=HOUR, break_length=5 * MIN)
    sched = Scheduler(settings, BERLIN)
    sched.check(clock.reading())
    sched.check(clock.run(HOUR - 30))
    assert sched.state is not None
    stored = saved.dump(sched.state)
    clock.wall += timedelta(minutes=2)  # closed for 2 min, over the due time
    again = Scheduler(settings, BERLIN, saved.load(BreakState, stored))
    tick = again.check(clock.reading())
    assert tick.mode == "working"
    assert tick.remaining == WAKE_GRACE
    # `backtimer status` (peek) of a running app's fresh state shows the due break as due.
    assert again.state is not None
    again.state.last_seen = clock.wall - timedelta(seconds=10)  # its last save
    again.state.due = clock.wall - timedelta(seconds=3)  # fell due since
    peeked = Scheduler(settings, BERLIN, saved.load(BreakState, saved.dump(again.state)))
    assert peeked.peek(clock.reading()).mode == "due"


def test_off_hours_know_when_work_begins_again() -> None:
    from backtimer.breaks.scheduler import next_window_start

    settings = BreakSettings()
    friday_evening = local(2026, 3, 6, 19, 0)
    start = next_window_start(settings, friday_evening, BERLIN)
    assert start is not None
    assert start.astimezone(BERLIN) == local(2026, 3, 9, 9, 0)  # Monday
    early = next_window_start(settings, local(2026, 3, 3, 7, 0), BERLIN)
    assert early is not None
    assert early.astimezone(BERLIN) == local(2026, 3, 3, 9, 0)
    assert next_window_start(BreakSettings(days=frozenset()), friday_evening, BERLIN) is None


def test_no_warning_when_warn_is_off() -> None:
    clock = FakeClock(MONDAY_10)
    sched = Scheduler(BreakSettings(every=HOUR, warn=0), BERLIN)
    sched.check(clock.reading())
    waited, warned_at, _ = run_until_alert(sched, clock, step=30)
    assert waited == HOUR
    assert warned_at is None
