"""Layers: every import of the package follows the table of docs/architecture.md, and
nothing outside backtimer/ui/ imports Textual, so the core, the CLI and the plain runner
start fast and work where Textual cannot."""

from __future__ import annotations

import ast
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import backtimer

PACKAGE = Path(backtimer.__file__).resolve().parent
ARCHITECTURE = Path(__file__).resolve().parents[1] / "docs" / "architecture.md"
# The one import that runs up: the CLI opens the app (inside these handlers, at run time).
LAUNCHERS = {"backtimer.cli.run": "handle", "backtimer.cli.work": "run_work"}

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
    "backtimer.usecases",
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


# ---- the table of docs/architecture.md ------------------------------------------------------


def allowed_imports() -> dict[str, set[str]]:
    """package -> the packages it may import, from the table's first and last columns."""
    table: dict[str, set[str]] = {}
    for line in ARCHITECTURE.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("| `") or len(cells) != 3:
            continue
        allowed = set(re.findall(r"`([a-z_]+)`", cells[2]))
        for name in re.findall(r"`([a-z_]+)`", cells[0]):
            table[name] = allowed
    return table


def package_of(module: str) -> str:
    """backtimer.routine.loader -> routine; backtimer.engine -> engine."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def module_files() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def imports_of(path: Path) -> list[tuple[str, str | None]]:
    """(imported backtimer module, the function it is imported in, or None at top level)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, str | None]] = []

    def visit(node: ast.AST, function: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            inner = function
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                inner = function or child.name
            if isinstance(child, ast.Import):
                found.extend((a.name, function) for a in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module and not child.level:
                found.append((child.module, function))
                found.extend((f"{child.module}.{a.name}", function) for a in child.names)
            visit(child, inner)

    visit(tree, None)
    modules = module_files()
    return [(m, f) for m, f in found if m in modules and m != "backtimer"]


def test_the_table_names_every_package() -> None:
    table = allowed_imports()
    packages = {package_of(m) for m in module_files()} - {"", "__main__"}
    assert packages == set(table), "docs/architecture.md and backtimer/ disagree on packages"


def test_every_import_follows_the_table_of_the_architecture_page() -> None:
    table = allowed_imports()
    wrong = []
    for module, path in module_files().items():
        here = package_of(module)
        if here in ("", "__main__"):
            continue
        for imported, function in imports_of(path):
            there = package_of(imported)
            if there in ("", here) or there in table[here]:
                if there == "ui" and here == "cli" and LAUNCHERS.get(module) != function:
                    wrong.append(f"{module} imports {imported} outside its launcher")
                continue
            wrong.append(f"{module} imports {imported}")
    assert wrong == []


def test_the_table_check_can_fail() -> None:
    # guard against a check that can never fail: the table forbids these arrows
    table = allowed_imports()
    assert "cli" not in table["ui"] and "ui" not in table["usecases"]
    assert "usecases" not in table["breaks"] and "audio" not in table["engine"]
    assert ("backtimer.ui.app", "handle") in imports_of(PACKAGE / "cli" / "run.py")
