"""`backtimer paths`: where this user's routines, settings, history, logs and cache are."""

from __future__ import annotations

import argparse
from pathlib import Path

from backtimer import paths
from backtimer.breaks.state import state_file
from backtimer.text import json_text, visible


def where() -> dict[str, Path]:
    """Every place, by a stable name (the --json keys)."""
    return {
        "routines": paths.user_routines_dir(),
        "config": paths.config_file(),
        "history": paths.history_db(),
        "break_schedule": state_file(),
        "logs": paths.logs_dir(),
        "cache": paths.cache_dir(),
        "builtin_routines": paths.builtin_routines_dir(),
    }


LABELS = {
    "routines": "your routines",
    "config": "config file",
    "history": "history database",
    "break_schedule": "break schedule",
    "logs": "logs",
    "cache": "cache",
    "builtin_routines": "built-in routines",
}


def run(args: argparse.Namespace) -> int:
    places = where()
    if args.json:
        print(json_text({name: str(path) for name, path in places.items()}))
        return 0
    width = max(len(label) for label in LABELS.values())
    for name, path in places.items():
        shown = visible(str(path)) + ("/" if path.is_dir() else "")
        note = "" if path.exists() else "  (not there yet)"
        print(f"{LABELS[name].ljust(width)}  {shown}{note}")
    return 0
