"""One session as the history keeps it, in memory: its row, its exercise results and, once
it is over, how it ended. The recorder fills one in as events arrive and writes it to the
store (Store.save_session, idempotent: writing it again changes nothing); when the store
cannot be written it goes, whole, to the pending journal (pending.py) as JSON.

Reading a record back from JSON treats the file as untrusted: every field is checked for
type and range, and anything wrong is a RecordError naming the field.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field
from typing import Any

FINAL_STATUSES = ("completed", "stopped", "pain", "interrupted")
MAX_TEXT = 10_000  # characters in a name, id or time
MAX_RESULTS = 10_000  # exercise results in one session
MAX_HELD = 10_000  # open-ended holds in one exercise result
MAX_COUNT = 10**9  # reps, sets, sides, exercises planned
MAX_SECONDS = 10.0**9  # any duration


class RecordError(ValueError):
    """A journal record that is not a session backtimer wrote: str() names the field."""


@dataclass
class ResultRecord:
    index: int
    name: str
    kind: str
    planned_reps: int
    planned_sets: int
    planned_sides: int
    planned_seconds: float
    done_reps: int
    done_sets: int
    done_sides: int
    worked_seconds: float
    held_seconds: list[float]
    skipped: bool
    ended_at: str  # UTC text, as the store keeps it
    session_seconds: float  # the session clock when it ended


@dataclass
class FinalRecord:
    status: str
    ended_at: str
    worked_seconds: float
    duration_seconds: float
    paused_seconds: float


@dataclass
class SessionRecord:
    uid: str  # unique per session: names its journal file and marks it imported
    routine_id: str
    name: str
    source_hash: str
    started_at: str  # UTC text
    local_day: str  # "2026-11-22"
    planned_seconds: float
    exercises_planned: int
    pid: int
    results: dict[int, ResultRecord] = field(default_factory=dict)
    final: FinalRecord | None = None
    session_id: int | None = None  # its row in the store once written

    @property
    def status(self) -> str:
        return self.final.status if self.final else "running"

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["results"] = [asdict(r) for _, r in sorted(self.results.items())]
        data["version"] = 1
        return data

    @classmethod
    def from_json(cls, data: object) -> SessionRecord:
        """A record from parsed JSON; RecordError (naming the field) when it is not one."""
        top = _object(data, "record")
        if top.get("version") != 1:
            raise RecordError(f"version: expected 1, found {_show(top.get('version'))}")
        results: dict[int, ResultRecord] = {}
        raw_results = top.get("results")
        if not isinstance(raw_results, list):
            raise RecordError("results: expected a list")
        if len(raw_results) > MAX_RESULTS:
            raise RecordError(f"results: more than {MAX_RESULTS}")
        for n, raw in enumerate(raw_results):
            item = _object(raw, f"results[{n}]")
            where = f"results[{n}]"
            held = item.get("held_seconds")
            if not isinstance(held, list) or len(held) > MAX_HELD:
                raise RecordError(f"{where}.held_seconds: expected a list of up to {MAX_HELD}")
            res = ResultRecord(
                index=_int(item, "index", where, MAX_RESULTS),
                name=_text(item, "name", where),
                kind=_text(item, "kind", where),
                planned_reps=_int(item, "planned_reps", where),
                planned_sets=_int(item, "planned_sets", where),
                planned_sides=_int(item, "planned_sides", where),
                planned_seconds=_seconds(item, "planned_seconds", where),
                done_reps=_int(item, "done_reps", where),
                done_sets=_int(item, "done_sets", where),
                done_sides=_int(item, "done_sides", where),
                worked_seconds=_seconds(item, "worked_seconds", where),
                held_seconds=[
                    _seconds({"h": h}, "h", f"{where}.held_seconds[{i}]")
                    for i, h in enumerate(held)
                ],
                skipped=_bool(item, "skipped", where),
                ended_at=_utc(item, "ended_at", where),
                session_seconds=_seconds(item, "session_seconds", where),
            )
            results[res.index] = res
        final = None
        if top.get("final") is not None:
            f = _object(top["final"], "final")
            status = _text(f, "status", "final")
            if status not in FINAL_STATUSES:
                raise RecordError(f"final.status: unknown status {_show(status)}")
            final = FinalRecord(
                status=status,
                ended_at=_utc(f, "ended_at", "final"),
                worked_seconds=_seconds(f, "worked_seconds", "final"),
                duration_seconds=_seconds(f, "duration_seconds", "final"),
                paused_seconds=_seconds(f, "paused_seconds", "final"),
            )
        sid = top.get("session_id")
        if sid is not None and (
            not isinstance(sid, int) or isinstance(sid, bool) or not 0 < sid < 2**63
        ):
            raise RecordError(f"session_id: expected a positive integer, found {_show(sid)}")
        return cls(
            uid=_text(top, "uid", ""),
            routine_id=_text(top, "routine_id", ""),
            name=_text(top, "name", ""),
            source_hash=_text(top, "source_hash", ""),
            started_at=_utc(top, "started_at", ""),
            local_day=_day(top, "local_day", ""),
            planned_seconds=_seconds(top, "planned_seconds", ""),
            exercises_planned=_int(top, "exercises_planned", ""),
            pid=_int(top, "pid", "", 2**31),
            results=results,
            final=final,
            session_id=sid,
        )


# ---------------------------------------------------------------------- field checks
def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _object(value: object, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise RecordError(f"{where}: expected an object")
    return value


def _name(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _text(item: dict[str, Any], key: str, where: str) -> str:
    value = item.get(key)
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise RecordError(f"{_name(where, key)}: expected text of up to {MAX_TEXT} characters")
    return value


def _int(item: dict[str, Any], key: str, where: str, top: int = MAX_COUNT) -> int:
    value = item.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= top:
        raise RecordError(
            f"{_name(where, key)}: expected a whole number from 0 to {top}, found {_show(value)}"
        )
    return value


def _seconds(item: dict[str, Any], key: str, where: str) -> float:
    value = item.get(key)
    if (
        not isinstance(value, int | float)
        or isinstance(value, bool)
        or not math.isfinite(value)
        or not 0 <= value <= MAX_SECONDS
    ):
        raise RecordError(
            f"{_name(where, key)}: expected seconds from 0 to {MAX_SECONDS:.0f}, "
            f"found {_show(value)}"
        )
    return float(value)


def _bool(item: dict[str, Any], key: str, where: str) -> bool:
    value = item.get(key)
    if not isinstance(value, bool):
        raise RecordError(f"{_name(where, key)}: expected true or false")
    return value


_UTC = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")


def _utc(item: dict[str, Any], key: str, where: str) -> str:
    """A time in the store's fixed-width UTC text, "2026-11-22T08:30:00.000Z"."""
    from datetime import datetime  # noqa: PLC0415

    value = item.get(key)
    try:
        if not isinstance(value, str) or not _UTC.fullmatch(value):
            raise ValueError
        datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ")
    except ValueError:
        raise RecordError(
            f"{_name(where, key)}: expected a UTC time such as 2026-11-22T08:30:00.000Z, "
            f"found {_show(value)}"
        ) from None
    return value


def _day(item: dict[str, Any], key: str, where: str) -> str:
    from datetime import date  # noqa: PLC0415

    value = item.get(key)
    try:
        if not isinstance(value, str) or len(value) != 10:
            raise ValueError
        date.fromisoformat(value)
    except ValueError:
        raise RecordError(
            f"{_name(where, key)}: expected a day such as 2026-11-22, found {_show(value)}"
        ) from None
    return value
