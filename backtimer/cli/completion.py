"""`backtimer completion bash|zsh|fish`: a completion script made from the command parser
itself (with shtab), so it always knows every command and option. Routine arguments
complete to the ids `backtimer list --ids` prints (built-in and your own) and .toml files."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from typing import Any

import shtab

from backtimer.cli.main import build_parser

# What a routine argument completes to, per shell (shtab's format: the shell's own
# completion function, and a preamble that defines it).
ROUTINES: dict[str, Any] = {
    "bash": "_backtimer_routines",
    "zsh": "_backtimer_routines",
    "fish": "(backtimer list --ids 2>/dev/null; __fish_complete_suffix .toml)",
    "preamble": {
        "bash": (
            "_backtimer_routines() {\n"
            '  compgen -W "$(backtimer list --ids 2>/dev/null)" -- "$1"\n'
            '  compgen -f -X "!*.toml" -- "$1"\n'
            '  compgen -d -S / -- "$1"\n'
            "}"
        ),
        "zsh": (
            "_backtimer_routines() {\n"
            "  local -a ids\n"
            '  ids=(${(f)"$(backtimer list --ids 2>/dev/null)"})\n'
            "  _describe -t routines 'routine' ids\n"
            "  _files -g '*.toml'\n"
            "}"
        ),
    },
}
# The arguments that name a routine, and those that name files, by their dest / metavar.
ROUTINE_DESTS = ("routine", "source")
FILE_METAVARS = ("PATH", "P")


def _actions(parser: argparse.ArgumentParser) -> Iterator[argparse.Action]:
    for action in parser._actions:  # argparse keeps them private; shtab reads them too
        yield action
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):
                yield from _actions(child)


def script(shell: str) -> str:
    parser = build_parser()
    for action in _actions(parser):
        if action.dest in ROUTINE_DESTS:
            action.complete = ROUTINES  # type: ignore[attr-defined]  # read by shtab
        elif action.metavar in FILE_METAVARS:
            action.complete = shtab.FILE  # type: ignore[attr-defined]
    text: str = shtab.complete(parser, shell=shell)
    return text


def run(args: argparse.Namespace) -> int:
    print(script(args.shell))
    return 0
