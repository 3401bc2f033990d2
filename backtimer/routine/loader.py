"""Read a routine file (TOML) into the model, reporting every problem of the file at once.

Pure: tomllib and the model only. See docs/routines.md for the format.
"""

from __future__ import annotations

import difflib
import math
import os
import re
import stat
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import tomli as tomllib  # the same parser as the standard library's, compiled: 2-3x faster

from backtimer.routine import limits, schema
from backtimer.routine.durations import duration_text, human, parse_duration
from backtimer.routine.errors import Problem, RoutineError
from backtimer.routine.limits import MAX_DURATION, MAX_REPS, MAX_SETS
from backtimer.routine.model import (
    BREATH_WORDS,
    PLACES,
    Breath,
    Defaults,
    Exercise,
    Phase,
    Progress,
    Routine,
    WorkKind,
)
from backtimer.routine.size import exercise_segments, fullest, segment_count, total_seconds
from backtimer.routine.source_lines import KeyLines, Table
from backtimer.text import first_control

__all__ = ["Problem", "RoutineError", "load_bytes", "load_file", "load_text", "show"]

DURATION = 'a duration such as 3, "3s" or "1m30s"'
NO_WAY = 'expected one way of working: hold, duration, phases, reps, tempo = "self" or hold = "max"'
EMPTY = (
    "the file is empty: a routine needs a [routine] table with a name and at least one [[exercise]]"
)

_SYNTAX = re.compile(r"^(?P<msg>.*) \(at line (?P<line>\d+), column (?P<col>\d+)\)$", re.DOTALL)
_SYNTAX_END = re.compile(r"^(?P<msg>.*) \(at end of document\)$", re.DOTALL)
_EVERY_DAYS = re.compile(r"^\s*(\d+)\s*(d|days?|w|weeks?)\s*$", re.IGNORECASE)
_EVERY_SESSIONS = re.compile(r"^\s*(\d+)\s*sessions?\s*$", re.IGNORECASE)

# Text that may run over several lines (newline and tab allowed); every other text field
# is one line with no control character at all.
LONG_TEXT = ("description", "steps", "caution", "cautions")
_SHORT_ESCAPES = {8: "b", 9: "t", 10: "n", 12: "f", 13: "r", 27: "e"}


def load_file(path: Path, *, routine_id: str | None = None, source: str | None = None) -> Routine:
    """Load a routine file; its id is the file's stem unless `routine_id` is given.

    Only a regular file of at most limits.MAX_FILE_BYTES is read: anything else (a FIFO,
    a device, a folder, a socket, a bigger file) is refused before reading, and opening
    never blocks (O_NONBLOCK, then fstat on what was opened)."""
    path = Path(path)
    name = source if source is not None else str(path)
    data = read_bounded(path, name)
    return load_bytes(data, source=name, routine_id=routine_id or path.stem)


_KINDS = {
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFSOCK: "a socket",
}


