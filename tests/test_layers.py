"""Layers: nothing outside backtimer/ui/ imports Textual, so the core, the CLI and the plain
runner start fast and work where Textual cannot."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import backtimer

PACKAGE = Path(backtimer.__file__).resolve().parent

# Everything below the UI. Only the modules that exist are imported (helpers add theirs).
CORE_MODULES = (
    "backtimer.routine",
    "backtimer.routine.library",
    "backtimer.timeline",
    "backtimer.describe",
    "backtimer.engine",
    "backtimer.events",
    "backtimer.session",
    "backtimer.paths",
    "backtimer.config",
    "backtimer.audio",
    "backtimer.history",
    "backtimer.breaks",
    "backtimer.cli.main",
    "backtimer.cli.inspect",
)

TEXTUAL_IMPORT = re.compile(r"^\s*(import textual\b|from textual\b)", re.MULTILINE)


def existing(modules: tuple[str, ...]) -> list[str]:
    return [m for m in modules if importlib.util.find_spec(m) is not None]


def test_core_and_cli_do_not_import_textual() -> None:
    modules = existing(CORE_MODULES)
    assert "backtimer.timeline" in modules and "backtimer.cli.main" in modules
    code = (
        "import sys\n"
        f"for name in {modules!r}:\n"
        "    __import__(name)\n"
        "from backtimer.cli.main import build_parser\n"
        "build_parser()\n"  # imports every command module
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"textual imported by the core: {result.stdout}"


def test_no_module_outside_ui_imports_textual() -> None:
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in sorted(PACKAGE.rglob("*.py"))
        if "ui" not in path.relative_to(PACKAGE).parts[:1]
        and TEXTUAL_IMPORT.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_pattern_catches_textual_imports() -> None:
    # guard against a check that can never fail
    assert TEXTUAL_IMPORT.search("from textual.app import App")
    assert TEXTUAL_IMPORT.search("    import textual")
    assert not TEXTUAL_IMPORT.search("from textualize import x")
