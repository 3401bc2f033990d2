"""What people see of their history: totals for this week and the last 4 weeks, streaks,
breaks taken vs due, personal bests of open-ended holds and their trend.

The computations are pure functions over plain values (dates, numbers); `load_stats` runs
the few aggregate queries against a Store and hands their rows to them.
A streak counts days (local calendar days) with at least one completed session; the
current streak still counts when today has no session yet but yesterday had one.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from backtimer.history.store import Store, StoreError, as_text, utc_text

DAYS = 28  # "the last 4 weeks", today included
HEAT_WEEKS = 16  # the calendar heatmap: this week and the 15 before it
TREND_POINTS = 10  # per-session bests kept for a hold's trend


@dataclass(frozen=True)
class DayTotal:
    day: date
    sessions: int = 0
    completed: int = 0
    minutes: float = 0.0


@dataclass(frozen=True)
class Period:
    sessions: int = 0
    completed: int = 0
    minutes: float = 0.0
    breaks_taken: int = 0
    breaks_due: int = 0


@dataclass(frozen=True)
class RoutineTotal:
    routine_id: str
    name: str
    sessions: int
    completed: int
    minutes: float


@dataclass(frozen=True)
class HoldBest:
    routine_id: str
    routine_name: str
    exercise: str
    best: float  # seconds
    best_on: date
    recent: tuple[float, ...]  # the per-session bests of the last sessions, oldest first

    @property
    def trend(self) -> str:
        return trend(self.recent)


@dataclass(frozen=True)
class Stats:
    today: date
    week: Period  # since Monday
    four_weeks: Period  # the last 28 days
    days: tuple[DayTotal, ...]  # the last 28 days, oldest first
    active_days: frozenset[date]  # every day with a completed session
    current_streak: int
    longest_streak: int
    routines: tuple[RoutineTotal, ...]  # last 4 weeks, most sessions first
    holds: tuple[HoldBest, ...]
    total_sessions: int
    heat: Mapping[date, int] = field(default_factory=dict)  # completed sessions per day,
    # from the Monday HEAT_WEEKS - 1 weeks before this week's Monday up to today


# ---------------------------------------------------------------------- pure parts
def streaks(active: Iterable[date], today: date) -> tuple[int, int]:
    """(current, longest) runs of consecutive active days. The current run ends today, or
    yesterday when today has nothing yet; days after `today` are ignored."""
    days = sorted({d for d in active if d <= today})
    longest = run = 0
    previous: date | None = None
    for d in days:
        run = run + 1 if previous is not None and d - previous == timedelta(days=1) else 1
        longest = max(longest, run)
        previous = d
    current = 0
    if previous is not None and today - previous <= timedelta(days=1):
        current = run
    return current, longest


def fill_days(rows: Iterable[DayTotal], today: date, days: int = DAYS) -> tuple[DayTotal, ...]:
    """One DayTotal per day of the `days` days ending today (zeros where nothing was done)."""
    by_day = {r.day: r for r in rows}
    first = today - timedelta(days=days - 1)
    out = []
    for n in range(days):
        d = first + timedelta(days=n)
        out.append(by_day.get(d, DayTotal(d)))
    return tuple(out)


def week_start(today: date) -> date:
    return today - timedelta(days=today.weekday())


def heat_start(today: date, weeks: int = HEAT_WEEKS) -> date:
    """The Monday the calendar heatmap starts on."""
    return week_start(today) - timedelta(weeks=weeks - 1)


def period(
    days: Iterable[DayTotal], start: date, end: date, breaks: dict[str, int] | None = None
) -> Period:
    """Totals of the days from `start` to `end` inclusive. Breaks taken are those started
    at the desk plus natural ones (away from the desk long enough)."""
    chosen = [d for d in days if start <= d.day <= end]
    b = breaks or {}
    return Period(
        sessions=sum(d.sessions for d in chosen),
        completed=sum(d.completed for d in chosen),
        minutes=sum(d.minutes for d in chosen),
        breaks_taken=b.get("started", 0) + b.get("natural", 0),
        breaks_due=b.get("due", 0),
    )


def trend(values: Sequence[float]) -> str:
    """ "up", "down" or "flat": the mean of the newer half against the older half, with a
    5 % dead band; "new" with fewer than two values."""
    if len(values) < 2:
        return "new"
    half = len(values) // 2
    older = sum(values[:half]) / half
    newer = sum(values[half:]) / (len(values) - half)
    if older <= 0:
        return "up" if newer > 0 else "flat"
    change = (newer - older) / older
    if change > 0.05:
        return "up"
    if change < -0.05:
        return "down"
    return "flat"


# ---------------------------------------------------------------------- queries
# The file is untrusted: a value of the wrong type is read as 0 (numbers) or skipped (days),
# and noted in store.problems; never an exception.
def _num(store: Store, what: str, value: object) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
        if math.isfinite(number):
            return number
    store.note(f"{what} is not a number ({as_text(value)[:40]!r})")
    return 0.0


def _day(store: Store, what: str, value: object) -> date | None:
    try:
        if not isinstance(value, str) or len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        store.note(f"{what} is not a day ({as_text(value)[:40]!r})")
        return None


def _local_start(day: date) -> str:
    return utc_text(datetime.combine(day, time()).astimezone())


def _breaks(store: Store, start: date, today: date) -> dict[str, int]:
    end = today + timedelta(days=1)
    rows = store.query(
        "SELECT kind, count(*) FROM breaks WHERE at >= ? AND at < ? GROUP BY kind",
        (_local_start(start), _local_start(end)),
    )
    return {as_text(k): int(_num(store, "a break count", n)) for k, n in rows}


def _holds(store: Store) -> tuple[HoldBest, ...]:
    bests = store.query(
        """SELECT routine_id, routine_name, exercise, best, local_day
           FROM hold_bests ORDER BY routine_id, exercise"""
    )
    out = []
    for routine_id, routine_name, exercise, best, day in bests:
        best_on = _day(store, "hold_bests: local_day", day)
        if best_on is None:
            continue
        recent = store.query(
            """SELECT r.best_hold FROM exercise_results r JOIN sessions s
                 ON s.id = r.session_id
               WHERE r.name = ? AND r.best_hold IS NOT NULL AND s.routine_id = ?
               ORDER BY r.session_id DESC LIMIT ?""",
            (exercise, routine_id, TREND_POINTS),
        )
        out.append(
            HoldBest(
                routine_id=as_text(routine_id),
                routine_name=as_text(routine_name),
                exercise=as_text(exercise),
                best=_num(store, "hold_bests: best", best),
                best_on=best_on,
                recent=tuple(
                    _num(store, "exercise_results: best_hold", r[0]) for r in reversed(recent)
                ),
            )
        )
    return tuple(out)


def load_stats(store: Store, today: date | None = None) -> Stats:
    """Everything `backtimer stats` and the Stats screen show, in a handful of queries."""
    today = today or date.today()
    first = today - timedelta(days=DAYS - 1)
    since = _local_start(first)
    day_rows = store.query(
        """SELECT local_day, count(*), total(status = 'completed'), total(duration_seconds)
           FROM sessions WHERE started_at >= ? AND local_day >= ? GROUP BY local_day""",
        (since, first.isoformat()),
    )
    day_totals = []
    for d, n, c, s in day_rows:
        day = _day(store, "sessions: local_day", d)
        if day is not None:
            minutes = _num(store, "sessions: duration_seconds", s) / 60
            day_totals.append(DayTotal(day, int(n), int(c), minutes))
    days = fill_days(day_totals, today)
    active_days = (
        _day(store, "sessions: local_day", r[0])
        for r in store.query("SELECT DISTINCT local_day FROM sessions WHERE status = 'completed'")
    )
    active = frozenset(d for d in active_days if d is not None)
    current, longest = streaks(active, today)
    monday = week_start(today)
    routine_rows = store.query(
        """SELECT routine_id, max(routine_name), count(*), total(status = 'completed'),
                  total(duration_seconds)
           FROM sessions WHERE started_at >= ? GROUP BY routine_id
           ORDER BY count(*) DESC, routine_id""",
        (since,),
    )
    total = store.session_count()
    heat_from = heat_start(today)
    heat: dict[date, int] = {}
    for d, n in store.query(
        """SELECT local_day, count(*) FROM sessions
           WHERE status = 'completed' AND local_day >= ? AND local_day <= ?
           GROUP BY local_day""",
        (heat_from.isoformat(), today.isoformat()),
    ):
        heat_day = _day(store, "sessions: local_day", d)
        if heat_day is not None:
            heat[heat_day] = int(n)
    return Stats(
        today=today,
        week=period(days, monday, today, _breaks(store, monday, today)),
        four_weeks=period(days, first, today, _breaks(store, first, today)),
        days=days,
        active_days=active,
        current_streak=current,
        longest_streak=longest,
        routines=tuple(
            RoutineTotal(
                as_text(rid),
                as_text(name),
                int(n),
                int(c),
                _num(store, "sessions: duration_seconds", s) / 60,
            )
            for rid, name, n, c, s in routine_rows
        ),
        holds=_holds(store),
        total_sessions=total,
        heat=heat,
    )


def load_stats_from(path: Path | None = None, today: date | None = None) -> Stats | None:
    """load_stats for the store at `path` (default paths.history_db()); None when there is
    no history file yet. Raises StoreError when it cannot be read."""
    try:
        store = Store(path, create=False)
    except StoreError as exc:
        if exc.reason == "no history yet":
            return None
        raise
    with store:
        return load_stats(store, today)


def streak_now(path: Path | None = None, today: date | None = None) -> tuple[int, int] | None:
    """(current, longest) streak for a summary screen, or None when there is no history
    or it cannot be read. One query over an index; cheap enough to call after each session."""
    try:
        with Store(path, create=False, busy_timeout=1.0) as store:
            found = (
                _day(store, "sessions: local_day", r[0])
                for r in store.query(
                    "SELECT DISTINCT local_day FROM sessions WHERE status = 'completed'"
                )
            )
            days = [d for d in found if d is not None]
    except StoreError:
        return None
    return streaks(days, today or date.today())


def completed_session_dates(routine_id: str, path: Path | None = None) -> list[datetime]:
    """Start times (aware UTC, oldest first) of the completed sessions of `routine_id`, for
    progression. [] when there is no history yet or it cannot be read."""
    try:
        with Store(path, create=False, busy_timeout=1.0) as store:
            return store.completed_starts(routine_id)
    except StoreError:
        return []
