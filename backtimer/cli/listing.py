"""`backtimer list` as a table (Rich) or JSON: every routine backtimer can run, loaded."""

from __future__ import annotations

import json
from typing import Any

from rich.table import Table
from rich.text import Text

from backtimer import paths
from backtimer.cli.console import NARROW, new_console, total_text
from backtimer.routine.library import discover
from backtimer.text import visible
from backtimer.timeline import compile as compile_timeline

# Any: JSON values of several types (`list --json`).


def list_routines(*, as_json: bool) -> int:
    rows: list[dict[str, Any]] = []
    for entry in discover():
        row: dict[str, Any] = {
            "id": entry.id,
            "name": None,
            "place": None,
            "exercises": None,
            "total_seconds": None,
            "estimated": None,
            "origin": entry.origin,
            "path": str(entry.path),
            "error": None,
            "_total": "",
        }
        timeline = None
        if entry.routine is not None:
            try:
                timeline = compile_timeline(entry.routine)
            except Exception as exc:  # one bad routine never breaks the list
                row["error"] = f"{entry.path}: cannot compile ({type(exc).__name__}: {exc})"
        if entry.routine is not None and timeline is not None:
            row.update(
                name=entry.routine.name,
                place=entry.routine.place,
                exercises=len(entry.routine.exercises),
                total_seconds=round(timeline.total, 3),
                estimated=timeline.has_estimates,
                _total=total_text(timeline, short=True),
            )
        elif entry.error is not None:
            row["error"] = str(entry.error).splitlines()[0] if str(entry.error) else "invalid"
        rows.append(row)

    if as_json:
        print(json.dumps([{k: v for k, v in r.items() if k != "_total"} for r in rows], indent=2))
        return 0

    console = new_console()
    if not rows:
        console.print(
            f"No routines found (built-in: {paths.builtin_routines_dir()}, "
            f"yours: {paths.user_routines_dir()})."
        )
        return 0
    # At 80 columns and more every column; in a half-width pane the ones people need most.
    narrow = console.width < NARROW
    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column("id", no_wrap=True)
    table.add_column("name", ratio=1, min_width=12)
    if not narrow:
        table.add_column("place", no_wrap=True)
        table.add_column("ex.", justify="right", no_wrap=True)
    table.add_column("time", justify="right", no_wrap=True)
    if not narrow:
        table.add_column("from", no_wrap=True)
    broken = False
    for r in rows:
        cells: list[Text | str]
        if r["error"] is None:
            mine = narrow and r["origin"] == "user"
            cells = [Text(visible(r["id"]) + (" *" if mine else "")), Text(visible(r["name"]))]
            if not narrow:
                cells += [r["place"], str(r["exercises"])]
            cells.append(r["_total"])
        else:
            broken = True
            # Piped or redirected, a wrapped cell would split the problem over lines: the
            # table says where it is, and the problem follows on one line of its own.
            problem = (
                f"broken: {visible(r['error'])}" if console.is_terminal else "broken: see below"
            )
            cells = [Text(f"{visible(r['id'])} !", style="bold red"), Text(problem, style="red")]
            cells += ["", "", ""] if not narrow else [""]
        if not narrow:
            cells.append(r["origin"])
        table.add_row(*cells)
    console.print(table)
    notes = []
    if any(r["estimated"] for r in rows):
        notes.append("~ includes estimates for self-paced sets and open-ended holds.")
    if narrow and any(r["origin"] == "user" for r in rows):
        notes.append(f"* yours, from {paths.user_routines_dir()}")
    if broken:
        if not console.is_terminal:
            for r in rows:
                if r["error"] is not None:
                    line = visible(f"{r['id']}: {r['error']}")
                    console.print(Text(line, style="red"), soft_wrap=True)
        notes.append("! has errors: `backtimer validate PATH` lists them all.")
    for note in notes:
        console.print(note, style="dim", soft_wrap=True)
    return 0
