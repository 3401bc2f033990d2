"""Shared by the progression tests (the levels, `plan --json` and `show`, the app): "Grow",
a routine whose exercises grow, and finished sessions of it in this test's history store
(tests/conftest.py gives every test its own data folder)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

SIDE_PLANK = """[[exercise]]
name = "Side plank"
hold = "10s"
progress = { hold = "+5s", every = "1w", max = "40s" }
"""
CRUNCH = """[[exercise]]
name = "Crunch"
reps = 10
progress = { reps = "+2", every = "3 sessions", max = 30 }
"""
HYPEREXTENSION = """[[exercise]]
name = "Hyperextension"
reps = 15
progress = { sets = "+1", every = "2w", max = 3 }
"""
CAT = """[[exercise]]
name = "Cat"
reps = 5
"""


def grow_toml(*exercises: str, place: str = "") -> str:
    """The routine "Grow" with these [[exercise]] tables, a blank line before each; with
    `place`, the side plank's hold is on line 7."""
    head = '[routine]\nname = "Grow"\n' + (f'place = "{place}"\n' if place else "")
    return head + "".join("\n" + exercise for exercise in exercises)


def record_sessions(
    starts: Sequence[datetime],
    statuses: Sequence[str] | None = None,
    *,
    routine_id: str = "grow",
    exercises: int = 2,
) -> None:
    """One finished one-minute session per start ("completed" unless `statuses` says)."""
    from backtimer.history.store import Store

    with Store() as store:
        for n, start in enumerate(starts):
            sid = store.start_session(
                routine_id=routine_id, name="Grow", source_hash="x", started_at=start,
                planned_seconds=60, exercises_planned=exercises,
            )  # fmt: skip
            store.finish_session(
                sid, status=statuses[n] if statuses else "completed",
                ended_at=start + timedelta(minutes=1),
                worked_seconds=50, duration_seconds=60, paused_seconds=0,
            )  # fmt: skip


def record_completed(count: int, *, routine_id: str = "grow", exercises: int = 2) -> None:
    """`count` completed sessions in the last hour, 10 minutes apart."""
    now = datetime.now(UTC)
    starts = [now - timedelta(minutes=10 * (n + 1)) for n in range(count)]
    record_sessions(starts, routine_id=routine_id, exercises=exercises)
