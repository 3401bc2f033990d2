"""Where routines come from, without reading one: the `.toml` files of the built-in
folder and of the user's routines folder, by id (a user routine replaces the built-in of
the same id). The standard library only: `backtimer list --ids`, which shells run at each
tab on a routine argument, lists the ids from this alone."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from backtimer import paths

# "user": the user's routines folder; "path": a file named where an id could be
Origin = Literal["built-in", "user", "path"]


def files(folder: Path) -> dict[str, Path]:
    """id -> file for every `*.toml` in folder (none when it does not exist). Anything that
    is not a folder is listed, so a FIFO or a device named `x.toml` shows up as broken
    (load_file refuses it without reading) instead of being left out silently."""
    try:
        found = sorted(p for p in folder.glob("*.toml") if not p.is_dir())
    except OSError:
        return {}
    return {p.stem: p for p in found}


def sources() -> dict[str, tuple[Path, Origin]]:
    """Every known id with its file; user routines override built-ins."""
    known: dict[str, tuple[Path, Origin]] = {
        rid: (path, "built-in") for rid, path in files(paths.builtin_routines_dir()).items()
    }
    for rid, path in files(paths.user_routines_dir()).items():
        known[rid] = (path, "user")
    return known


def known_ids() -> list[str]:
    """Every id `backtimer run ID` takes, sorted."""
    return sorted(sources())


def is_path(ref: str) -> bool:
    """Whether `ref` names a file rather than an id."""
    return ref.endswith(".toml") or "/" in ref or "\\" in ref
