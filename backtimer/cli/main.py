"""`backtimer` entry point: the parser from the commands' declarations
(backtimer.cli.commands), then the command's own code (backtimer.cli.execute).

Parsing loads argparse and the declarations only, so `--help`, `--version`, a usage
message and the shells' completion are as quick as the interpreter's own start; a
command's code is imported once its words parse."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from backtimer import __version__
from backtimer.cli.commands import BY_NAME, COMMANDS


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole parser, or with `only` (a command's name) the parser of that command
    alone: what `backtimer status` needs, without declaring the sixteen others."""
    parser = argparse.ArgumentParser(
        prog="backtimer",
        description="A terminal coach for back and neck exercise routines and desk breaks.",
    )
    parser.add_argument("--version", action="version", version=f"backtimer {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        if only is None or command.name == only:
            command.add_to(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    if not words:
        # No command: `backtimer run` with no routine opens the app's library.
        words = ["run"]
    if os.environ.get("BACKTIMER_SERVED_BY"):  # an app that `backtimer serve` started
        from backtimer.cli.serve import die_with_server  # noqa: PLC0415

        die_with_server()
    parser = build_parser(words[0] if words[0] in BY_NAME else None)
    args = parser.parse_args(words)
    # The words parse: now what runs the command (and turns its failures into one line).
    from backtimer.cli.execute import execute  # noqa: PLC0415 - not for --help or a typo

    return execute(BY_NAME[args.command], args)
