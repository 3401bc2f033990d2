"""`backtimer` entry point: argparse with one module per command group."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Sequence

from backtimer import __version__
from backtimer.paths import PathError
from backtimer.text import visible
from backtimer.usecases.errors import UserError

# Every command and the module that registers it (`register(subparsers)`). A command
# imports only its own module, so quick ones (`status`, `list`) stay quick; `--help`
# and the bare `backtimer` build the whole parser.
COMMANDS = {
    "list": "backtimer.cli.inspect",
    "show": "backtimer.cli.inspect",
    "plan": "backtimer.cli.inspect",
    "validate": "backtimer.cli.validate",
    "run": "backtimer.cli.run",
    "sound": "backtimer.cli.sound",
    "history": "backtimer.cli.history",
    "stats": "backtimer.cli.history",
    "work": "backtimer.cli.work",
    "status": "backtimer.cli.status",
    "pause": "backtimer.cli.pause",
    "resume": "backtimer.cli.pause",
    "new": "backtimer.cli.authoring",
    "edit": "backtimer.cli.authoring",
    "paths": "backtimer.cli.where",
    "completion": "backtimer.cli.completion",
    "serve": "backtimer.cli.serve",
}
COMMAND_MODULES = tuple(dict.fromkeys(COMMANDS.values()))


def build_parser(modules: Sequence[str] = COMMAND_MODULES) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="backtimer",
        description="A terminal coach for back and neck exercise routines and desk breaks.",
    )
    parser.add_argument("--version", action="version", version=f"backtimer {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in modules:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    if not words:
        # No command: `backtimer run` with no routine opens the app's library.
        words = ["run"]
    if os.environ.get("BACKTIMER_SERVED_BY"):  # an app that `backtimer serve` started
        from backtimer.cli.serve import die_with_server  # noqa: PLC0415

        die_with_server()
    only = COMMANDS.get(words[0])
    parser = build_parser((only,) if only else COMMAND_MODULES)
    args = parser.parse_args(words)
    try:
        code = int(args.handler(args) or 0)
        sys.stdout.flush()  # a closed pipe shows up here, not in the interpreter's last flush
        return code
    except UserError as exc:
        # a message may quote a routine's name, a file name or a stored value
        message = visible(str(exc), keep="\n")
        print(f"backtimer: {message}", file=sys.stderr)
        return exc.code
    except PathError as exc:  # e.g. $BACKTIMER_DATA_DIR=~nosuchuser/...
        print(f"backtimer: {visible(str(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("backtimer: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return _stdout_closed()
    except Exception as exc:  # a fault of ours: a log file and one line, never a traceback
        from backtimer.usecases.crash import report_crash  # noqa: PLC0415 - only then

        return report_crash(exc)


# 128 + SIGPIPE: what `seq 1000000 | head -1` reports for seq, so a script (or
# `set -o pipefail`) can tell the output was cut short, with nothing printed.
EXIT_BROKEN_PIPE = 141


def _stdout_closed() -> int:
    """The reader went away (`backtimer list | head -1`): stop quietly."""
    silence_stdout()
    return EXIT_BROKEN_PIPE


def silence_stdout() -> None:
    """After the reader of standard output went away: the recipe of the Python docs
    ("signal - Note on SIGPIPE"), point stdout at /dev/null so the interpreter's final
    flush of what is still buffered does not raise again and print "Exception ignored ...
    BrokenPipeError" on the way out."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
