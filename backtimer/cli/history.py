"""`backtimer history` (recent sessions; --json / --csv export everything) and
`backtimer stats` (this week, last 4 weeks, streaks, breaks, hold bests)."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from datetime import datetime
from typing import Any

from backtimer import paths
from backtimer.history.stats import Period, Stats, load_stats
from backtimer.history.store import Store, StoreError, parse_utc
from backtimer.text import csv_cell, visible
from backtimer.usecases.errors import UserError


# Any: SQLite values, written out as JSON and CSV.
def _open() -> Store | None:
    """The history store, or None when there is none yet."""

    try:
        return Store(create=False)
    except StoreError as exc:
        if exc.reason == "no history yet":
            return None
        raise UserError(f"cannot read the history: {exc}") from exc


def _no_history() -> str:
    return (
        f"No sessions recorded yet (history file: {paths.history_db()}).\n"
        "Run a routine, e.g. `backtimer run neck`, and it shows up here."
    )


def _local(text: str | None) -> str:
    if not text:
        return ""

    try:
        return parse_utc(text).astimezone().strftime("%Y-%m-%d %H:%M")
    except (ValueError, OverflowError):  # not a time backtimer wrote: shown as it is
        return text


def _problems(store: Store) -> None:
    """One line on stderr when the file holds values backtimer does not write."""
    if store.problem_count:
        print(
            f"backtimer: note: {store.problem_count} value(s) in {store.path} are not what "
            f"backtimer writes and are shown as 0 or as text (first: {store.problems[0]})",
            file=sys.stderr,
        )


def history_command(args: argparse.Namespace) -> int:

    store = _open()
    if store is None:
        if args.json:
            print(json.dumps({"sessions": [], "breaks": []}))
        elif not args.csv:
            print(_no_history())
        return 0
    try:
        with store:
            if args.json:
                _export_json(store)
            elif args.csv:
                _export_csv(store)
            else:
                _table(store, None if args.all else max(args.limit, 1))
            _problems(store)
    except StoreError as exc:
        raise UserError(f"cannot read the history: {exc}") from exc
    return 0


def _export_json(store: Store) -> None:
    by_session: dict[int, list[dict[str, Any]]] = {}
    for r in store.results():
        by_session.setdefault(r.pop("session_id"), []).append(r)
    sessions = []
    for s in reversed(store.sessions()):
        s.pop("pid", None)
        s["exercises"] = by_session.get(s["id"], [])
        sessions.append(s)
    breaks = store.breaks()
    json.dump({"sessions": sessions, "breaks": breaks}, sys.stdout, indent=2)
    print()


SESSION_COLUMNS = (
    "session_id",
    "routine_id",
    "routine_name",
    "source_hash",
    "started_at",
    "ended_at",
    "status",
    "planned_seconds",
    "session_worked_seconds",
    "duration_seconds",
    "paused_seconds",
)
RESULT_COLUMNS = (
    "exercise_index",
    "exercise",
    "kind",
    "planned_reps",
    "planned_sets",
    "planned_sides",
    "planned_exercise_seconds",
    "done_reps",
    "done_sets",
    "done_sides",
    "worked_seconds",
    "held_seconds",
    "skipped",
    "exercise_ended_at",
)


def _export_csv(store: Store) -> None:
    """One row per exercise result, with its session's columns; a session without any
    stored result gets one row with the exercise columns empty."""
    results: dict[int, list[dict[str, Any]]] = {}
    for r in store.results():
        results.setdefault(r["session_id"], []).append(r)
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(SESSION_COLUMNS + RESULT_COLUMNS)
    row = _csv_row
    for s in reversed(store.sessions()):
        head = [
            s["id"],
            s["routine_id"],
            s["routine_name"],
            s["source_hash"],
            s["started_at"],
            s["ended_at"] or "",
            s["status"],
            s["planned_seconds"],
            s["worked_seconds"],
            s["duration_seconds"],
            s["paused_seconds"],
        ]
        rows = results.get(s["id"], [])
        if not rows:
            out.writerow(row(head + [""] * len(RESULT_COLUMNS)))
        for r in rows:
            out.writerow(
                row(
                    [
                        *head,
                        r["idx"],
                        r["name"],
                        r["kind"],
                        r["planned_reps"],
                        r["planned_sets"],
                        r["planned_sides"],
                        r["planned_seconds"],
                        r["done_reps"],
                        r["done_sets"],
                        r["done_sides"],
                        r["worked_seconds"],
                        " ".join(f"{h:g}" for h in r["held_seconds"]),
                        int(r["skipped"]),
                        r["ended_at"],
                    ]
                )
            )


def _csv_row(cells: list[Any]) -> list[Any]:
    """Text cells made safe for a spreadsheet and a terminal (text.csv_cell): a name stored
    in the history may begin with "=" or hold control characters."""
    return [csv_cell(c) if isinstance(c, str) else c for c in cells]


def _table(store: Store, limit: int | None) -> None:
    sessions = store.sessions(limit)
    if not sessions:
        print(_no_history())
        return
    rows = [("date", "routine", "status", "min", "exercises")]
    for s in sessions:
        rows.append(
            (
                _local(s["started_at"]),
                visible(s["routine_name"]),
                s["status"],
                f"{s['duration_seconds'] / 60:.1f}",
                f"{s['exercises_done']}/{s['exercises_planned']}",
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        cells = [
            r[i].rjust(widths[i]) if i in (3, 4) else r[i].ljust(widths[i]) for i in range(len(r))
        ]
        print("  ".join(cells).rstrip())
    total = store.session_count()
    if total > len(sessions):
        print(f"({len(sessions)} of {total} sessions; --all shows every one, --json exports all)")


# ---------------------------------------------------------------------- stats
def stats_command(args: argparse.Namespace) -> int:

    store = _open()
    if store is None:
        if args.json:
            print(json.dumps({"sessions": 0}))
        else:
            print(_no_history())
        return 0
    try:
        with store:
            st = load_stats(store)
            _problems(store)
    except StoreError as exc:
        raise UserError(f"cannot read the history: {exc}") from exc
    if args.json:
        print(json.dumps(stats_json(st), indent=2))
    else:
        print(stats_text(st))
    return 0


def _minutes(m: float) -> str:
    return "under 1 min" if 0 < m < 0.5 else f"{m:.0f} min"


def _sessions(n: int) -> str:
    return f"{n} session{'s' if n != 1 else ''}"


def _period(label: str, p: Period) -> str:
    line = f"{label}: {_sessions(p.sessions)} ({p.completed} completed), {_minutes(p.minutes)}"
    if p.breaks_due or p.breaks_taken:
        line += f"; desk breaks: {p.breaks_taken} taken, {p.breaks_due} due"
    return line


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def stats_text(st: Stats) -> str:
    monday = st.today.toordinal() - st.today.weekday()
    since = datetime.fromordinal(monday).strftime("%a %d %b")
    lines = [
        _period(f"This week (since {since})", st.week),
        _period("Last 4 weeks", st.four_weeks),
        f"Streak: {_days(st.current_streak)} (longest {_days(st.longest_streak)}); "
        "a day counts with at least one completed session",
    ]
    if st.routines:
        lines.append("")
        lines.append("Per routine, last 4 weeks:")
        width = max(len(visible(r.name)) for r in st.routines)
        for r in st.routines:
            lines.append(
                f"  {visible(r.name).ljust(width)}  {_sessions(r.sessions)} "
                f"({r.completed} completed), "
                f"{_minutes(r.minutes)}"
            )
    if st.holds:
        lines.append("")
        lines.append("Personal bests, open-ended holds:")
        for h in st.holds:
            recent = " ".join(f"{v:.0f}" for v in h.recent)
            lines.append(
                f"  {visible(h.routine_name)} / {visible(h.exercise)}: {h.best:.0f} s on "
                f"{h.best_on:%d %b %Y}; trend {h.trend} (last sessions, s: {recent})"
            )
    return "\n".join(lines)


def stats_json(st: Stats) -> dict[str, Any]:  # Any: JSON values
    def period(p: Period) -> dict[str, Any]:
        return {
            "sessions": p.sessions,
            "completed": p.completed,
            "minutes": round(p.minutes, 1),
            "breaks_taken": p.breaks_taken,
            "breaks_due": p.breaks_due,
        }

    return {
        "today": st.today.isoformat(),
        "sessions": st.total_sessions,
        "week": period(st.week),
        "four_weeks": period(st.four_weeks),
        "current_streak": st.current_streak,
        "longest_streak": st.longest_streak,
        "days": [
            {"day": d.day.isoformat(), "sessions": d.sessions, "minutes": round(d.minutes, 1)}
            for d in st.days
        ],
        "routines": [
            {
                "routine_id": r.routine_id,
                "name": r.name,
                "sessions": r.sessions,
                "completed": r.completed,
                "minutes": round(r.minutes, 1),
            }
            for r in st.routines
        ],
        "hold_bests": [
            {
                "routine_id": h.routine_id,
                "exercise": h.exercise,
                "best_seconds": h.best,
                "best_on": h.best_on.isoformat(),
                "recent": list(h.recent),
                "trend": h.trend,
            }
            for h in st.holds
        ],
    }
