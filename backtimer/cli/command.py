"""One way to declare a command (`Command`): a one-line summary for `backtimer --help`, a
description and worked examples for `backtimer NAME --help` (tests/cli/test_cli_help.py
checks every command has both), its arguments, and the function that runs it. And the
argparse types the commands share: every number an option takes is bounded, so
`-n 99999999999999999999999` is a usage message, never an overflow further in:

    p.add_argument("-n", "--limit", type=bounded_int(1, 100_000), default=20)

The standard library only, and of it only what argparse loads itself: `backtimer --help`,
`--version` and the shells' completion build the parser from these declarations alone.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import re
import sys
from collections.abc import Callable, Sequence
from types import TracebackType

Arguments = Callable[[argparse.ArgumentParser], None]
Runner = Callable[[argparse.Namespace], "int | None"]


def no_arguments(parser: argparse.ArgumentParser) -> None:
    """For a command that takes none (`backtimer resume`)."""


class Command:
    """A subcommand of `backtimer`.

    `arguments` adds its options and positionals to its parser: argparse calls and small
    pure modules only, so that parsing the command line loads none of the command's code.
    `runner` names the function that runs it, "module:function", imported only when the
    command runs (`backtimer list` loads the routines; `backtimer --help` does not).
    """

    __slots__ = ("arguments", "description", "examples", "name", "runner", "summary")

    def __init__(
        self,
        name: str,
        *,
        summary: str,
        description: str,
        examples: Sequence[tuple[str, str]],
        runner: str,
        arguments: Arguments = no_arguments,
    ) -> None:
        self.name = name
        self.summary = summary
        self.description = description
        self.examples = tuple(examples)
        self.runner = runner
        self.arguments = arguments

    def __repr__(self) -> str:
        return f"Command({self.name!r}, runner={self.runner!r})"

    def add_to(self, sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
        """Its parser, whose --help ends with the examples: (command line, what it does)."""
        width = max(len(line) for line, _ in self.examples)
        epilog = "examples:\n" + "\n".join(
            f"  {line.ljust(width)}  # {what}" if what else f"  {line}"
            for line, what in self.examples
        )
        parser = sub.add_parser(
            self.name,
            help=self.summary,
            description=self.description,
            epilog=epilog,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        self.arguments(parser)

    def run(self, args: argparse.Namespace) -> int:
        """Import the runner's module and run it: its exit status."""
        module, _, function = self.runner.partition(":")
        with importing():
            runner: Runner = getattr(importlib.import_module(module), function)
        return int(runner(args) or 0)


class importing:  # used as `with importing():`, like a function
    """A command's code imported out of the cyclic garbage collector's way. Imports create
    objects that live as long as the process (modules, classes, functions): the collector
    would walk them all as they are made and at every full collection after, and find
    nothing to free (~7% of `backtimer run ID`'s first frame, ~14 ms of one full
    collection). So it is paused meanwhile, and when modules were loaded what exists then
    is moved to the permanent generation (gc.freeze(), as the Python documentation advises
    before a fork) before it runs again."""

    def __enter__(self) -> None:
        self.enabled = gc.isenabled()
        self.modules = len(sys.modules)
        gc.disable()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if len(sys.modules) != self.modules:  # code was loaded (run again in-process: none)
            gc.freeze()
        if self.enabled:
            gc.enable()


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
