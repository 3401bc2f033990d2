"""argparse types shared by the commands: every number an option takes is bounded, so a
value such as `-n 99999999999999999999999` is a usage message, never an overflow further in.

    p.add_argument("-n", "--limit", type=bounded_int(1, 100_000), default=20)
"""

from __future__ import annotations

import argparse
from collections.abc import Callable


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
    return repr(short)
