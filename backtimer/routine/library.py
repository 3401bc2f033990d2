"""Find routines: the built-in library, the user's routines folder, or a path to a file.

A user routine with the same id as a built-in one replaces it. A path to a `.toml`
file works wherever an id does. A user routine with errors never breaks `discover()`:
its entry carries the error instead of a routine.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from backtimer import paths
from backtimer.routine.errors import Problem
from backtimer.routine.loader import RoutineError, load_file
from backtimer.routine.model import Routine
from backtimer.routine.sources import Origin, is_path, known_ids, sources
from backtimer.toml_messages import closest

__all__ = ["Origin", "RoutineEntry", "discover", "is_path", "known_ids", "load", "resolve"]


@dataclass(frozen=True)
class RoutineEntry:
    id: str
    path: Path
    origin: Origin
    routine: Routine | None
    error: RoutineError | None

    @property
    def ok(self) -> bool:
        return self.routine is not None


def _load_entry(path: Path, origin: Origin, routine_id: str) -> RoutineEntry:
    try:
        routine = load_file(path, routine_id=routine_id)
    except RoutineError as exc:
        return RoutineEntry(routine_id, path, origin, None, exc)
    except Exception as exc:  # one bad file never breaks the library (load_file should not)
        problem = Problem(str(path), f"cannot read this routine ({type(exc).__name__}: {exc})")
        return RoutineEntry(routine_id, path, origin, None, RoutineError(str(path), [problem]))
    return RoutineEntry(routine_id, path, origin, routine, None)


def discover() -> list[RoutineEntry]:
    """Built-in and user routines, loaded, sorted by id (user ones override built-ins)."""
    return [_load_entry(path, origin, rid) for rid, (path, origin) in sorted(sources().items())]


def resolve(ref: str) -> RoutineEntry:
    """The entry for an id or a path to a `.toml` file.

    Raises LookupError for an unknown id (naming the known ids and a close match) or a
    path that is not a file. A routine with errors comes back with `.error` set.
    """
    if is_path(ref):
        try:
            path = paths.expand_user(ref)
        except paths.PathError as exc:
            raise LookupError(str(exc)) from None
        if not path.exists():
            message = f"no such routine file: {ref}"
            if path.stem in sources():
                message += f" (for the routine {path.stem!r}, give its id: {path.stem})"
            raise LookupError(message)
        if path.is_dir():
            raise LookupError(f"not a routine file: {ref} (expected a .toml file)")
        return _load_entry(path, "path", path.stem)
    known = sources()
    if ref in known:
        path, origin = known[ref]
        return _load_entry(path, origin, ref)
    raise LookupError(_unknown(ref, sorted(known)))


def _unknown(ref: str, ids: list[str]) -> str:
    message = f"unknown routine {ref!r}"
    close = closest(ref, ids)
    if close:
        message += f" (did you mean {close!r}?)"
    if ids:
        return f"{message}; known: {', '.join(ids)}"
    return f"{message}; no routines found in {paths.builtin_routines_dir()}"


def load(ref: str) -> Routine:
    """The routine for an id or path. Raises LookupError or RoutineError."""
    entry = resolve(ref)
    if entry.error is not None:
        raise entry.error
    assert entry.routine is not None
    return entry.routine
