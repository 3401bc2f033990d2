"""`backtimer validate PATH...`: check routine files and print every problem."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from backtimer.routine.errors import RoutineError
from backtimer.routine.loader import load_file
from backtimer.timeline import compile as compile_timeline
from backtimer.usecases.errors import UserError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("validate", help="check routine files and print every problem")
    p.add_argument("paths", metavar="PATH", nargs="+", help=".toml files or folders of them")
    p.set_defaults(handler=cmd_validate)


def _expand(raw: list[str]) -> list[Path]:
    found: list[Path] = []
    for item in raw:
        path = Path(item).expanduser()
        if path.is_dir():
            found.extend(sorted(p for p in path.glob("*.toml") if p.is_file()))
        else:
            found.append(path)
    return found


def cmd_validate(args: argparse.Namespace) -> int:
    bad = 0
    files = _expand(args.paths)
    if not files:
        raise UserError(f"no .toml files in {', '.join(args.paths)}")
    for path in files:
        if not path.exists():
            print(f"{path}: no such file")
            bad += 1
            continue
        try:
            routine = load_file(path)
            compile_timeline(routine)
        except RoutineError as exc:
            print(exc)
            bad += 1
            continue
        print(f"ok  {path}")
    if bad and len(files) > 1:
        print(f"{bad} of {len(files)} files have problems", file=sys.stderr)
    return 1 if bad else 0