def read_bounded(path: Path, source: str, limit: int = limits.MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; RoutineError for anything else."""

    def refuse(message: str) -> RoutineError:
        return RoutineError(source, [Problem(source, message)])

    def regular(mode: int) -> None:
        if not stat.S_ISREG(mode):
            kind = _KINDS.get(stat.S_IFMT(mode), "not a regular file")
            message = f"not a routine file: this is {kind}, expected a regular .toml file"
            raise refuse(message)

    try:
        # stat first, so a device is never even opened (opening some has side effects);
        # then open without blocking and check what was opened (it may have been swapped)
        regular(os.stat(path).st_mode)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise refuse(f"cannot read the file: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        regular(info.st_mode)
        if info.st_size > limit:
            raise refuse(_too_big(info.st_size, limit))
        chunks: list[bytes] = []
        size = 0
        while True:  # read to the end, but never more than the limit (the file may grow)
            chunk = os.read(fd, min(65536, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise refuse(_too_big(size, limit))
        return b"".join(chunks)
    except OSError as exc:
        raise refuse(f"cannot read the file: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def _too_big(size: int, limit: int) -> str:
    return (
        f"the file is too big for a routine ({size:,} bytes; at most {limit:,} bytes, "
        f"{limit / 1024 / 1024:g} MiB)"
    )


def load_bytes(data: bytes, *, source: str, routine_id: str) -> Routine:
    if len(data) > limits.MAX_FILE_BYTES:
        raise RoutineError(source, [Problem(source, _too_big(len(data), limits.MAX_FILE_BYTES))])
    if b"\x00" in data:
        raise RoutineError(source, [Problem(source, "not a text file (it contains NUL bytes)")])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        message = f"not UTF-8 text (byte 0x{data[exc.start]:02x} cannot be read); save it as UTF-8"
        raise RoutineError(source, [Problem(source, message, line=line)]) from None
    return load_text(text.removeprefix("\ufeff"), source=source, routine_id=routine_id)


def load_text(text: str, *, source: str, routine_id: str) -> Routine:
    """The routine of `text`. Raises RoutineError, and nothing else, for any text."""
    if len(text) > limits.MAX_FILE_BYTES:
        raise RoutineError(source, [Problem(source, _too_big(len(text), limits.MAX_FILE_BYTES))])
    try:
        return _load_text(text, source=source, routine_id=routine_id)
    except RoutineError:
        raise
    except (RecursionError, MemoryError):
        problem = Problem(source, "the file is nested too deeply or too big to read")
        raise RoutineError(source, [problem]) from None
    except Exception as exc:  # a fault of ours; one file must never break anything else
        message = f"cannot read this routine ({type(exc).__name__}: {exc})"
        raise RoutineError(source, [Problem(source, message[:300])]) from None


def _load_text(text: str, *, source: str, routine_id: str) -> Routine:
    if not text.strip():
        raise RoutineError(source, [Problem(source, EMPTY)])
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        problem = _syntax_problem(source, str(exc), last_line=len(text.splitlines()) or 1)
        raise RoutineError(source, [problem]) from None
    except RecursionError:
        problem = Problem(source, "the TOML is nested too deeply to read")
        raise RoutineError(source, [problem]) from None
    except ValueError as exc:  # e.g. a number of more than 4300 digits
        message = f"a value cannot be read: {str(exc).split(';')[0]}"
        raise RoutineError(source, [Problem(source, message)]) from None
    if not data:
        raise RoutineError(
            source,
            [Problem(source, EMPTY.replace("the file is empty", "the file has only comments"))],
        )
    checker = _Checker(source, text)
    routine = checker.routine(data, routine_id)
    if checker.problems or routine is None:
        # in file order; problems of the whole file (no line) first
        problems = sorted(checker.problems, key=lambda p: p.line or 0)
        problems = problems or [Problem(source, "invalid routine")]
        if len(problems) > limits.MAX_PROBLEMS:
            more = len(problems) - limits.MAX_PROBLEMS
            problems = problems[: limits.MAX_PROBLEMS]
            problems.append(Problem(source, f"... and {more} more problems"))
        raise RoutineError(source, problems)
    return routine


# tomllib's terse messages, with what the author most likely meant
_SYNTAX_HINTS = {
    "invalid value": 'expected a value after "=": a number, "text", true/false, [a list] or '
    "{ a = table }",
    "cannot overwrite a value": "is this key or table written twice?",
    "invalid statement": "expected key = value, a [table] header or [[exercise]]; "
    'text needs "quotes"',
    "unclosed array": 'a "]" is missing',
    "unterminated string": "a closing quote is missing",
}


def _syntax_problem(source: str, message: str, *, last_line: int) -> Problem:
    line: int | None = None
    column: int | None = None
    match = _SYNTAX.match(message)
    if match:
        message, line, column = match["msg"], int(match["line"]), int(match["col"])
    else:
        match = _SYNTAX_END.match(message)
        if match:
            message, line = match["msg"], last_line
    message = message[:1].lower() + message[1:]
    hint = _SYNTAX_HINTS.get(message)
    if match and column is None:
        message += " at the end of the file"
    if hint:
        message = f"{message} ({hint})"
    return Problem(source, message, line=line, column=column)


_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
}


def quoted(text: str) -> str:
    """`text` in double quotes, escaped as a TOML or JSON string (what json.dumps gives with
    ensure_ascii=False, without importing json on every routine load)."""
    return '"' + "".join(_escape(ch) for ch in text) + '"'


def _escape(ch: str) -> str:
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    # every control character (C0, DEL, C1) and surrogate as \uXXXX, so a message never
    # carries one to the terminal
    if ch < " " or "\x7f" <= ch <= "\x9f" or "\ud800" <= ch <= "\udfff":
        return f"\\u{ord(ch):04x}"
    return ch


def show(value: object) -> str:
    """A value as the author wrote it, for "got ..." in messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return quoted(text)
    if isinstance(value, int | float):
        text = repr(value)
        return text if len(text) <= 40 else f"a number of {len(text)} digits"
    if isinstance(value, list):
        if not value:
            return "an empty list"
        if len(value) <= 12 and all(isinstance(v, str | int | float) for v in value):
            text = "[" + ", ".join(show(v) for v in value) + "]"
            if len(text) <= 60:
                return text
        return "a list"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, datetime | date | time):
        return f"the date/time {value.isoformat()}"
    return type(value).__name__


