"""One way to declare a command: a one-line summary for `backtimer --help`, a description
and worked examples for `backtimer NAME --help` (tests/cli/test_cli_help.py checks every
command has both). And the argparse types the commands share: every number an option
takes is bounded, so `-n 99999999999999999999999` is a usage message, never an overflow
further in:

    p.add_argument("-n", "--limit", type=bounded_int(1, 100_000), default=20)
"""

from __future__ import annotations

import argparse
import re
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


def bounded_int(lo: int, hi: int, *, clamp: bool = False) -> Callable[[str], int]:
    """An argparse type: a whole number from lo to hi (inclusive). A number outside is a
    usage message, or with clamp=True the nearest bound (`history -n 99999999999999999999`
    shows every session). Text that is not a whole number is always a usage message."""

    def parse(text: str) -> int:
        word = text.strip()
        if not _WHOLE.fullmatch(word):
            raise argparse.ArgumentTypeError(
                f"expected a whole number {lo}-{hi}, got {_shown(text)}"
            )
        # beyond the bounds' digits it is out of range whatever it is: never converted
        digits = len(str(max(abs(lo), abs(hi)))) + 1
        if len(word.lstrip("+-").lstrip("0")) > digits:
            value = hi + 1 if not word.startswith("-") else lo - 1
        else:
            value = int(word)
        if lo <= value <= hi:
            return value
        if clamp:
            return max(lo, min(hi, value))
        shown = word if len(word) <= 30 else word[:30] + "…"
        raise argparse.ArgumentTypeError(f"expected a whole number {lo}-{hi}, got {shown}")

    parse.__name__ = "whole number"  # argparse names the type in its messages
    return parse


_WHOLE = re.compile(r"[+-]?[0-9]+")


def _shown(text: str) -> str:
    short = text if len(text) <= 30 else text[:30] + "…"
    return ascii(short) if not short.isprintable() else repr(short)
