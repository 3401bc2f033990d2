"""Writing routines into the user's routines folder, and handing one to a text editor.

Used by `backtimer new` / `backtimer edit` and by the app's library (`e`, `c`): a built-in
is copied into the user folder before it is edited, a customised copy is checked by
loading it back before it is written, and every file carries a `#:schema` line for editors.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import tomli_w

from backtimer import paths
from backtimer.files import write_atomic
from backtimer.routine.errors import RoutineError
from backtimer.routine.library import RoutineEntry
from backtimer.routine.loader import load_text
from backtimer.routine.model import Routine
from backtimer.routine.schema_json import schema_text
from backtimer.routine.template import SCHEMA_NAME, render
from backtimer.routine.writer import to_toml
from backtimer.usecases.errors import UserError

ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
# Editors that open a file at a line with `+LINE FILE`.
LINE_EDITORS = {"vi", "vim", "nvim", "view", "nano", "emacs", "emacsclient", "micro", "kak",
                "hx", "helix", "mg", "joe", "jed", "ne", "pico"}  # fmt: skip
FALLBACK_EDITORS = ("nano", "vi")


def ensure_schema(folder: Path) -> Path:
    """Write the JSON Schema next to the user's routines (kept current), for editors."""
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


def user_copy(entry: RoutineEntry) -> tuple[Path, bool]:
    """The file to edit for this entry: a user routine or a path is edited in place; a
    built-in is first copied into the user's routines folder. Returns (path, copied)."""
    if entry.origin != "built-in":
        return entry.path, False
    target = paths.user_routines_dir() / f"{entry.id}.toml"
    text = entry.path.read_text(encoding="utf-8")
    write_atomic(target, with_directive(text, target))
    return target, True


def new_routine_text(
    routine_id: str, target: Path, source: RoutineEntry | None, name: str | None = None
) -> str:
    """The text of a new routine file: a copy of `source` (its comments kept, its name
    changed to `name`, by default "<name> (copy)", so the library does not show two rows
    of one name), or the annotated template."""
    if source is None:
        text = render(routine_id, schema_directive(target))
        if name is None:
            return text
        return renamed(text, name, source=str(target), routine_id=routine_id)
    text = source.path.read_text(encoding="utf-8")
    original = source.routine.name if source.routine is not None else routine_id
    new_name = f"{original} (copy)" if name is None else name
    text = renamed(text, new_name, source=str(source.path), routine_id=routine_id)
    return with_directive(text, target)


_TABLE_RE = re.compile(r"^\s*\[")
_NAME_RE = re.compile(r"^(\s*)name\s*=")


def renamed(text: str, name: str, *, source: str, routine_id: str) -> str:
    """`text` with the routine's `name` replaced, every other line as it was. Checked by
    loading the result: a name the format refuses is a UserError naming the problem."""
    lines = text.splitlines(keepends=True)
    in_routine = False
    for i, line in enumerate(lines):
        if _TABLE_RE.match(line):
            in_routine = line.strip() == "[routine]"
            continue
        found = _NAME_RE.match(line) if in_routine else None
        if found:
            lines[i] = f"{found.group(1)}{tomli_w.dumps({'name': name})}"
            break
    result = "".join(lines)
    try:
        routine = load_text(result, source=source, routine_id=routine_id)
    except RoutineError as exc:
        raise UserError(f"cannot name the copy {name!r}: {exc}", code=2) from None
    if routine.name != name:  # written some other way (an inline table, say): rewrite whole
        result = to_toml(replace(routine, name=name))
    return result


def copy_name(name: str) -> str:
    return name if name.endswith("(mine)") else f"{name} (mine)"


def save_copy(routine: Routine, new_id: str, folder: Path | None = None) -> Path:
    """Write `routine` as `new_id` into the user's routines folder (overwriting a file of
    that name: ask first). It is checked by loading it back before anything is written.
    Raises RoutineError if it would not load, OSError if it cannot be written."""
    target = (folder or paths.user_routines_dir()) / f"{new_id}.toml"
    copy = replace(routine, id=new_id, name=copy_name(routine.name))
    text = with_directive(to_toml(copy), target)
    load_text(text, source=target.name, routine_id=new_id)
    write_atomic(target, text)
    return target


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
    """The command that opens `path` (at `line` for editors that accept +LINE). The path is
    absolute, so no file name (`-c.toml`, `+cmd.toml`) is ever read as an option."""
    argv = editor_argv()
    target = str(Path(os.path.abspath(path)))
    if line is not None and Path(argv[0]).name in LINE_EDITORS:
        return [*argv, f"+{int(line)}", target]
    return [*argv, target]


def run_editor(path: Path, line: int | None = None) -> int:
    """Run the editor on `path` and wait for it; its exit status. UserError when it
    cannot start."""
    command = editor_command(path, line)
    try:
        return subprocess.run(command, check=False).returncode
    except OSError as exc:
        raise UserError(f"cannot start the editor {command[0]!r}: {exc.strerror or exc}") from None
