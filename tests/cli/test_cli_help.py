"""`backtimer NAME --help` tells what a command is for and shows how to use it: a
description and examples that are real command lines (each one parses)."""

from __future__ import annotations

import re
import shlex

import pytest

from backtimer.cli.commands import BY_NAME
from backtimer.cli.main import build_parser, main


def help_text(name: str, capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as stopped:
        main([name, "--help"])
    assert stopped.value.code == 0
    return capsys.readouterr().out


def example_lines(text: str) -> list[str]:
    _, _, examples = text.partition("\nexamples:\n")
    return [line.split("  # ")[0].strip() for line in examples.splitlines() if line.strip()]


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_every_command_has_a_description_and_examples(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    text = help_text(name, capsys)
    usage, _, rest = text.partition("\n\n")
    assert usage.startswith(f"usage: backtimer {name}")
    description = rest.split("\n\n")[0]
    assert not description.startswith(("options:", "positional arguments:"))
    assert len(description.split()) >= 8, description
    examples = example_lines(text)
    assert examples, f"`backtimer {name} --help` shows no example"
    assert any(re.search(rf"\bbacktimer {name}\b", line) for line in examples)


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_every_example_is_a_command_line_backtimer_accepts(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    parser = build_parser()
    for line in example_lines(help_text(name, capsys)):
        # The backtimer part of the line: before a pipe or a redirection, or inside quotes.
        found = re.search(r"\bbacktimer\b[^|>)']*", line)
        assert found, line
        parser.parse_args(shlex.split(found.group())[1:])  # exits 2 on a wrong example
