"""One way to declare a command: a one-line summary for `backtimer --help`, a description
and worked examples for `backtimer NAME --help` (tests/test_cli_help.py checks every
command has both). And the argparse types the commands share: every number an option
takes is bounded, so `-n 99999999999999999999999` is a usage message, never an overflow
further in:

    p.add_argument("-n", "--limit", type=bounded_int(1, 100_000), default=20)
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
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


def bounded_int(lo: int, hi: int) -> Callable[[str], int]:
    """An argparse type: a whole number from lo to hi (inclusive)."""

    def parse(text: str) -> int:
        word = text.strip()
        # a bounded number has few digits: refuse long ones before converting them
        digits = len(str(max(abs(lo), abs(hi)))) + 1
        try:
            if len(word.lstrip("+-")) > digits:
                raise ValueError
            value = int(word)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected a whole number {lo}-{hi}, got {_shown(text)}"
            ) from None
        if not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"expected a whole number {lo}-{hi}, got {value}")
        return value

    parse.__name__ = "whole number"  # argparse names the type in its messages
    return parse


def _shown(text: str) -> str:
    short = text if len(text) <= 30 else text[:30] + "…"
    return ascii(short) if not short.isprintable() else repr(short)
