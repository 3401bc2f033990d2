"""`backtimer validate PATH...`: check routine files and print every problem."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from backtimer import paths
from backtimer.routine.errors import RoutineError
from backtimer.routine.loader import load_file
from backtimer.text import visible
from backtimer.timeline import compile as compile_timeline
from backtimer.usecases.errors import UserError


def _expand(raw: list[str]) -> list[Path]:
    found: list[Path] = []
    for item in raw:
        try:
            path = paths.expand_user(item)
        except paths.PathError as exc:
            raise UserError(str(exc)) from None
        if path.is_dir():
            # everything but folders: a FIFO or device named x.toml is reported, not skipped
            found.extend(sorted(p for p in path.glob("*.toml") if not p.is_dir()))
        else:
            found.append(path)
    return found


def cmd_validate(args: argparse.Namespace) -> int:
    bad = 0
    files = _expand(args.paths)
    if not files:
        raise UserError(f"no .toml files in {visible(', '.join(args.paths))}")
    for path in files:
        if not path.exists():
            print(f"{visible(str(path))}: no such file")
            bad += 1
            continue
        try:
            routine = load_file(path)
            compile_timeline(routine)
        except RoutineError as exc:
            print(visible(str(exc), keep="\n"))
            bad += 1
            continue
        except Exception as exc:  # one bad file never stops the others being checked
            print(visible(f"{path}: cannot check this routine ({type(exc).__name__}: {exc})"))
            bad += 1
            continue
        print(f"ok  {visible(str(path))}")
    if bad and len(files) > 1:
        print(f"{bad} of {len(files)} files have problems", file=sys.stderr)
    return 1 if bad else 0
