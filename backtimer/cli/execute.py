"""Run a parsed command: its exit status, and every way it can fail as one line on
stderr and an exit code, never a traceback (a fault of ours: one line naming a log)."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys

from backtimer.cli.command import Command
from backtimer.paths import PathError
from backtimer.text import visible
from backtimer.usecases.errors import UserError

# 128 + SIGPIPE: what `seq 1000000 | head -1` reports for seq, so a script (or
# `set -o pipefail`) can tell the output was cut short, with nothing printed.
EXIT_BROKEN_PIPE = 141


def execute(command: Command, args: argparse.Namespace) -> int:
    try:
        code = command.run(args)
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
