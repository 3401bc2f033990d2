"""Find routines: the built-in library, the user's routines folder, or a path to a file.

A user routine with the same id as a built-in one replaces it. A path to a `.toml`
file works wherever an id does. A user routine with errors never breaks `discover()`:
its entry carries the error instead of a routine.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from backtimer import paths
from backtimer.routine.errors import Problem
from backtimer.routine.loader import RoutineError, load_file
from backtimer.routine.model import Routine

Origin = Literal["built-in", "user", "path"]


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


def _files(folder: Path) -> dict[str, Path]:
    """id -> file for every `*.toml` in folder (none when it does not exist). Anything that
    is not a folder is listed, so a FIFO or a device named `x.toml` shows up as broken
    (load_file refuses it without reading) instead of being left out silently."""
    try:
        found = sorted(p for p in folder.glob("*.toml") if not p.is_dir())
    except OSError:
        return {}
    return {p.stem: p for p in found}


def _sources() -> dict[str, tuple[Path, Origin]]:
    """Every known id with its file; user routines override built-ins."""
    known: dict[str, tuple[Path, Origin]] = {
        rid: (path, "built-in") for rid, path in _files(paths.builtin_routines_dir()).items()
    }
    for rid, path in _files(paths.user_routines_dir()).items():
        known[rid] = (path, "user")
    return known


def known_ids() -> list[str]:
    return sorted(_sources())


def discover() -> list[RoutineEntry]:
    """Built-in and user routines, loaded, sorted by id (user ones override built-ins)."""
    return [_load_entry(path, origin, rid) for rid, (path, origin) in sorted(_sources().items())]


def is_path(ref: str) -> bool:
    """Whether `ref` names a file rather than an id."""
    return ref.endswith(".toml") or "/" in ref or "\\" in ref


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
            if path.stem in _sources():
                message += f" (for the routine {path.stem!r}, give its id: {path.stem})"
            raise LookupError(message)
        if path.is_dir():
            raise LookupError(f"not a routine file: {ref} (expected a .toml file)")
        return _load_entry(path, "path", path.stem)
    sources = _sources()
    if ref in sources:
        path, origin = sources[ref]
        return _load_entry(path, origin, ref)
    raise LookupError(_unknown(ref, sorted(sources)))


def _unknown(ref: str, ids: list[str]) -> str:
    message = f"unknown routine {ref!r}"
    close = difflib.get_close_matches(ref, ids, n=1, cutoff=0.6)
    if close:
        message += f" (did you mean {close[0]!r}?)"
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
