"""Routines: the model, the TOML loader and writer."""

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
