"""The user's config file (config.toml), read with tomllib.

`load_config()` only parses; each adapter validates its own table with `Table`:

    cfg = load_config()
    sound = Table.of(cfg, "sound")            # [sound] (empty when absent)
    sound.check_keys({"volume", "mute", "cues"})
    volume = sound.integer("volume", 80, lo=0, hi=100)

Every problem is a `ConfigError` whose message names the file and the line
(`config.toml:3:7: Expected '=' after a key`) or the table and field
(`config.toml: [sound] volume: expected a whole number 0-100, got "loud"`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from backtimer import paths
from backtimer.routine.durations import duration_text, parse_duration
from backtimer.toml_messages import did_you_mean, show, syntax_problem

# Any: the values of a TOML document (tomllib types them Any); each getter checks one.

__all__ = ["ConfigError", "Table", "load_config"]


class ConfigError(Exception):
    """A problem with the config file. str(err) is the whole one-line message."""

    def __init__(
        self,
        message: str,
        *,
        path: Path | None = None,
        line: int | None = None,
        col: int | None = None,
        field: str | None = None,
    ) -> None:
        self.path = path
        self.line = line
        self.col = col
        self.field = field
        self.problem = message
        where = _where(path, line, col)
        if field:
            text = f"{where}: {field}: {message}" if where else f"{field}: {message}"
        else:
            text = f"{where}: {message}" if where else message
        super().__init__(text)


def _where(path: Path | None, line: int | None, col: int | None) -> str:
    if path is None:
        return ""
    where = str(path)
    if line is not None:
        where += f":{line}"
        if col is not None:
            where += f":{col}"
    return where


def load_config(path: Path | None = None) -> dict[str, Any]:
    """The parsed config file; {} when it does not exist. Raises ConfigError."""
    path = paths.config_file() if path is None else Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except IsADirectoryError:
        raise ConfigError("is a directory, expected a TOML file", path=path) from None
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror or exc}", path=path) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError("not UTF-8 text", path=path, line=line) from None
    import tomllib  # noqa: PLC0415 (only when there is a file: most people never write one)

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = syntax_problem(exc, text)
        message = where.worded(_HINTS)
        raise ConfigError(message, path=path, line=where.line, col=where.column) from None


# tomllib's short messages, with what was most likely meant
_HINTS = {
    "cannot overwrite a value": "is this setting or [table] written twice?",
    "invalid value": 'expected a value after "=": a number, "text" in quotes, true or false',
    "invalid statement": 'expected setting = value or a [table] header; text needs "quotes"',
    "unterminated string": "a closing quote is missing",
}


_MISSING: Any = object()


class Table:
    """One table of the config file with typed getters that raise ConfigError.

    `name` is the dotted table name as written in the file ("sound", "sound.cues.go").
    """

    def __init__(self, data: Mapping[str, Any], name: str, path: Path | None = None) -> None:
        self.data = data
        self.name = name
        self.path = paths.config_file() if path is None else path

    @classmethod
    def of(cls, config: Mapping[str, Any], name: str, path: Path | None = None) -> Table:
        """The table `name` (dotted) of a loaded config; empty when absent."""
        data: Mapping[str, Any] = config
        parts: list[str] = []
        for part in name.split("."):
            parent = ".".join(parts)
            parts.append(part)
            value = data.get(part, {})
            if not isinstance(value, dict):
                where = f"[{parent}] {part}" if parent else part
                raise ConfigError(
                    f"expected a table, got {show(value)}",
                    path=paths.config_file() if path is None else path,
                    field=where,
                )
            data = value
        return cls(data, name, path)

    def error(self, key: str, message: str) -> ConfigError:
        return ConfigError(message, path=self.path, field=f"[{self.name}] {key}")

    def error_at_line(self, key: str, message: str) -> ConfigError:
        """`error`, with the line of `key = ...` in the file when it can be found
        (`config.toml:4: [sound] bell: expected true or false, got "yes"`)."""
        return ConfigError(
            message, path=self.path, line=self.line_of(key), field=f"[{self.name}] {key}"
        )

    def line_of(self, key: str) -> int | None:
        """The line where `key` is set in this table ([name] then key = ..., or a dotted
        name.key = ... line); None when the file cannot be read or the key is not found."""
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            return None
        header = re.compile(
            r"\s*\[\s*" + r"\s*\.\s*".join(map(re.escape, self.name.split("."))) + r"\s*\]"
        )
        setting = re.compile(r"\s*" + re.escape(key) + r"\s*=")
        dotted = re.compile(
            r"\s*" + r"\s*\.\s*".join(map(re.escape, [*self.name.split("."), key])) + r"\s*="
        )
        inside = False
        for number, line in enumerate(lines, 1):
            if re.match(r"\s*\[", line):
                inside = bool(header.match(line))
                continue
            if (inside and setting.match(line)) or dotted.match(line):
                return number
        return None

    def __contains__(self, key: str) -> bool:
        return key in self.data

    def keys(self) -> list[str]:
        return list(self.data)

    def check_keys(self, allowed: Iterable[str]) -> None:
        allowed = set(allowed)
        for key in self.data:
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                raise self.error(
                    key, f"unknown setting{did_you_mean(key, allowed)}; known: {known}"
                )

    def table(self, key: str) -> Table:
        """A sub-table ([name.key]); empty when absent."""
        value = self.data.get(key, {})
        if not isinstance(value, dict):
            raise self.error(key, f"expected a table, got {show(value)}")
        return Table(value, f"{self.name}.{key}", self.path)

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def integer(
        self, key: str, default: Any = _MISSING, *, lo: int | None = None, hi: int | None = None
    ) -> Any:
        value = self.data.get(key, _MISSING)
        if value is _MISSING:
            return self._default(key, default, "a whole number")
        ok = isinstance(value, int) and not isinstance(value, bool)
        if isinstance(value, float) and value.is_integer():
            value, ok = int(value), True
        if not ok or (lo is not None and value < lo) or (hi is not None and value > hi):
            raise self.error(key, f"expected a whole number{_range(lo, hi)}, got {show(value)}")
        return value

    def number(
        self, key: str, default: Any = _MISSING, *, lo: float | None = None, hi: float | None = None
    ) -> Any:
        value = self.data.get(key, _MISSING)
        if value is _MISSING:
            return self._default(key, default, "a number")
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if ok and not math.isfinite(value):
            ok = False
        if not ok or (lo is not None and value < lo) or (hi is not None and value > hi):
            raise self.error(key, f"expected a number{_range(lo, hi)}, got {show(value)}")
        return float(value)

    def boolean(self, key: str, default: Any = _MISSING) -> Any:
        value = self.data.get(key, _MISSING)
        if value is _MISSING:
            return self._default(key, default, "true or false")
        if not isinstance(value, bool):
            raise self.error(key, f"expected true or false, got {show(value)}")
        return value

    def string(
        self, key: str, default: Any = _MISSING, *, choices: Iterable[str] | None = None
    ) -> Any:
        value = self.data.get(key, _MISSING)
        options = sorted(choices) if choices is not None else None
        if value is _MISSING:
            return self._default(key, default, "text")
        if not isinstance(value, str):
            raise self.error(key, f"expected text, got {show(value)}")
        if options is not None and value not in options:
            listed = ", ".join(f'"{o}"' for o in options)
            hint = did_you_mean(value, options)
            raise self.error(key, f"expected one of {listed}, got {show(value)}{hint}")
        return value

    def duration(
        self, key: str, default: Any = _MISSING, *, lo: float | None = None, hi: float | None = None
    ) -> Any:
        """Seconds from 90, "90s", "2h", "1h30m"."""
        value = self.data.get(key, _MISSING)
        if value is _MISSING:
            return self._default(key, default, "a duration")
        expected = 'expected a duration such as 90, "45m" or "2h"'
        try:
            seconds = parse_duration(value)
        except ValueError:
            raise self.error(key, f"{expected}, got {show(value)}") from None
        if (lo is not None and seconds < lo) or (hi is not None and seconds > hi):
            lo_t = duration_text(lo) if lo is not None else None
            hi_t = duration_text(hi) if hi is not None else None
            span = f" between {lo_t} and {hi_t}" if lo_t and hi_t else ""
            span = span or (f" of at least {lo_t}" if lo_t else f" of at most {hi_t}")
            raise self.error(key, f"expected a duration{span}, got {show(value)}")
        return seconds

    def path_value(self, key: str, default: Any = _MISSING) -> Any:
        """A file path (text); "~" expanded, relative paths taken from the config file's folder."""
        value = self.data.get(key, _MISSING)
        if value is _MISSING:
            return self._default(key, default, "a file path")
        if not isinstance(value, str) or not value.strip():
            raise self.error(key, f"expected a file path (text), got {show(value)}")
        try:
            p = paths.expand_user(value)
        except paths.PathError as exc:
            raise self.error(key, str(exc)) from None
        if not p.is_absolute():
            p = self.path.parent / p
        return p

    def _default(self, key: str, default: Any, what: str) -> Any:
        if default is _MISSING:
            raise self.error(key, f"missing; expected {what}")
        return default


def _range(lo: float | None, hi: float | None) -> str:
    if lo is not None and hi is not None:
        return f" {_num(lo)}-{_num(hi)}"
    if lo is not None:
        return f" >= {_num(lo)}"
    if hi is not None:
        return f" <= {_num(hi)}"
    return ""


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)
