"""Layers: nothing outside backtimer/ui/ imports Textual, so the core, the CLI and the plain
runner start fast and work where Textual cannot."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import backtimer

PACKAGE = Path(backtimer.__file__).resolve().parent

# The pure core: nothing here may pull in an adapter (audio, history, breaks, cli, ui, session)
# or a terminal library.
PURE_CORE = (
    "backtimer.routine",
    "backtimer.routine.library",
    "backtimer.timeline",
    "backtimer.describe",
    "backtimer.engine",
    "backtimer.events",
    "backtimer.paths",
)
ABOVE_THE_CORE = (
    "backtimer.audio",
    "backtimer.history",
    "backtimer.breaks",
    "backtimer.cli",
    "backtimer.ui",
    "backtimer.session",
    "textual",
    "rich",
)

TEXTUAL_IMPORT = re.compile(r"^\s*(import textual\b|from textual\b)", re.MULTILINE)


def modules_outside_ui() -> list[str]:
    """Every module of the package except backtimer.ui.* and __main__ (which runs the app)."""
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[1:2] == ["ui"] or parts[-1] == "__main__":
            continue
        if parts[-1] == "__init__":
            parts.pop()
        names.append(".".join(parts))
    return names


def imported_after(modules: list[str]) -> tuple[list[str], dict[str, str]]:
    """Import `modules` in a fresh interpreter: (every module then loaded, failures)."""
    code = (
        "import json, sys\n"
        "failed = {}\n"
        f"for name in {modules!r}:\n"
        "    try:\n"
        "        __import__(name)\n"
        "    except Exception as exc:\n"
        "        failed[name] = repr(exc)\n"
        "print(json.dumps([sorted(sys.modules), failed]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stderr
    loaded, failed = json.loads(result.stdout.splitlines()[-1])
    return loaded, failed


def test_nothing_outside_ui_imports_textual() -> None:
    modules = modules_outside_ui()
    assert "backtimer.timeline" in modules and "backtimer.cli.main" in modules
    assert not any(m.startswith("backtimer.ui") for m in modules)
    loaded, failed = imported_after([*modules, "backtimer.cli.main"])
    assert failed == {}, f"modules that cannot be imported: {failed}"
    textual = [m for m in loaded if m == "textual" or m.startswith("textual.")]
    assert textual == [], "textual was imported outside backtimer/ui/"


def test_the_cli_parser_does_not_import_textual() -> None:
    code = (
        "import sys\n"
        "from backtimer.cli.main import build_parser\n"
        "build_parser()\n"  # imports every command module
        "print(any(m == 'textual' or m.startswith('textual.') for m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_the_pure_core_imports_nothing_above_it() -> None:
    modules = [m for m in PURE_CORE if importlib.util.find_spec(m) is not None]
    loaded, failed = imported_after(modules)
    assert failed == {}
    above = [m for m in loaded if any(m == a or m.startswith(a + ".") for a in ABOVE_THE_CORE)]
    assert above == [], f"the pure core pulls in: {above}"


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
