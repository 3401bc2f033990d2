"""`backtimer new` and `backtimer edit`: write your own routines, safely.

new  writes an annotated template (or a copy of a routine) into your routines folder.
edit opens your copy in $VISUAL / $EDITOR (copying a built-in first), checks it when the
     editor exits, and offers to reopen it at the first problem's line.

The helpers (user_copy, editor_command, ensure_schema) are used by the app's library too.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from backtimer import paths
from backtimer.cli.main import UserError
from backtimer.files import write_atomic
from backtimer.routine.errors import RoutineError
from backtimer.routine.library import RoutineEntry, resolve
from backtimer.routine.loader import load_file
from backtimer.routine.template import SCHEMA_NAME, render

ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
# Editors that open a file at a line with `+LINE FILE`.
LINE_EDITORS = {"vi", "vim", "nvim", "view", "nano", "emacs", "emacsclient", "micro", "kak",
                "hx", "helix", "mg", "joe", "jed", "ne", "pico"}  # fmt: skip
FALLBACK_EDITORS = ("nano", "vi")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("new", help="write a new routine from an annotated template")
    p.add_argument("id", metavar="ID", help="the new routine's id (its file name)")
    p.add_argument("--from", dest="source", metavar="ID|PATH", help="copy this routine instead")
    p.add_argument("--path", metavar="P", help="write here (a file or folder) instead of "
                   "your routines folder")  # fmt: skip
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(handler=cmd_new)

    p = sub.add_parser("edit", help="edit a routine in $EDITOR and check it when you save")
    p.add_argument("routine", metavar="ID|PATH", help="a routine id or a path to a .toml file")
    p.set_defaults(handler=cmd_edit)


# --- helpers -------------------------------------------------------------------------------------


def ensure_schema(folder: Path) -> Path:
    """Write the JSON Schema next to the user's routines (kept current), for editors."""
    from backtimer.routine.schema_json import schema_text  # noqa: PLC0415

    path = folder / SCHEMA_NAME
    text = schema_text()
    try:
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            folder.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    except OSError:
        pass  # editors then just do without completion; the routine itself is what matters
    return path


def schema_directive(target: Path) -> str:
    """The `#:schema` target for a routine file: next to it in the routines folder, else the
    absolute path of the copy kept in the routines folder."""
    schema = ensure_schema(paths.user_routines_dir())
    if target.parent.resolve() == schema.parent.resolve():
        return f"./{SCHEMA_NAME}"
    return str(schema.resolve())


def with_directive(text: str, target: Path) -> str:
    if text.lstrip().startswith("#:schema"):
        return text
    return f"#:schema {schema_directive(target)}\n{text}"


def _resolve(ref: str) -> RoutineEntry:
    try:
        return resolve(ref)
    except LookupError as exc:
        raise UserError(str(exc)) from None


def user_copy(entry: RoutineEntry) -> tuple[Path, bool]:
    """The file to edit for this entry: a user routine or a path is edited in place; a
    built-in is first copied into the user's routines folder. Returns (path, copied)."""
    if entry.origin != "built-in":
        return entry.path, False
    target = paths.user_routines_dir() / f"{entry.id}.toml"
    text = entry.path.read_text(encoding="utf-8")
    write_atomic(target, with_directive(text, target))
    return target, True


def editor_argv() -> list[str]:
    """$VISUAL, else $EDITOR, else nano or vi; UserError when there is none."""
    for var in ("VISUAL", "EDITOR"):
        value = os.environ.get(var, "").strip()
        if value:
            try:
                argv = shlex.split(value)
            except ValueError:
                raise UserError(f"${var} cannot be read as a command: {value!r}") from None
            if argv:
                return argv
    for name in FALLBACK_EDITORS:
        found = shutil.which(name)
        if found:
            return [found]
    raise UserError("no text editor found: set $EDITOR, e.g. export EDITOR=nano")


def editor_command(path: Path, line: int | None = None) -> list[str]:
    """The command that opens `path` (at `line` for editors that accept +LINE)."""
    argv = editor_argv()
    if line is not None and Path(argv[0]).name in LINE_EDITORS:
        return [*argv, f"+{line}", str(path)]
    return [*argv, str(path)]


def run_editor(path: Path, line: int | None = None) -> int:
    command = editor_command(path, line)
    try:
        return subprocess.run(command, check=False).returncode
    except OSError as exc:
        raise UserError(f"cannot start the editor {command[0]!r}: {exc.strerror or exc}") from None


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
    path = Path(where).expanduser()
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
    if args.source:
        entry = _resolve(args.source)
        text = with_directive(entry.path.read_text(encoding="utf-8"), target)
        what = f"a copy of {entry.id!r} ({entry.origin})"
    else:
        text = render(routine_id, schema_directive(target))
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
