"""Stats: streaks, week / 4-week totals, breaks taken vs due, hold bests and trends, and
completed_session_dates for progression."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from backtimer.events import ExerciseResult
from backtimer.history.stats import (
    DayTotal,
    completed_session_dates,
    fill_days,
    load_stats,
    load_stats_from,
    period,
    streaks,
    trend,
    week_start,
)
from backtimer.history.store import Store

TODAY = date(2026, 11, 19)  # a Thursday


def d(offset: int) -> date:
    return TODAY + timedelta(days=offset)


# ------------------------------------------------------------------ pure parts
def test_streak_counts_consecutive_days_up_to_today() -> None:
    assert streaks([d(0), d(-1), d(-2), d(-4)], TODAY) == (3, 3)


def test_streak_still_alive_when_today_has_nothing_yet() -> None:
    assert streaks([d(-1), d(-2)], TODAY) == (2, 2)


def test_streak_broken_by_a_missed_day() -> None:
    assert streaks([d(-2), d(-3), d(-4), d(-5)], TODAY) == (0, 4)


def test_longest_streak_in_the_past() -> None:
    days = [d(-30 + i) for i in range(7)] + [d(-1), d(0)]
    assert streaks(days, TODAY) == (2, 7)


def test_streak_ignores_duplicates_and_future_days() -> None:
    assert streaks([d(0), d(0), d(1), d(2)], TODAY) == (1, 1)
    assert streaks([], TODAY) == (0, 0)


def test_fill_days_gives_28_days_ending_today() -> None:
    days = fill_days([DayTotal(d(-3), 2, 1, 15.0)], TODAY)
    assert len(days) == 28
    assert days[0].day == d(-27) and days[-1].day == TODAY
    assert days[-4] == DayTotal(d(-3), 2, 1, 15.0)
    assert sum(x.sessions for x in days) == 2


def test_week_starts_on_monday() -> None:
    assert week_start(TODAY) == date(2026, 11, 16)
    assert week_start(date(2026, 11, 16)) == date(2026, 11, 16)


def test_period_totals_and_breaks_taken_include_natural_ones() -> None:
    days = [DayTotal(d(-1), 2, 2, 20.0), DayTotal(d(-8), 1, 0, 5.0)]
    p = period(days, d(-3), TODAY, {"due": 5, "started": 2, "natural": 1, "skipped": 2})
    assert (p.sessions, p.completed, p.minutes) == (2, 2, 20.0)
    assert (p.breaks_taken, p.breaks_due) == (3, 5)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ((), "new"),
        ((30.0,), "new"),
        ((30.0, 32.0, 40.0, 45.0), "up"),
        ((45.0, 40.0, 30.0, 29.0), "down"),
        ((30.0, 31.0, 30.0, 30.5), "flat"),
    ],
)
def test_trend(values: tuple[float, ...], expected: str) -> None:
    assert trend(values) == expected


# ------------------------------------------------------------------ from the store
def _at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour)).astimezone()


def _add(
    store: Store,
    day: date,
    *,
    status: str = "completed",
    minutes: float = 10.0,
    routine: tuple[str, str] = ("back", "Back basics"),
    held: tuple[float, ...] = (),
) -> int:
    sid = store.start_session(
        routine_id=routine[0],
        name=routine[1],
        source_hash="x",
        started_at=_at(day),
        planned_seconds=600,
        exercises_planned=3,
    )
    if held:
        result = ExerciseResult(1, "Superman", 1, 1, 0, 30.0, 1, 1, 0, sum(held), held)
        store.add_result(sid, result, kind="max", ended_at=_at(day), session_seconds=60)
    store.finish_session(
        sid,
        status=status,
        ended_at=_at(day) + timedelta(minutes=minutes),
        worked_seconds=minutes * 30,
        duration_seconds=minutes * 60,
        paused_seconds=0,
    )
    return sid


def test_load_stats(tmp_path: Path) -> None:
    with Store(tmp_path / "h.sqlite3") as store:
        # recorded in time order, as a person does them
        for i in range(5):
            _add(store, d(-60 + i), minutes=5)  # the longest streak: 5 days
        _add(store, d(-40), minutes=30, held=(20.0,))  # older than 4 weeks
        _add(store, d(-10), minutes=20, held=(40.0,))  # last week: not in "this week"
        _add(store, d(-3), minutes=10, routine=("neck", "Neck set"))
        _add(store, d(-2), status="stopped", minutes=3)  # does not count for the streak
        _add(store, d(-1), minutes=8, held=(28.0,))
        _add(store, d(0), minutes=12, held=(30.0, 35.0))
        store.record_break("due", _at(d(0), 10))
        store.record_break("started", _at(d(0), 10), routine_id="office-chair")
        store.record_break("due", _at(d(-1), 10))
        store.record_break("skipped", _at(d(-1), 10), reason="meeting")
        store.record_break("natural", _at(d(-12), 10))
        st = load_stats(store, TODAY)

    assert (st.week.sessions, st.week.completed, st.week.minutes) == (4, 3, 33.0)
    assert (st.week.breaks_taken, st.week.breaks_due) == (1, 2)
    assert (st.four_weeks.sessions, st.four_weeks.minutes) == (5, 53.0)
    assert (st.four_weeks.breaks_taken, st.four_weeks.breaks_due) == (2, 2)
    assert (st.current_streak, st.longest_streak) == (2, 5)
    assert st.days[-1] == DayTotal(TODAY, 1, 1, 12.0)
    assert st.days[-3] == DayTotal(d(-2), 1, 0, 3.0)
    assert [(r.routine_id, r.sessions) for r in st.routines] == [("back", 4), ("neck", 1)]
    [hold] = st.holds
    assert (hold.routine_id, hold.exercise, hold.best, hold.best_on) == (
        "back",
        "Superman",
        40.0,
        d(-10),
    )
    assert hold.recent == (20.0, 40.0, 28.0, 35.0)  # per-session bests, oldest first
    assert st.total_sessions == 11


def test_load_stats_from_a_missing_file_is_none(tmp_path: Path) -> None:
    assert load_stats_from(tmp_path / "nothing.sqlite3") is None
    assert not (tmp_path / "nothing.sqlite3").exists()


def test_completed_session_dates(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    with Store(path) as store:
        _add(store, d(-2))
        _add(store, d(-1), status="stopped")
        _add(store, d(0))
        _add(store, d(-5), routine=("neck", "Neck set"))
    dates = completed_session_dates("back", path)
    assert dates == [_at(d(-2)).astimezone(UTC), _at(d(0)).astimezone(UTC)]
    assert all(x.tzinfo is UTC for x in dates)
    assert completed_session_dates("neck", path) == [_at(d(-5)).astimezone(UTC)]
    assert completed_session_dates("back", tmp_path / "none.sqlite3") == []


def test_completed_session_dates_default_path_without_history() -> None:
    assert completed_session_dates("back") == []


def test_streak_now_for_the_summary_screen(tmp_path: Path) -> None:
    from backtimer.history.stats import streak_now

    path = tmp_path / "h.sqlite3"
    assert streak_now(path, TODAY) is None
    with Store(path) as store:
        _add(store, d(-1))
        _add(store, d(0))
        _add(store, d(-5))
    assert streak_now(path, TODAY) == (2, 2)
