"""Progression over the weeks: the effective values from the dates of completed sessions."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backtimer.routine.loader import load_text
from backtimer.routine.model import Routine
from backtimer.routine.progression import level_text, progress
from backtimer.timeline import compile
from tests.helpers.grow_helpers import (
    CAT,
    CRUNCH,
    HYPEREXTENSION,
    SIDE_PLANK,
    grow_toml,
    record_sessions,
)

# as in the other progression tests, but the side plank has 2 reps and the routine a
# Hyperextension (sets grow)
TEXT = grow_toml(SIDE_PLANK + "reps = 2\n", CRUNCH, HYPEREXTENSION, CAT)
ROUTINE = load_text(TEXT, source="grow.toml", routine_id="grow")
D0 = date(2026, 11, 2)  # a Monday


def days(*offsets: int) -> list[date]:
    return [D0 + timedelta(days=n) for n in offsets]


def values(routine: Routine) -> tuple[object, ...]:
    a, b, c, d = routine.exercises
    return (a.hold, b.reps, c.sets, d.reps)


def test_no_sessions_means_the_base_values() -> None:
    result = progress(ROUTINE, [], D0)
    assert values(result.routine) == (10.0, 10, 1, 5)
    assert result.routine == ROUTINE
    assert [lv.exercise for lv in result.levels] == ["Side plank", "Crunch", "Hyperextension"]
    hold = result.levels[0]
    assert hold.next_date is None
    assert (
        level_text(hold, D0)
        == "hold 10 s (from 10 s, up to 40 s); starts growing after your first session"
    )
    assert (
        level_text(result.levels[1], D0)
        == "10 reps (from 10 reps, up to 30 reps); grows after 3 more sessions"
    )


def test_weekly_hold_grows_each_week_that_had_a_session() -> None:
    sessions = days(0, 2, 4, 7, 9, 14)
    today = D0 + timedelta(days=15)  # weeks 0, 1 ended with sessions; week 2 under way
    result = progress(ROUTINE, sessions, today)
    level = result.levels[0]
    assert level.steps == 2
    assert result.routine.exercises[0].hold == 20.0
    assert level.next_date == D0 + timedelta(days=21)
    assert not level.needs_session
    assert (
        level_text(level, today)
        == "hold 20 s (from 10 s, up to 40 s); grows on 2026-11-23 (in 6 days)"
    )


def test_a_week_off_does_not_count() -> None:
    sessions = days(0, 15)  # week 0 and week 2 had sessions, week 1 none
    result = progress(ROUTINE, sessions, D0 + timedelta(days=22))
    assert result.levels[0].steps == 2
    assert result.routine.exercises[0].hold == 20.0
    # in a fresh week with no session yet, growth waits for one
    result = progress(ROUTINE, days(0), D0 + timedelta(days=30))
    level = result.levels[0]
    assert (level.steps, level.current, level.needs_session) == (1, 15.0, True)
    assert level_text(level, D0 + timedelta(days=30)).endswith(
        "; grows on 2026-12-07 (in 5 days) if you do a session before then"
    )


def test_every_three_sessions_adds_two_reps_up_to_the_max() -> None:
    result = progress(ROUTINE, days(*range(7)), D0 + timedelta(days=7))
    level = result.levels[1]
    assert (level.steps, level.current, level.sessions_to_next) == (2, 14.0, 2)
    assert result.routine.exercises[1].reps == 14
    result = progress(ROUTINE, days(*range(60)), D0 + timedelta(days=60))
    level = result.levels[1]
    assert level.current == 30.0 and level.at_max
    assert result.routine.exercises[1].reps == 30
    assert level_text(level, D0) == "30 reps (from 10 reps, up to 30 reps); at its maximum"


def test_sets_grow_every_two_weeks_capped_at_three() -> None:
    weekly = days(*range(0, 70, 7))  # ten weeks, one session each
    result = progress(ROUTINE, weekly, D0 + timedelta(days=70))
    assert result.levels[2].steps == 5
    assert result.routine.exercises[2].sets == 3
    assert result.levels[2].at_max
    assert result.levels[2].next_date is None


def test_sessions_after_today_and_datetimes() -> None:
    sessions = [
        datetime(2026, 11, 2, 18, 30),
        datetime(2026, 11, 3, 8, 0),
        datetime(2026, 11, 4, 7),
    ]
    result = progress(ROUTINE, sessions, date(2026, 11, 3))
    assert result.levels[1].steps == 0  # only two sessions on or before today
    assert result.levels[1].sessions_to_next == 1
    result = progress(ROUTINE, sessions, date(2026, 11, 4))
    assert result.routine.exercises[1].reps == 12


def test_aware_utc_start_times_count_on_their_local_day() -> None:
    import os
    import time

    old = os.environ.get("TZ")
    os.environ["TZ"] = "NZT-13"  # POSIX form of UTC+13: needs no zoneinfo files
    time.tzset()
    try:
        late = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)  # 01:00 on 3 Nov in Auckland
        result = progress(ROUTINE, [late] * 3, date(2026, 11, 2))
        assert result.levels[1].steps == 0  # not yet: that session is tomorrow locally
        result = progress(ROUTINE, [late] * 3, date(2026, 11, 3))
        assert result.levels[1].steps == 1
    finally:
        if old is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = old
        time.tzset()


def test_exercises_without_progress_are_untouched() -> None:
    result = progress(ROUTINE, days(*range(30)), D0 + timedelta(days=30))
    assert result.routine.exercises[3] == ROUTINE.exercises[3]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 200), max_size=40), st.integers(0, 250))
def test_levels_never_shrink_never_pass_the_max_and_the_routine_compiles(
    offsets: list[int], today_offset: int
) -> None:
    today = D0 + timedelta(days=today_offset)
    sessions = sorted(days(*offsets))
    result = progress(ROUTINE, sessions, today)
    later = progress(ROUTINE, [*sessions, today], today + timedelta(days=30))
    for now, then in zip(result.levels, later.levels, strict=True):
        assert now.base <= now.current <= now.max
        assert now.current <= then.current
    assert compile(result.routine).total >= compile(ROUTINE).total


def record(statuses: list[str]) -> None:
    """One session a day from D0 (Monday 2 November), at 18:00 UTC, with these statuses."""
    starts = [datetime(2026, 11, 2 + n, 18, 0, tzinfo=UTC) for n in range(len(statuses))]
    record_sessions(starts, statuses, exercises=4)


def test_levels_come_from_the_history_of_completed_sessions() -> None:
    from backtimer.usecases.levels import at_level

    today = date(2026, 11, 20)
    assert at_level(ROUTINE, today=today).routine == ROUTINE  # no history yet: base values
    record(["completed"] * 4 + ["stopped"] * 3)
    result = at_level(ROUTINE, today=today)
    assert result.routine.exercises[1].reps == 12  # 4 completed sessions: one step of +2
    crunch = next(lv for lv in result.levels if lv.exercise == "Crunch")
    assert level_text(crunch, today) == (
        "12 reps (from 10 reps, up to 30 reps); grows after 2 more sessions"
    )
    assert at_level(ROUTINE, "base", today=today).routine == ROUTINE


def test_show_and_plan_use_the_current_level_unless_asked_for_base(
    user_routines: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from backtimer.cli.main import main

    (user_routines / "grow.toml").write_text(TEXT, encoding="utf-8")
    record(["completed"] * 4)
    assert main(["show", "grow"]) == 0
    out = capsys.readouterr().out
    assert "2. Crunch — 12 reps" in out
    assert "progress: 12 reps (from 10 reps, up to 30 reps); grows after 2 more sessions" in out
    assert main(["show", "grow", "--level", "base"]) == 0
    assert "2. Crunch — 10 reps" in capsys.readouterr().out
    assert main(["plan", "grow", "--json"]) == 0
    current = json.loads(capsys.readouterr().out)
    assert main(["plan", "grow", "--json", "--level", "base"]) == 0
    base = json.loads(capsys.readouterr().out)
    crunch = [s for s in current["segments"] if s["exercise"] == "Crunch" and s["kind"] == "work"]
    assert len(crunch) == 12
    assert base["total_seconds"] == compile(ROUTINE).total
    assert current["total_seconds"] > base["total_seconds"]
