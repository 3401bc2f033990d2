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
from backtimer.cli.command import add_command
from backtimer.cli.levels import add_level_argument
from backtimer.describe import breath_text, open_note, rests_text, work_text
from backtimer.routine.durations import clock, human
from backtimer.routine.library import discover
from backtimer.routine.loader import RoutineError, load_file
from backtimer.routine.model import WorkKind
from backtimer.routine.progression import level_text
from backtimer.text import json_text, visible
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
    p = add_command(
        sub,
        "list",
        summary="list the routines (built-in and your own)",
        description=(
            "Every routine backtimer can run: id, name, place, exercises, time and where it "
            "comes from. Your own routines (in your routines folder) replace built-ins of the "
            "same id; a routine with errors is marked ! and still listed."
        ),
        examples=[
            ("backtimer list", ""),
            ("backtimer list --json | jq -r '.[].id'", "the ids, for scripts"),
        ],
    )
    p.add_argument("--json", action="store_true", help="print JSON for scripts")
    p.add_argument("--ids", action="store_true", help="only the ids, one a line (for scripts)")
    p.set_defaults(handler=cmd_list)

    p = add_command(
        sub,
        "show",
        summary="show a routine as a person reads it",
        description=(
            "A routine's exercises, how each is worked (hold 3 s x 10, each side), its steps "
            "and cautions, and its total time; --level base shows the values as written, "
            "before your history grows them."
        ),
        examples=[
            ("backtimer show neck", ""),
            ("backtimer show back-strength --level base", "as written, not grown"),
            ("backtimer show ./evening.toml", "a file by its path"),
        ],
    )
    p.add_argument("routine", metavar="ID|PATH", help="a routine id or a path to a .toml file")
    add_level_argument(p)
    p.set_defaults(handler=cmd_show)

    p = add_command(
        sub,
        "plan",
        summary="print a routine's compiled timeline",
        description=(
            "Every segment the timer will run, in order, with its start and length: get "
            "ready, each hold, rep, side and rest. --json for scripts."
        ),
        examples=[
            ("backtimer plan neck", ""),
            ("backtimer plan office-chair --json", "schema in docs/routines.md"),
        ],
    )
    p.add_argument("routine", metavar="ID|PATH", help="a routine id or a path to a .toml file")
    p.add_argument("--json", action="store_true", help="print JSON (schema in docs/routines.md)")
    add_level_argument(p)
    p.set_defaults(handler=cmd_plan)

    p = add_command(
        sub,
        "validate",
        summary="check routine files and print every problem",
        description=(
            "Check routine files (or every .toml in a folder) and print each problem with "
            "its file, line and field. Exit status 0 when all are valid, 1 otherwise."
        ),
        examples=[
            ("backtimer validate ./evening.toml", ""),
            ("backtimer validate ~/.config/backtimer/routines/", "a whole folder"),
        ],
    )
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
    if args.ids:
        for entry in discover():
            print(visible(entry.id))  # a file name: never a raw control character
        return 0

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
            visible(text, keep="\n\t"),  # fill() turns the newlines and tabs into spaces
            width,
            initial_indent=first,
            subsequent_indent=rest or " " * len(first),
        )
        console.print(Text(wrapped, style=style))

    where = entry.origin if entry.origin != "path" else str(entry.path)
    title = Text.assemble(
        (visible(routine.name), "bold"), f"  ({visible(routine.id)}, {visible(where)})"
    )
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
        print(json_text(data))
        return 0

    from rich.text import Text  # noqa: PLC0415

    from backtimer.cli.columns import layout  # noqa: PLC0415

    console = _console()
    narrow = console.width < NARROW
    rows: list[list[str]] = []
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
            rows.append([clock(seg.start), secs, visible(what)])
        else:
            cells = [str(seg.index), clock(seg.start), secs, visible(what), rep, sets]
            rows.append([*cells, visible(seg.side or "")])
    if narrow:
        header, right, flex = ["start", "secs", "what"], frozenset({0, 1}), 2
    else:
        header, right, flex = (
            ["#", "start", "secs", "what", "rep", "set", "side"],
            frozenset({0, 1, 2}),
            3,
        )
    head, *body = layout(header, rows, width=console.width, right=right, flex=flex)
    title = f"{visible(routine.name)} ({visible(routine.id)}): {len(timeline.segments)} segments"
    console.print(Text(title))
    console.print(Text(head, style="bold"), soft_wrap=True)
    if body:  # laid out already: written as it is (Rich would measure it all again)
        console.file.write("\n".join(body) + "\n")
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
            # everything but folders: a FIFO or device named x.toml is reported, not skipped
            found.extend(sorted(p for p in path.glob("*.toml") if not p.is_dir()))
        else:
            found.append(path)
    return found


def cmd_validate(args: argparse.Namespace) -> int:

    bad = 0
    files = _expand(args.paths)
    if not files:
        raise UserError(f"no .toml files in {visible(', '.join(args.paths))}")
    for path in files:
        if not path.exists():
            print(f"{visible(str(path))}: no such file")
            bad += 1
            continue
        try:
            routine = load_file(path)
            compile_timeline(routine)
        except RoutineError as exc:
            print(visible(str(exc), keep="\n"))
            bad += 1
            continue
        except Exception as exc:  # one bad file never stops the others being checked
            print(visible(f"{path}: cannot check this routine ({type(exc).__name__}: {exc})"))
            bad += 1
            continue
        print(f"ok  {visible(str(path))}")
    if bad and len(files) > 1:
        print(f"{bad} of {len(files)} files have problems", file=sys.stderr)
    return 1 if bad else 0
