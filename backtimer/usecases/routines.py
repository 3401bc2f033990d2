"""Finding and loading a routine by id or path, with the user's mistakes as UserError."""

from __future__ import annotations

from backtimer.routine.library import RoutineEntry, discover, known_ids, resolve
from backtimer.routine.model import Routine
from backtimer.usecases.errors import UserError

# Exit codes: an unknown id or path is a usage mistake (2) for `run`, a broken file (1).
UNKNOWN = 2
BROKEN = 1


def find_entry(ref: str, *, unknown_code: int = 1) -> RoutineEntry:
    """The library entry for an id or path, loaded. UserError when it cannot be found or
    does not load."""
    try:
        entry = resolve(ref)
    except LookupError as exc:
        raise UserError(_text(exc), unknown_code) from None
    if entry.error is not None:
        raise UserError(str(entry.error), BROKEN)
    return entry


def load_routine(ref: str, *, unknown_code: int = UNKNOWN) -> Routine:
    """The routine for an id or path. UserError (code 2 unknown, 1 broken)."""
    routine = find_entry(ref, unknown_code=unknown_code).routine
    assert routine is not None
    return routine


def choices() -> list[tuple[str, str]]:
    """(id, "Name (id)") of every routine that loads, for a picker."""
    return [
        (entry.id, f"{entry.routine.name} ({entry.id})")
        for entry in discover()
        if entry.routine is not None
    ]


def need_routine(why: str) -> UserError:
    """The error for a command that was given no routine, naming the known ids."""
    try:
        ids = ", ".join(known_ids())
    except OSError:
        ids = ""
    known = f"; known: {ids}" if ids else ""
    return UserError(f"{why} needs a routine: backtimer run ID --plain{known}", 2)


def _text(exc: LookupError) -> str:
    return str(exc.args[0] if exc.args else exc)
