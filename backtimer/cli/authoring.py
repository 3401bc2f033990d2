"""`backtimer new` and `backtimer edit`: write your own routines, safely.

new  writes an annotated template (or a copy of a routine) into your routines folder.
edit opens your copy in $VISUAL / $EDITOR (copying a built-in first), checks it when the
     editor exits, and offers to reopen it at the first problem's line.

The file handling is backtimer.usecases.user_routines, shared with the app's library.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from backtimer import paths
from backtimer.files import write_atomic
from backtimer.routine.errors import RoutineError
from backtimer.routine.library import RoutineEntry, resolve
from backtimer.routine.loader import load_file
from backtimer.usecases.errors import UserError
from backtimer.usecases.user_routines import ID_RE, new_routine_text, run_editor, user_copy

# --- helpers -------------------------------------------------------------------------------------


def _resolve(ref: str) -> RoutineEntry:
    try:
        return resolve(ref)
    except LookupError as exc:
        raise UserError(str(exc)) from None


def _interactive() -> bool:
    return sys.stdin.isatty()


def _ask(question: str) -> bool:
    try:
        answer = input(question)
    except EOFError:
        return False
    return answer.strip().lower() in ("", "y", "yes")


# --- new -----------------------------------------------------------------------------------------


def _target(routine_id: str, where: str | None) -> Path:
    if where is None:
        return paths.user_routines_dir() / f"{routine_id}.toml"
    try:
        path = paths.expand_user(where)
    except paths.PathError as exc:
        raise UserError(str(exc)) from None
    if path.is_dir() or where.endswith(("/", os.sep)):
        return path / f"{routine_id}.toml"
    return path


def cmd_new(args: argparse.Namespace) -> int:
    routine_id: str = args.id
    if routine_id.endswith(".toml"):
        routine_id = routine_id[: -len(".toml")]
    if not ID_RE.fullmatch(routine_id):
        raise UserError(
            f"{args.id!r} cannot be a routine id: use letters, digits, '-' and '_' (e.g. my-neck)",
            code=2,
        )
    target = _target(routine_id, args.path)
    if target.exists() and not args.force:
        raise UserError(f"{target} already exists; add --force to overwrite it")
    source = _resolve(args.source) if args.source else None
    text = new_routine_text(routine_id, target, source, args.name)
    if source is not None:
        what = f"a copy of {source.id!r} ({source.origin})"
    else:
        what = "a new routine from the template"
    try:
        write_atomic(target, text)
    except OSError as exc:
        raise UserError(f"cannot write {target}: {exc.strerror or exc}") from None
    print(f"Wrote {what}: {target}")
    ref = routine_id if target.parent == paths.user_routines_dir() else str(target)
    print(f"Edit it with `backtimer edit {ref}`; check it with `backtimer validate {target}`.")
    return 0


# --- edit ----------------------------------------------------------------------------------------


def cmd_edit(args: argparse.Namespace) -> int:
    entry = _resolve(args.routine)
    try:
        path, copied = user_copy(entry)
    except OSError as exc:
        raise UserError(f"cannot copy {entry.path} to your routines: {exc}") from None
    if copied:
        print(f"Copied the built-in routine {entry.id!r} to {path};")
        print("your copy replaces it from now on (delete the file to go back to the built-in).")
    routine_id = entry.id
    line: int | None = None
    while True:
        code = run_editor(path, line)
        if code != 0:
            print(f"The editor exited with status {code}.", file=sys.stderr)
        try:
            routine = load_file(path, routine_id=routine_id)
        except RoutineError as err:
            print(f"{path} has {_count(len(err.problems))}:", file=sys.stderr)
            for problem in err.problems:
                print(f"  {problem}", file=sys.stderr)
            line = err.first_line
            if not _interactive():
                return 1
            where = f" at line {line}" if line is not None else ""
            if _ask(f"Reopen the editor{where}? [Y/n] "):
                continue
            print(f"Kept your changes; {routine_id!r} is marked broken until fixed "
                  f"(`backtimer validate {path}`).")  # fmt: skip
            return 1
        print(f"{path}: valid, {len(routine.exercises)} exercises ({routine.name}).")
        return 0


def _count(n: int) -> str:
    return "1 problem" if n == 1 else f"{n} problems"
