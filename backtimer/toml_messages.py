"""Wording TOML problems for people, for routine files and config.toml alike: where
tomllib's error is, a value as its author wrote it, and what a misspelt name most likely
meant."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from backtimer.text import json_text

_AT = re.compile(r"^(?P<msg>.*) \(at line (?P<line>\d+), column (?P<col>\d+)\)$", re.DOTALL)
_AT_END = re.compile(r"^(?P<msg>.*) \(at end of document\)$", re.DOTALL)


@dataclass(frozen=True)
class SyntaxProblem:
    """tomllib's message without its position, and where it is."""

    message: str  # as tomllib words it, e.g. "Invalid value"
    line: int | None
    column: int | None
    at_end: bool  # the file ended too early

    def worded(self, hints: dict[str, str], *, lower: bool = False) -> str:
        """The message with " at the end of the file" and the hint for it, if any (`hints`
        by the message in lower case)."""
        text = self.message[:1].lower() + self.message[1:] if lower else self.message
        if self.at_end:
            text += " at the end of the file"
        hint = hints.get(self.message.lower())
        return f"{text} ({hint})" if hint else text


def syntax_problem(error: ValueError, text: str) -> SyntaxProblem:
    """Where a tomllib.TOMLDecodeError is in `text` (the end of the document counts as its
    last line)."""
    message = str(error)
    match = _AT.match(message)
    if match:
        return SyntaxProblem(match["msg"], int(match["line"]), int(match["col"]), False)
    match = _AT_END.match(message)
    if match:
        return SyntaxProblem(match["msg"], len(text.splitlines()) or 1, None, True)
    return SyntaxProblem(message, None, None, False)


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
        if all(isinstance(v, str | int | float) for v in value):
            text = "[" + ", ".join(show(v) for v in value) + "]"
            if len(text) <= 60:
                return text
        return "a list"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, datetime | date | time):
        return f"the date/time {value.isoformat()}"
    return type(value).__name__


def quoted(text: str) -> str:
    """`text` in double quotes, escaped as a TOML (and JSON) basic string; control
    characters never reach the terminal raw."""
    if _PLAIN.fullmatch(text):  # nothing to escape (most names): no need to load json
        return f'"{text}"'
    return json_text(text, indent=None)


# what json_text() leaves as it is: neither a quote, a backslash nor a control character
_PLAIN = re.compile(r'[^"\\\x00-\x1f\x7f-\x9f\ud800-\udfff]*')


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean "volume"?)' or ''."""
    close = closest(word, choices)
    return f' (did you mean "{close}"?)' if close else ""


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice most like `word` (difflib's ratio at least 0.6), or None."""
    import difflib  # noqa: PLC0415 (only for a word that is not known: not at every start)

    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return close[0] if close else None