def _suggest(key: str, known: list[str] | tuple[str, ...]) -> str:
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    if close:
        return f' (did you mean "{close[0]}"?)'
    return f"; expected one of: {', '.join(known)}"


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


@dataclass(frozen=True)
class _Ctx:
    prefix: str  # "routine", 'exercise 3 ("Shrug")', ...
    table: Table  # where the keys are, for line numbers


class _Checker:
    def __init__(self, source: str, text: str) -> None:
        self.source = source
        self.lines = KeyLines(text)
        self.problems: list[Problem] = []

    # -- reporting ---------------------------------------------------------------------------
    def problem(self, ctx: _Ctx | None, path: list[str], message: str) -> None:
        parts = ([ctx.prefix] if ctx else []) + path + [message]
        line = self.lines.find(ctx.table if ctx else (), path[0] if path else None)
        if line is None and ctx is None and path:
            line = self.lines.find((path[0],))  # a whole table, e.g. [exercise]
        self.problems.append(Problem(self.source, ": ".join(parts), line=line))

    def unknown_keys(
        self, ctx: _Ctx, raw: dict[str, Any], known: dict[str, schema.Field], path: list[str]
    ) -> None:
        names = list(known)
        for key in raw:
            if key not in known:
                message = f"unknown key {show(key)}{_suggest(key, names)}"
                line = self.lines.find(ctx.table, path[0] if path else key)
                self.problems.append(
                    Problem(self.source, ": ".join([ctx.prefix, *path, message]), line=line)
                )

    # -- values --------------------------------------------------------------------------------
    def text(self, ctx: _Ctx, path: list[str], value: object, *, empty: bool = False) -> str | None:
        if not isinstance(value, str):
            self.problem(ctx, path, f"expected text in quotes, got {show(value)}")
            return None
        if not value.strip() and not empty:
            self.problem(ctx, path, f"expected non-empty text, got {show(value)}")
            return None
        if not self.safe_text(ctx, path, value, long=bool(path) and path[0] in LONG_TEXT):
            return None
        return value

    def safe_text(self, ctx: _Ctx | None, path: list[str], value: str, *, long: bool) -> bool:
        """No control character (newline and tab allowed in long text) and not too long."""
        index = first_control(value, "\n\t" if long else "")
        if index is not None:
            point = ord(value[index])
            self.problem(ctx, path, f"control character U+{point:04X} is not allowed")
            self.at_column(point)
            return False
        top = limits.MAX_TEXT if long else limits.MAX_NAME
        if len(value) > top:
            self.problem(ctx, path, f"expected at most {top:,} characters, got {len(value):,}")
            return False
        return True

    def at_column(self, point: int) -> None:
        """Point the last problem at the control character in the source, when it is found
        on or after the problem's line (written raw or as an escape such as \\u001b)."""
        last = self.problems[-1]
        if last.line is None:
            return
        found = self.lines.locate(last.line, _control_pattern(point))
        if found is not None:
            line, column = found
            self.problems[-1] = Problem(self.source, last.message, line=line, column=column)

    def texts(self, ctx: _Ctx, path: list[str], value: object) -> tuple[str, ...] | None:
        if not isinstance(value, list):
            self.problem(
                ctx, path, f'expected a list of text such as ["a", "b"], got {show(value)}'
            )
            return None
        if len(value) > limits.MAX_ITEMS:
            self.problem(ctx, path, f"expected at most {limits.MAX_ITEMS} items, got {len(value)}")
            return None
        items = [self.text(ctx, [*path, f"item {n}"], v) for n, v in enumerate(value, start=1)]
        return None if None in items else tuple(i for i in items if i is not None)

    def duration(self, ctx: _Ctx, path: list[str], value: object, *, zero: bool) -> float | None:
        if isinstance(value, int | float) and not isinstance(value, bool) and value > MAX_DURATION:
            self.problem(ctx, path, f'expected at most 4 hours ("4h"), got {show(value)}')
            return None
        try:
            seconds = parse_duration(value)
        except ValueError:
            lowest = "of 0 or more" if zero else "above 0"
            negative = (
                isinstance(value, int | float)
                and not isinstance(value, bool)
                and not (isinstance(value, float) and math.isnan(value))
                and value < 0
            )
            if negative:
                self.problem(ctx, path, f"expected a duration {lowest}, got {show(value)}")
            else:
                self.problem(ctx, path, f"expected {DURATION}, got {show(value)}")
            return None
        if seconds == 0 and not zero:
            self.problem(ctx, path, f"expected a duration above 0, got {show(value)}")
            return None
        if seconds > MAX_DURATION:
            self.problem(ctx, path, f'expected at most 4 hours ("4h"), got {show(value)}')
            return None
        return seconds

    def count(self, ctx: _Ctx, path: list[str], value: object, top: int) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= top:
            self.problem(ctx, path, f"expected a whole number from 1 to {top}, got {show(value)}")
            return None
        return value

    def breath(self, ctx: _Ctx, path: list[str], value: object) -> tuple[bool, Breath | None]:
        """(ok, pacer): `false` turns the pacer off."""
        if value is False:
            return True, None
        if not isinstance(value, dict):
            self.problem(
                ctx,
                path,
                'expected a table such as { inhale = "4s", exhale = "6s" } '
                f"or false, got {show(value)}",
            )
            return False, None
        self.unknown_keys(ctx, value, schema.BREATH, path)
        parts: dict[str, float | None] = {}
        for key in ("inhale", "hold", "exhale"):
            if key in value:
                parts[key] = self.duration(ctx, [*path, key], value[key], zero=False)
            elif key != "hold":
                self.problem(ctx, [*path, key], "missing (required)")
                parts[key] = None
        inhale, exhale, hold = parts.get("inhale"), parts.get("exhale"), parts.get("hold", 0.0)
        if inhale is None or exhale is None or hold is None:
            return False, None
        return True, Breath(inhale=inhale, exhale=exhale, hold=hold)

    # -- tables --------------------------------------------------------------------------------
    def routine(self, data: dict[str, Any], routine_id: str) -> Routine | None:
        for key, value in data.items():
            if key not in schema.TOP_LEVEL:
                home = [t for t in ("routine", "defaults") if key in schema.TABLES[t]]
                if home and not isinstance(value, dict):
                    message = f'key "{key}" is outside its table (put it under [{home[0]}])'
                else:
                    message = f"unknown table {show(key)}{_suggest(key, schema.TOP_LEVEL)}"
                self.problems.append(
                    Problem(
                        self.source,
                        message,
                        line=self.lines.find((key,)) or self.lines.find((), key),
                    )
                )
        head = self.head(data.get("routine"))
        defaults = self.defaults(data.get("defaults", {}))
        raw_exercises = data.get("exercise")
        exercises: list[Exercise | None] = []
        if raw_exercises is None or raw_exercises == []:
            self.problems.append(
                Problem(self.source, "no exercises: expected at least one [[exercise]] table")
            )
        elif not isinstance(raw_exercises, list) or not all(
            isinstance(e, dict) for e in raw_exercises
        ):
            got = show(raw_exercises)
            if isinstance(raw_exercises, dict):
                got = "a single [exercise] table (write [[exercise]], with two brackets)"
            self.problem(None, ["exercise"], f"expected [[exercise]] tables, got {got}")
        elif len(raw_exercises) > limits.MAX_EXERCISES:
            message = f"expected at most {limits.MAX_EXERCISES} exercises, got {len(raw_exercises)}"
            line = self.lines.find(("exercise", limits.MAX_EXERCISES))  # the first one too many
            self.problems.append(Problem(self.source, f"exercise: {message}", line=line))
        else:
            resolved = defaults or Defaults()
            exercises = [self.exercise(i, e, resolved) for i, e in enumerate(raw_exercises)]
        if head is None or defaults is None or None in exercises or self.problems:
            return None
        routine = Routine(
            id=routine_id,
            defaults=defaults,
            exercises=tuple(e for e in exercises if e is not None),
            **head,
        )
        self.size(routine)
        return None if self.problems else routine

    def size(self, routine: Routine) -> None:
        """The routine, with every progression at its maximum, stays within MAX_SEGMENTS and
        MAX_TOTAL, so it never grows into something too big to run."""
        full = fullest(routine)
        grows = " at its fullest progression" if full != routine else ""
        count = segment_count(full)
        if count > limits.MAX_SEGMENTS:
            sizes = [(exercise_segments(ex), i) for i, ex in enumerate(full.exercises)]
            biggest, index = max(sizes)
            ex = full.exercises[index]
            ctx = _Ctx(f"exercise {index + 1} ({quoted(ex.name)})", ("exercise", index))
            self.problem(
                ctx,
                [],
                f"the routine compiles to {count:,} segments{grows} (this exercise "
                f"{biggest:,}); a routine has at most {limits.MAX_SEGMENTS:,}: fewer reps, "
                "sets, sides or phases",
            )
            self.problems[-1] = Problem(
                self.source, self.problems[-1].message, line=self.lines.find(ctx.table)
            )
            return
        total = total_seconds(full)
        if total > limits.MAX_TOTAL:
            hours = limits.MAX_TOTAL / 3600
            self.problems.append(
                Problem(
                    self.source,
                    f"the routine lasts {human(total)}{grows}; a routine lasts "
                    f"at most {hours:g} hours",
                )
            )

    def head(self, raw: object) -> dict[str, Any] | None:
        ctx = _Ctx("routine", ("routine",))
        if raw is None:
            self.problems.append(
                Problem(
                    self.source,
                    'missing the [routine] table (expected [routine] with name = "...")',
                )
            )
            return None
        if not isinstance(raw, dict):
            self.problem(None, ["routine"], f"expected a [routine] table, got {show(raw)}")
            return None
        self.unknown_keys(ctx, raw, schema.ROUTINE, [])
        out: dict[str, Any] = {}
        ok = True
        if "name" not in raw:
            self.problem(ctx, ["name"], 'missing (required), e.g. name = "Neck set"')
            ok = False
        for key, spec in schema.ROUTINE.items():
            if key not in raw:
                continue
            value: object
            if spec.type == "texts":
                value = self.texts(ctx, [key], raw[key])
            elif key == "place":
                value = raw[key]
                if value not in PLACES:
                    self.problem(
                        ctx, [key], f"expected one of {', '.join(PLACES)}, got {show(value)}"
                    )
                    value = None
            else:
                value = self.text(ctx, [key], raw[key], empty=key == "description")
            ok = ok and value is not None
            out[key] = value
        return out if ok else None

    def defaults(self, raw: object) -> Defaults | None:
        ctx = _Ctx("defaults", ("defaults",))
        if not isinstance(raw, dict):
            self.problem(None, ["defaults"], f"expected a [defaults] table, got {show(raw)}")
            return None
        self.unknown_keys(ctx, raw, schema.DEFAULTS, [])
        out: dict[str, Any] = {}
        ok = True
        for key, spec in schema.DEFAULTS.items():
            if key not in raw:
                continue
            if key == "breath":
                good, out[key] = self.breath(ctx, [key], raw[key])
                ok = ok and good
                continue
            out[key] = self.duration(ctx, [key], raw[key], zero=spec.type == "rest")
            ok = ok and out[key] is not None
        return Defaults(**out) if ok else None

    def exercise(self, index: int, raw: dict[str, Any], defaults: Defaults) -> Exercise | None:
        name_raw = raw.get("name")
        label = f"exercise {index + 1}"
        if isinstance(name_raw, str) and name_raw.strip():
            label += f" ({quoted(name_raw)})"
        ctx = _Ctx(label, ("exercise", index))
        before = len(self.problems)
        self.unknown_keys(ctx, raw, schema.EXERCISE, [])
        out: dict[str, Any] = {}
        if "name" in raw:
            out["name"] = self.text(ctx, ["name"], raw["name"])
        else:
            self.problem(ctx, ["name"], "missing (required)")
        if "steps" in raw:
            out["steps"] = self.texts(ctx, ["steps"], raw["steps"])
        if "caution" in raw:
            out["caution"] = self.text(ctx, ["caution"], raw["caution"])

        kind = self.kind(ctx, raw)
        out["kind"] = kind
        hold = raw.get("hold")
        if "hold" in raw and not (isinstance(hold, str) and hold.strip().lower() == "max"):
            out["hold"] = self.duration(ctx, ["hold"], raw["hold"], zero=False)
        if "expect" in raw:
            out["expect"] = self.expect(ctx, raw["expect"], kind)
        if "duration" in raw:
            out["duration"] = self.duration(ctx, ["duration"], raw["duration"], zero=False)
        if "phases" in raw:
            out["phases"] = self.phases(ctx, raw["phases"])
        tempo = raw.get("tempo")
        if tempo is not None and not (isinstance(tempo, str) and tempo.strip().lower() == "self"):
            out["tempo"] = self.duration(ctx, ["tempo"], tempo, zero=False)
            if kind is not None and kind is not WorkKind.PACED:
                self.problem(
                    ctx,
                    ["tempo"],
                    f"expected no tempo with {self.way_of(raw)} (tempo "
                    f"is the length of a paced rep), got {show(tempo)}",
                )
        elif kind in (WorkKind.PACED, WorkKind.SELF):
            out["tempo"] = defaults.tempo
        if "reps" in raw:
            out["reps"] = self.count(ctx, ["reps"], raw["reps"], MAX_REPS)
            if kind is WorkKind.TIMED:
                self.problem(
                    ctx,
                    ["reps"],
                    "expected no reps with duration (a timed exercise is "
                    f"one continuous block; use sets), got {show(raw['reps'])}",
                )
        if "sets" in raw:
            out["sets"] = self.count(ctx, ["sets"], raw["sets"], MAX_SETS)
        if "sides" in raw:
            self.sides(ctx, raw, kind, out)
        for key in ("rest", "rep_rest", "set_rest", "side_rest"):
            if key in raw:
                out[key] = self.duration(ctx, [key], raw[key], zero=True)
            else:
                out[key] = getattr(defaults, key)
        if "breath" in raw:
            _, out["breath"] = self.breath(ctx, ["breath"], raw["breath"])
        else:
            out["breath"] = defaults.breath
        if "progress" in raw and kind is not None:
            out["progress"] = self.progress(ctx, raw["progress"], kind, out)
        if len(self.problems) > before or kind is None:
            return None
        return Exercise(**out)

    def expect(self, ctx: _Ctx, value: object, kind: WorkKind | None) -> float | None:
        """The expected length of an open-ended hold: a duration, only with hold = "max"."""
        if kind is not None and kind is not WorkKind.MAX:
            self.problem(
                ctx,
                ["expect"],
                'expected expect only with hold = "max" (it is the usual length of an '
                f"open-ended hold), got {show(value)}",
            )
            return None
        return self.duration(ctx, ["expect"], value, zero=False)

    def way_of(self, raw: dict[str, Any]) -> str:
        for key in ("hold", "duration", "phases"):
            if key in raw:
                return 'hold = "max"' if raw[key] == "max" else key
        return "reps"

    def kind(self, ctx: _Ctx, raw: dict[str, Any]) -> WorkKind | None:
        ways: list[tuple[str, str, WorkKind]] = []
        hold = raw.get("hold")
        if "hold" in raw:
            is_max = isinstance(hold, str) and hold.strip().lower() == "max"
            ways.append(
                ('hold = "max"', "hold", WorkKind.MAX)
                if is_max
                else ("hold", "hold", WorkKind.HOLD)
            )
        if "duration" in raw:
            ways.append(("duration", "duration", WorkKind.TIMED))
        if "phases" in raw:
            ways.append(("phases", "phases", WorkKind.PHASED))
        tempo = raw.get("tempo")
        if isinstance(tempo, str) and tempo.strip().lower() == "self":
            ways.append(('tempo = "self"', "tempo", WorkKind.SELF))
        if len(ways) > 1:
            names = [w[0] for w in ways]
            self.problem(ctx, [], f"expected one way of working, got both {_join(names)}")
            self.problems[-1] = Problem(
                self.source, self.problems[-1].message, line=self.lines.find(ctx.table, ways[1][1])
            )
            return None
        if ways:
            return ways[0][2]
        if "reps" in raw:
            return WorkKind.PACED
        self.problem(ctx, [], NO_WAY)
        return None

    def phases(self, ctx: _Ctx, value: object) -> tuple[Phase, ...] | None:
        if not isinstance(value, list) or not value or not all(isinstance(p, dict) for p in value):
            self.problem(
                ctx,
                ["phases"],
                'expected a list of tables such as [{ label = "Up", '
                f'secs = 2 }}, {{ label = "Down", secs = 2 }}], got {show(value)}',
            )
            return None
        if len(value) > limits.MAX_PHASES:
            self.problem(
                ctx, ["phases"], f"expected at most {limits.MAX_PHASES} phases, got {len(value)}"
            )
            return None
        phases: list[Phase] = []
        for n, raw in enumerate(value, start=1):
            path = ["phases", f"phase {n}"]
            self.unknown_keys(ctx, raw, schema.PHASE, path)
            label = secs = None
            for key in ("label", "secs"):
                if key not in raw:
                    self.problem(ctx, [*path, key], "missing (required)")
            if "label" in raw:
                label = self.text(ctx, [*path, "label"], raw["label"])
            if "secs" in raw:
                secs = self.duration(ctx, [*path, "secs"], raw["secs"], zero=False)
            word = raw.get("breath")
            if word is not None and word not in BREATH_WORDS:
                self.problem(
                    ctx,
                    [*path, "breath"],
                    f"expected one of {', '.join(BREATH_WORDS)}, got {show(word)}",
                )
            if label is not None and secs is not None:
                phases.append(Phase(label=label, secs=secs, breath=word))
        return tuple(phases) if len(phases) == len(value) else None

    def sides(
        self, ctx: _Ctx, raw: dict[str, Any], kind: WorkKind | None, out: dict[str, Any]
    ) -> None:
        value = raw["sides"]
        if value in ("both", "alternate"):
            out["sides"] = ("left", "right")
            out["alternate"] = value == "alternate"
        elif isinstance(value, list) and len(value) > limits.MAX_SIDES:
            self.problem(
                ctx, ["sides"], f"expected at most {limits.MAX_SIDES} sides, got {len(value)}"
            )
            return
        elif (
            isinstance(value, list)
            and len(value) >= 2
            and all(isinstance(v, str) and v.strip() for v in value)
            and len(set(value)) == len(value)
        ):
            if not all(
                self.safe_text(ctx, ["sides", f"item {n}"], v, long=False)
                for n, v in enumerate(value, start=1)
            ):
                return
            out["sides"] = tuple(value)
        else:
            self.problem(
                ctx,
                ["sides"],
                'expected "both", "alternate" or a list of at least two '
                f"different labels, got {show(value)}",
            )
            return
        if value != "alternate":
            return
        if kind is WorkKind.TIMED and "sets" in raw:
            self.problem(
                ctx,
                ["sides"],
                'expected "both" for a timed exercise with sets (timed work has no reps to '
                'alternate), got "alternate"',
            )
        elif "sets" in raw and "reps" not in raw:
            self.problem(
                ctx,
                ["sides"],
                'expected reps with sides = "alternate" and sets (sides '
                "alternate every rep), got no reps",
            )

    def progress(
        self, ctx: _Ctx, value: object, kind: WorkKind, out: dict[str, Any]
    ) -> Progress | None:
        example = '{ hold = "+5s", every = "1w", max = "40s" }'
        if not isinstance(value, dict):
            self.problem(
                ctx, ["progress"], f"expected a table such as {example}, got {show(value)}"
            )
            return None
        before = len(self.problems)
        self.unknown_keys(ctx, value, schema.PROGRESS, ["progress"])
        fields = [f for f in schema.PROGRESS_FIELDS if f in value]
        allowed = ["sets"]
        if kind is WorkKind.HOLD:
            allowed.insert(0, "hold")
        if kind is WorkKind.TIMED:
            allowed.insert(0, "duration")
        else:
            allowed.insert(-1, "reps")
        if len(fields) != 1:
            got = _join(fields) if fields else "none"
            self.problem(
                ctx,
                ["progress"],
                f"expected one of {_join(allowed).replace(' and ', ' or ')} to grow, got {got}",
            )
            return None
        name = fields[0]
        path = ["progress", name]
        if name not in allowed:
            self.problem(
                ctx,
                path,
                f"expected one of {', '.join(allowed)} (what this exercise has), got {name}",
            )
            return None
        step = self.step(ctx, path, value[name], timed=name in ("hold", "duration"))
        every = self.every(ctx, value.get("every"), "every" in value)
        top = self.limit(ctx, value, name)
        if len(self.problems) > before or step is None or every is None or top is None:
            return None
        base = float(out.get(name) or 1)
        if top < base:
            shown = duration_text(base) if name in ("hold", "duration") else f"{base:g}"
            self.problem(
                ctx,
                ["progress", "max"],
                f"expected at least the starting {name} ({shown}), got {show(value['max'])}",
            )
            return None
        days, sessions = every
        return Progress(field=name, step=step, max=top, every_days=days, every_sessions=sessions)

    def step(self, ctx: _Ctx, path: list[str], value: object, *, timed: bool) -> float | None:
        example = '"+5s"' if timed else '"+2"'
        text = value.strip().removeprefix("+") if isinstance(value, str) else value
        top = MAX_DURATION if timed else MAX_REPS
        try:
            if timed:
                step = parse_duration(text)
            elif isinstance(text, int) and not isinstance(text, bool):
                step = float(min(text, top + 1))
            elif isinstance(text, str) and text.strip().isascii() and text.strip().isdigit():
                digits = text.strip().lstrip("0") or "0"
                step = float(top + 1) if len(digits) > 9 else float(int(digits))
            else:
                raise ValueError(value)
        except (ValueError, OverflowError):
            step = 0.0
        if step <= 0:
            self.problem(ctx, path, f"expected a step such as {example}, got {show(value)}")
            return None
        if step > top:
            most = duration_text(top) if timed else str(top)
            self.problem(ctx, path, f"expected a step of at most {most}, got {show(value)}")
            return None
        return step

    def every(
        self, ctx: _Ctx, value: object, given: bool
    ) -> tuple[float | None, int | None] | None:
        path = ["progress", "every"]
        if not given:
            self.problem(ctx, path, 'missing (required), e.g. every = "1w" or every = "3 sessions"')
            return None
        if isinstance(value, str) and len(value) <= 1000:
            days = _EVERY_DAYS.match(value)
            if days and _small_int(days[1]) >= 1:
                count = _small_int(days[1]) * (7 if days[2].lower().startswith("w") else 1)
                if count <= limits.MAX_EVERY_DAYS:
                    return float(count), None
                self.problem(
                    ctx,
                    path,
                    f"expected at most {limits.MAX_EVERY_DAYS} days (52 weeks), got {show(value)}",
                )
                return None
            sessions = _EVERY_SESSIONS.match(value)
            if sessions and _small_int(sessions[1]) >= 1:
                if _small_int(sessions[1]) <= limits.MAX_EVERY_SESSIONS:
                    return None, int(sessions[1])
                self.problem(
                    ctx,
                    path,
                    f"expected at most {limits.MAX_EVERY_SESSIONS} sessions, got {show(value)}",
                )
                return None
        self.problem(ctx, path, f'expected "3d", "1w" or "3 sessions", got {show(value)}')
        return None

    def limit(self, ctx: _Ctx, value: dict[str, Any], name: str) -> float | None:
        path = ["progress", "max"]
        if "max" not in value:
            self.problem(ctx, path, "missing (required): the value to stop growing at")
            return None
        if name in ("hold", "duration"):
            return self.duration(ctx, path, value["max"], zero=False)
        top = self.count(ctx, path, value["max"], MAX_REPS if name == "reps" else MAX_SETS)
        return None if top is None else float(top)


def _control_pattern(point: int) -> re.Pattern[str]:
    """The ways TOML writes the code point `point` in a string: raw, \\uXXXX, \\UXXXXXXXX
    or a short escape such as \\n (a backslash that is itself escaped does not count)."""
    forms = [re.escape(chr(point)), f"\\\\u{point:04x}", f"\\\\U{point:08x}"]
    if point in _SHORT_ESCAPES:
        forms.append(f"\\\\{_SHORT_ESCAPES[point]}")
    return re.compile(r"(?<!\\)(?:\\\\)*(" + "|".join(forms) + ")", re.IGNORECASE)


def _small_int(digits: str) -> int:
    """ASCII digits as an int, capped at 10**9 (so a number of hundreds of digits costs
    nothing and compares as too big)."""
    digits = digits.lstrip("0") or "0"
    return 10**9 if len(digits) > 9 else int(digits)
