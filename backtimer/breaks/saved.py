"""The saved break schedule as JSON: a small typed (de)serialiser for the scheduler's
dataclasses (BreakState, BreakSettings), driven by their field types.

    data = dump(state)                  # JSON-able dict
    state = load(BreakState, data)      # ValueError / TypeError / KeyError when malformed

Types understood: bool, int (a count: not negative), float, str, datetime (aware, kept in
UTC), date, tuple[str, ...], tuple[int, int] | None, frozenset[int], list[str].
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import UTC, date, datetime
from typing import Any, TypeVar

T = TypeVar("T")
# Any: JSON values, checked against each field's type by _value
Json = dict[str, Any]


def dump(obj: object) -> Json:
    """The dataclass `obj` as a JSON-able dict."""
    assert dataclasses.is_dataclass(obj) and not isinstance(obj, type)
    return {f.name: _plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}


def _plain(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, tuple | list):
        return list(value)
    return value


def load(cls: type[T], data: object) -> T:
    """An instance of the dataclass `cls` from `dump`'s output. A field that is missing
    takes its default (KeyError when it has none)."""
    if not isinstance(data, dict):
        raise TypeError(f"expected an object, got {type(data).__name__}")
    hints = typing.get_type_hints(cls)
    values: dict[str, object] = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if f.name not in data:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise KeyError(f.name)
            continue
        values[f.name] = _value(f.name, hints[f.name], data[f.name])
    return cls(**values)


def _value(name: str, kind: Any, raw: object) -> object:  # Any: a type hint
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (typing.Union, types.UnionType):
        if raw is None and type(None) in args:
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return _value(name, inner, raw)
    if kind is bool:
        if not isinstance(raw, bool):
            raise TypeError(f"{name}: expected true or false, got {raw!r}")
        return raw
    if kind is int:
        if not isinstance(raw, int) or isinstance(raw, bool) or raw < 0:
            raise TypeError(f"{name}: expected a count, got {raw!r}")
        return raw
    if kind is float:
        if not isinstance(raw, int | float) or isinstance(raw, bool):
            raise TypeError(f"{name}: expected a number, got {raw!r}")
        return float(raw)
    if kind is str:
        if not isinstance(raw, str):
            raise TypeError(f"{name}: expected text, got {raw!r}")
        return raw
    if kind is datetime:
        moment = datetime.fromisoformat(_text(name, raw))
        if moment.tzinfo is None:
            raise ValueError(f"{name}: not an aware time")
        return moment.astimezone(UTC)
    if kind is date:
        return date.fromisoformat(_text(name, raw))
    if origin in (tuple, list, frozenset):
        if not isinstance(raw, list):
            raise TypeError(f"{name}: expected a list, got {raw!r}")
        if origin is tuple and (len(args) != 2 or args[1] is not Ellipsis):
            if len(raw) != len(args):
                raise ValueError(f"{name}: expected {len(args)} values, got {len(raw)}")
            return tuple(_value(name, a, r) for a, r in zip(args, raw, strict=True))
        items = [_value(name, args[0], r) for r in raw]
        return origin(items)
    raise TypeError(f"{name}: cannot read a {kind!r}")


def _text(name: str, raw: object) -> str:
    if not isinstance(raw, str):
        raise TypeError(f"{name}: expected text, got {raw!r}")
    return raw
