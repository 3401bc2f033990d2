"""What `backtimer status --json` prints: the state of work mode as one JSON object. Pure.

The fields are documented in docs/breaks.md and stable: new fields may be added, the
ones below keep their names, types and meanings.

    state         "off" (work mode not running), "working", "due", "snoozed", "paused",
                  "away", "meeting", "off_hours", or "break" (a break routine is running)
    due_at        ISO 8601 time of the next break (local offset), null when off/off_hours
    seconds_left  whole seconds until then (0 when due), null when off/off_hours/paused
    routine       {"id", "name"} of the routine the next break offers, null when unknown
    snoozes       snoozes of the current break
    taken_today   breaks taken today (routines that count, here or anywhere)
    away_today    natural breaks today (asleep, closed, away from the keyboard)
    paused_until  ISO 8601 end of a pause, else null
    held          "away" or "meeting" while a due reminder waits, else null
"""

from __future__ import annotations

import math
from datetime import datetime, tzinfo
from typing import Any

from backtimer.breaks.model import BreakState, Tick

STATES = ("off", "working", "due", "snoozed", "paused", "away", "meeting", "off_hours", "break")


def off_report() -> dict[str, Any]:
    """Work mode is not running."""
    return {
        "state": "off",
        "due_at": None,
        "seconds_left": None,
        "routine": None,
        "snoozes": 0,
        "taken_today": 0,
        "away_today": 0,
        "paused_until": None,
        "held": None,
    }


def state_name(tick: Tick, state: BreakState) -> str:
    if tick.mode == "off":
        return "off_hours"
    if tick.mode == "working" and state.snoozes:
        return "snoozed"
    return tick.mode


def report(
    tick: Tick,
    state: BreakState,
    tz: tzinfo,
    routine: tuple[str, str] | None = None,
) -> dict[str, Any]:
    """The JSON object for a running work mode. routine: (id, name) offered next."""
    name = state_name(tick, state)
    timed = name not in ("off_hours", "paused")
    return {
        "state": name,
        "due_at": _iso(state.due, tz) if timed else None,
        "seconds_left": max(0, math.ceil(tick.remaining - 1e-9)) if timed else None,
        "routine": {"id": routine[0], "name": routine[1]} if routine else None,
        "snoozes": state.snoozes,
        "taken_today": state.taken,
        "away_today": state.away,
        "paused_until": _iso(state.paused_until, tz) if state.paused_until else None,
        "held": state.held or None,
    }


def _iso(moment: datetime, tz: tzinfo) -> str:
    return moment.astimezone(tz).isoformat(timespec="seconds")
