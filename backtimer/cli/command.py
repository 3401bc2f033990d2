"""One way to declare a command: a one-line summary for `backtimer --help`, a description
and worked examples for `backtimer NAME --help` (tests/cli/test_cli_help.py checks every
command has both)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

Subparsers = Any  # argparse._SubParsersAction[ArgumentParser]: a private generic class


def add_command(
    sub: Subparsers,
    name: str,
    *,
    summary: str,
    description: str,
    examples: Sequence[tuple[str, str]],
) -> argparse.ArgumentParser:
    """A subcommand whose --help ends with `examples`: (command line, what it does)."""
    width = max(len(line) for line, _ in examples)
    epilog = "examples:\n" + "\n".join(
        f"  {line.ljust(width)}  # {what}" if what else f"  {line}" for line, what in examples
    )
    parser: argparse.ArgumentParser = sub.add_parser(
        name,
        help=summary,
        description=description,
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    return parser
