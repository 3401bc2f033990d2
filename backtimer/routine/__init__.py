"""Routines: the model, the TOML loader and writer.

The names below load on first use (PEP 562), so that importing one small submodule
(`backtimer.routine.durations`, which the config reader needs) does not also import the
loader and build the model's dataclasses: `backtimer status` reads the config on every
tmux status refresh.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from backtimer.routine.errors import Problem, RoutineError
    from backtimer.routine.loader import load_bytes, load_file, load_text
    from backtimer.routine.model import (
        Breath,
        Defaults,
        Exercise,
        Phase,
        Progress,
        Routine,
        WorkKind,
    )

_HOME = {
    "Problem": "errors",
    "RoutineError": "errors",
    "load_bytes": "loader",
    "load_file": "loader",
    "load_text": "loader",
    "Breath": "model",
    "Defaults": "model",
    "Exercise": "model",
    "Phase": "model",
    "Progress": "model",
    "Routine": "model",
    "WorkKind": "model",
}

__all__ = [
    "Breath",
    "Defaults",
    "Exercise",
    "Phase",
    "Problem",
    "Progress",
    "Routine",
    "RoutineError",
    "WorkKind",
    "load_bytes",
    "load_file",
    "load_text",
]


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module 'backtimer.routine' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"backtimer.routine.{module}"), name)
    globals()[name] = value
    return value
