"""Find the line of a key in TOML source text, for error messages.

A light scan, run only after tomllib accepted the text: it tracks table headers
(`[routine]`, `[defaults]`, each `[[exercise]]` by number, and `[exercise.breath]`-style
sub-tables) and remembers the first line of each key inside each table.
"""

from __future__ import annotations

import bisect
import re

Table = tuple[str | int, ...]

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\[\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_-]+)\s*[.=]""")


def _unquote(part: str) -> str:
    part = part.strip()
    if len(part) >= 2 and part[0] == part[-1] and part[0] in "\"'":
        return part[1:-1]
    return part


class KeyLines:
    def __init__(self, text: str) -> None:
        self._text = text
        self._starts: list[int] | None = None
        self._keys: dict[tuple[Table, str], int] = {}
        self._headers: dict[Table, int] = {}
        table: Table = ()
        exercise: Table | None = None
        count = 0
        in_string: str | None = None
        for number, line in enumerate(text.split("\n"), start=1):
            if in_string is not None:
                if line.count(in_string) % 2 == 1:
                    in_string = None
                continue
            header = _HEADER.match(line)
            if header:
                parts = [_unquote(p) for p in header.group(2).split(".")]
                if header.group(1) == "[[" and parts == ["exercise"]:
                    exercise = ("exercise", count)
                    count += 1
                    table = exercise
                    self._headers[table] = number
                elif parts[0] == "exercise" and len(parts) > 1 and exercise is not None:
                    self._keys.setdefault((exercise, parts[1]), number)
                    table = (*exercise, *parts[1:])
                else:
                    table = tuple(parts)
                    self._headers.setdefault(table, number)
                continue
            key = _KEY.match(line)
            if key:
                self._keys.setdefault((table, _unquote(key.group(1))), number)
            for quote in ('"""', "'''"):
                if line.count(quote) % 2 == 1:
                    in_string = quote
                    break

    def find(self, table: Table, key: str | None = None) -> int | None:
        """The line of `key` in `table`, else the table's header line, else None."""
        if key is not None and (table, key) in self._keys:
            return self._keys[(table, key)]
        return self._headers.get(table)

    def locate(self, line: int, pattern: re.Pattern[str]) -> tuple[int, int] | None:
        """(line, column), both from 1, of the first match of `pattern`'s group 1 on or after
        `line` (looking no further than 64 KiB on), else None."""
        if self._starts is None:
            self._starts = [0] + [m.end() for m in re.finditer("\n", self._text)]
        if not 1 <= line <= len(self._starts):
            return None
        start = self._starts[line - 1]
        match = pattern.search(self._text, start, start + 65536)
        if match is None:
            return None
        at = match.start(1)
        found = bisect.bisect_right(self._starts, at)
        return found, at - self._starts[found - 1] + 1
