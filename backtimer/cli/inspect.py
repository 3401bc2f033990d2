"""`backtimer list | show | plan | validate`: load, check and explain routines (no running).

Rich is imported lazily inside the handlers so `backtimer --help` stays quick."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backtimer import paths
from backtimer.cli.levels import add_level_argument
from backtimer.describe import breath_text, open_note, rests_text, work_text
from backtimer.routine.durations import clock, human
from backtimer.routine.library import discover
from backtimer.routine.loader import RoutineError, load_file
from backtimer.routine.model import WorkKind
from backtimer.routine.progression import level_text
from backtimer.timeline import compile as compile_timeline
from backtimer.usecases.errors import UserError
from backtimer.usecases.levels import at_level, levels_json
from backtimer.usecases.routines import find_entry

if TYPE_CHECKING:
    from rich.console import Console

    from backtimer.routine.model import Routine
    from backtimer.timeline import Segment, Timeline


# Work that shows the breath pacer (paced and phased reps do not; self-paced sets leave it be).
PACER_KINDS = (WorkKind.HOLD, WorkKind.TIMED, WorkKind.MAX)
NARROW = 72  # below this many columns, list and plan leave out their less needed columns


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("list", help="list the routines (built-in and your own)")
    p.add_argument("--json", action="store_true", help="print JSON for scripts")
    p.set_defaults(handler=cmd_list)

    p = sub.add_parser("show", help="show a routine as a person reads it")
    p.add_argument("routine", metavar="ID|PATH", help="a routine id or a path to a .toml file")
    add_level_argument(p)
    p.set_defaults(handler=cmd_show)

    p = sub.add_parser("plan", help="print a routine's compiled timeline")
    p.add_argument("routine", metavar="ID|PATH", help="a routine id or a path to a .toml file")
    p.add_argument("--json", action="store_true", help="print JSON (schema in docs/routines.md)")
    add_level_argument(p)
    p.set_defaults(handler=cmd_plan)

    p = sub.add_parser("validate", help="check routine files and print every problem")
    p.add_argument("paths", metavar="PATH", nargs="+", help=".toml files or folders of them")
    p.set_defaults(handler=cmd_validate)


def _console() -> Console:
    from rich.console import Console  # noqa: PLC0415

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            # Rich's own handler exits 1; let cli.main stop quietly like every command.
            self.quiet = True
            raise BrokenPipeError

    return _Console(highlight=False, soft_wrap=False)


def _load(ref: str) -> Routine:
    routine = find_entry(ref).routine
    assert routine is not None
    return routine


def total_text(timeline: Timeline, *, short: bool = False) -> str:
    """ "12 min" / "~12 min" (contains estimates); short rounds to whole minutes."""

    total = timeline.total
    text = human(round(total / 60) * 60) if short and total >= 60 else human(round(total))
    return f"~{text}" if timeline.has_estimates else text


# --- list ----------------------------------------------------------------------------------


def cmd_list(args: argparse.Namespace) -> int:

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
        if entry.routine is not None:
            timeline = compile_timeline(entry.routine)
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

    if args.json:
        print(json.dumps([{k: v for k, v in r.items() if k != "_total"} for r in rows], indent=2))
        return 0

    from rich.table import Table  # noqa: PLC0415
    from rich.text import Text  # noqa: PLC0415

    console = _console()
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
            cells = [Text(r["id"] + (" *" if mine else "")), Text(r["name"])]
            if not narrow:
                cells += [r["place"], str(r["exercises"])]
            cells.append(r["_total"])
        else:
            broken = True
            cells = [
                Text(f"{r['id']} !", style="bold red"),
                Text(f"broken: {r['error']}", style="red"),
            ]
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
        notes.append("! has errors: `backtimer validate PATH` lists them all.")
    for note in notes:
        console.print(note, style="dim", soft_wrap=True)
    return 0


# --- show ----------------------------------------------------------------------------------


def cmd_show(args: argparse.Namespace) -> int:
    from rich.text import Text  # noqa: PLC0415

    entry = find_entry(args.routine)
    assert entry.routine is not None
    levels = at_level(entry.routine, args.level)  # progression (docs/authoring.md)
    routine = levels.routine
    grows = {lv.exercise_index: level_text(lv, date.today()) for lv in levels.levels}
    timeline = compile_timeline(routine)
    console = _console()
    width = max(40, console.width)

    def para(text: str, style: str = "", first: str = "", rest: str = "") -> None:
        wrapped = textwrap.fill(
            text, width, initial_indent=first, subsequent_indent=rest or " " * len(first)
        )
        console.print(Text(wrapped, style=style))

    where = entry.origin if entry.origin != "path" else str(entry.path)
    title = Text.assemble((routine.name, "bold"), f"  ({routine.id}, {where})")
    console.print(title, soft_wrap=True)  # never break a path
    if routine.description:
        para(routine.description)
    para(f"place: {routine.place} · time: {total_text(timeline)}", "dim")
    para(f"equipment: {', '.join(routine.equipment) or 'none'}", "dim")
    if routine.cautions:
        console.print()
        console.print(Text("Cautions", style="bold yellow"))
        for caution in routine.cautions:
            para(caution, "yellow", first="  ! ")
    if routine.prepare > 0:
        console.print()
        para(f"Get ready: {human(routine.prepare)}", "dim")
    last = len(routine.exercises) - 1
    for i, ex in enumerate(routine.exercises):
        console.print()
        head = f"{i + 1}. "
        para(f"{head}{ex.name} — {work_text(ex)}", "bold", rest=" " * len(head))
        for step in ex.steps:
            para(step, first="   - ", rest="     ")
        note = open_note(ex)
        if note:
            para(f"({note})", "dim", first="   ")
        if ex.caution:
            para(ex.caution, "yellow", first="   ! ")
        breath = breath_text(ex.breath) if ex.kind in PACER_KINDS else ""
        if breath:
            para(breath, "dim", first="   ")
        rests = rests_text(ex, last=i == last)
        if rests:
            para(f"rests: {rests}", "dim", first="   ")
        if i in grows:
            para(f"progress: {grows[i]}", "dim", first="   ")
    console.print()
    total = human(round(timeline.total))
    if timeline.has_estimates:
        fixed = human(round(timeline.fixed_total))
        para(
            f"Total: about {total} (an estimate: {fixed} is timed; self-paced sets and "
            "open-ended holds are counted at a typical pace).",
            "bold",
        )
    else:
        para(f"Total: {total}", "bold")
    return 0


# --- plan ----------------------------------------------------------------------------------


def segment_json(seg: Segment) -> dict[str, Any]:
    return {
        "index": seg.index,
        "kind": seg.kind,
        "reason": seg.reason,
        "exercise": seg.exercise,
        "exercise_index": seg.exercise_index,
        "label": seg.label,
        "rep": seg.rep,
        "reps": seg.reps,
        "set": seg.set,
        "sets": seg.sets,
        "side": seg.side,
        "start": round(seg.start, 3),
        "duration": None if seg.duration is None else round(seg.duration, 3),
        "breath": seg.breath,
    }


def plan_json(routine: Routine, timeline: Timeline) -> dict[str, Any]:
    return {
        "id": routine.id,
        "name": routine.name,
        "total_seconds": round(timeline.total, 3),
        "segments": [segment_json(s) for s in timeline.segments],
    }


def cmd_plan(args: argparse.Namespace) -> int:

    base = _load(args.routine)
    reached = at_level(base)  # progression: the level the history has reached
    routine = base if args.level == "base" else reached.routine
    timeline = compile_timeline(routine)
    if args.json:
        data = plan_json(routine, timeline) | {"level": args.level, "levels": levels_json(reached)}
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0

    from rich.table import Table  # noqa: PLC0415
    from rich.text import Text  # noqa: PLC0415

    console = _console()
    narrow = console.width < NARROW
    table = Table(box=None, pad_edge=False, header_style="bold")
    if not narrow:
        table.add_column("#", justify="right", no_wrap=True)
    table.add_column("start", justify="right", no_wrap=True)
    table.add_column("secs", justify="right", no_wrap=True)
    table.add_column("what", ratio=1)
    if not narrow:
        table.add_column("rep", no_wrap=True)
        table.add_column("set", no_wrap=True)
        table.add_column("side", no_wrap=True)
    for seg in timeline.segments:
        secs = f"{seg.duration:g}" if seg.duration is not None else f"~{seg.estimate:g}"
        if seg.kind == "rest":
            what = f"{seg.label} ({seg.reason})"
        else:
            what = f"{seg.exercise}: {seg.label}"
        if seg.breath:
            what += f" [{seg.breath}]"
        rep = f"{seg.rep}/{seg.reps}" if seg.rep is not None and (seg.reps or 0) > 1 else ""
        between = seg.kind == "prepare" or seg.reason == "exercise"
        sets = f"{seg.set}/{seg.sets}" if seg.sets > 1 and not between else ""
        if narrow:
            if rep:
                what += f" {rep}"
            extra = [f"set {sets}" if sets else "", seg.side or ""]
            what = " · ".join([what, *(part for part in extra if part)])
            table.add_row(clock(seg.start), secs, Text(what))
        else:
            cells = [str(seg.index), clock(seg.start), secs, Text(what), rep, sets]
            table.add_row(*cells, Text(seg.side or ""))
    console.print(Text(f"{routine.name} ({routine.id}): {len(timeline.segments)} segments"))
    console.print(table)
    total = human(round(timeline.total))
    console.print(f"Total: {'about ' if timeline.has_estimates else ''}{total}")
    return 0


# --- validate ------------------------------------------------------------------------------


def _expand(raw: list[str]) -> list[Path]:
    found: list[Path] = []
    for item in raw:
        try:
            path = paths.expand_user(item)
        except paths.PathError as exc:
            raise UserError(str(exc)) from None
        if path.is_dir():
            found.extend(sorted(p for p in path.glob("*.toml") if p.is_file()))
        else:
            found.append(path)
    return found


def cmd_validate(args: argparse.Namespace) -> int:

    bad = 0
    files = _expand(args.paths)
    if not files:
        raise UserError(f"no .toml files in {', '.join(args.paths)}")
    for path in files:
        if not path.exists():
            print(f"{path}: no such file")
            bad += 1
            continue
        try:
            routine = load_file(path)
            compile_timeline(routine)
        except RoutineError as exc:
            print(exc)
            bad += 1
            continue
        print(f"ok  {path}")
    if bad and len(files) > 1:
        print(f"{bad} of {len(files)} files have problems", file=sys.stderr)
    return 1 if bad else 0
