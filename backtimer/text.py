"""Text that comes from stored data, made safe to show (docs/security.md).

Pure: the standard library only, so every output surface (CLI, plain runner, the app's
screens, notifications, tmux status line, CSV) can use it.

The rule of `visible()`: every control character (Unicode category Cc: C0 U+0000-U+001F,
DEL U+007F and C1 U+0080-U+009F) and every lone surrogate is replaced by its code written
out in ASCII: `\\x1b` for ESC, `\\x9b` for CSI, `\\x07` for BEL, `\\ud800` for a surrogate.
So no escape sequence (ESC/CSI/OSC/DCS) from a routine name, a history row or a state file
ever reaches a terminal as a command, and a person still sees that something was there.
Newline and tab are replaced too unless the caller keeps them (`keep="\\n\\t"`) for text
shown as several lines.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

__all__ = ["CONTROL", "csv_cell", "first_control", "json_text", "visible"]

# Unicode category Cc: C0, DEL and C1. (Surrogates only reach a str through
# errors="surrogateescape" and friends; they cannot be encoded for a terminal.)
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_UNSAFE = "\x00-\x1f\x7f-\x9f\ud800-\udfff"

# Cells a spreadsheet would read as a formula (OWASP, "CSV Injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@lru_cache(maxsize=8)
def _unsafe(keep: str) -> re.Pattern[str]:
    kept = "".join(re.escape(ch) for ch in sorted(set(keep)))
    if not kept:
        return re.compile(f"[{_UNSAFE}]")
    return re.compile(f"(?![{kept}])[{_UNSAFE}]")


def _code(match: re.Match[str]) -> str:
    point = ord(match.group())
    return f"\\x{point:02x}" if point <= 0xFF else f"\\u{point:04x}"


def visible(text: str, keep: str = "") -> str:
    """`text` with every control character (and lone surrogate) written as its code, e.g.
    ESC as `\\x1b`. Characters in `keep` (only "\\n" and/or "\\t" make sense) stay as
    they are."""
    return _unsafe(keep).sub(_code, text)


def csv_cell(text: str) -> str:
    """A text cell for CSV: control characters made visible, and a cell that a spreadsheet
    would take for a formula (beginning with = + - @, tab or CR) prefixed with `'`."""
    if text.startswith(_FORMULA_START):
        text = "'" + text
    return visible(text)


def first_control(text: str, keep: str = "") -> int | None:
    """The index of the first control character of `text` not in `keep`, else None."""
    for match in CONTROL.finditer(text):
        if match.group() not in keep:
            return match.start()
    return None


_JSON_RAW = re.compile("[\x7f-\x9f\ud800-\udfff]")


def json_text(data: Any, *, indent: int | None = 2) -> str:
    """JSON for output: non-ASCII letters as they are (ensure_ascii=False), but DEL, C1 and
    lone surrogates escaped as \\uXXXX like C0 already is, so JSON output never carries a
    raw control character. (Outside strings JSON is ASCII, so this only touches strings.)"""
    import json  # noqa: PLC0415 (the loader imports this module; json only when asked)

    text = json.dumps(data, indent=indent, ensure_ascii=False)
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
