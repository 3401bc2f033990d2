"""`backtimer` entry point: argparse with one module per command group."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from backtimer import __version__

# Modules that provide `register(subparsers)`. A module that is not written yet is skipped.
COMMAND_MODULES = (
    "backtimer.cli.inspect",  # list, show, plan, validate
    "backtimer.cli.run",  # run (TUI and --plain)
    "backtimer.cli.sound",  # sound --check
    "backtimer.cli.history",  # history, stats
    "backtimer.cli.work",  # work, status
    "backtimer.cli.authoring",  # new, edit
)


class UserError(Exception):
    """A mistake of the user's (bad routine, bad config, unknown id): printed, exit code 1/2."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


# Commands that need only their own module (no other command is imported): fast to start.
SINGLE_MODULE = {"history": "backtimer.cli.history", "stats": "backtimer.cli.history"}


def build_parser(modules: Sequence[str] = COMMAND_MODULES) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="backtimer",
        description="A terminal coach for back and neck exercise routines and desk breaks.",
    )
    parser.add_argument("--version", action="version", version=f"backtimer {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in modules:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    if list(sys.argv[1:] if argv is None else argv) == ["status"]:
        # Fast path for tmux status bars and prompts (< 150 ms): skip loading every command.
        from backtimer.cli.work import fast_status  # noqa: PLC0415

        return fast_status()
    words = list(sys.argv[1:] if argv is None else argv)
    only = SINGLE_MODULE.get(words[0]) if words else None
    parser = build_parser((only,) if only else COMMAND_MODULES)
    args = parser.parse_args(argv)
    if args.command is None:
        # No command: `backtimer run` with no routine opens the app's library.
        if not _registered(parser, "run"):
            parser.print_help()
            return 0
        args = parser.parse_args(["run"])
    try:
        return int(args.handler(args) or 0)
    except UserError as exc:
        print(f"backtimer: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("backtimer: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def _registered(parser: argparse.ArgumentParser, command: str) -> bool:
    for action in parser._subparsers._group_actions if parser._subparsers else ():
        if isinstance(action, argparse._SubParsersAction) and command in action.choices:
            return True
    return False
