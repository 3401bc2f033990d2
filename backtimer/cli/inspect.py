"""`backtimer list`: every routine backtimer can run. `--ids` prints the ids from the file
names alone: the shells' completion runs it at each tab on a routine argument. The table
and `--json` load every routine (backtimer.cli.listing)."""

from __future__ import annotations

import argparse

from backtimer.routine.sources import known_ids
from backtimer.text import visible


def cmd_list(args: argparse.Namespace) -> int:
    if args.ids:
        for routine_id in known_ids():
            print(visible(routine_id))  # a file name: never a raw control character
        return 0
    # every routine loaded, and Rich for the table: not for the ids
    from backtimer.cli.listing import list_routines  # noqa: PLC0415

    return list_routines(as_json=args.json)
