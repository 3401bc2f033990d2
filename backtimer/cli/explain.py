"""`backtimer show | plan`: a routine explained (no running): as a person reads it, in
wrapped text, or its compiled timeline, as columns or JSON."""

from __future__ import annotations

import argparse
import textwrap
from datetime import date
from typing import Any

from rich.text import Text

from backtimer.cli.columns import layout
from backtimer.cli.console import NARROW, new_console, total_text
from backtimer.describe import breath_text, open_note, rests_text, work_text
from backtimer.routine.durations import clock, human
from backtimer.routine.model import Routine, WorkKind
from backtimer.routine.progression import level_text
from backtimer.text import json_text, visible
from backtimer.timeline import Segment, Timeline
from backtimer.timeline import compile as compile_timeline
from backtimer.usecases.levels import at_level, levels_json
from backtimer.usecases.routines import find_entry

# Any: JSON values of several types (`plan --json`).

# Work that shows the breath pacer (paced and phased reps do not; self-paced sets leave it be).
PACER_KINDS = (WorkKind.HOLD, WorkKind.TIMED, WorkKind.MAX)


def _load(ref: str) -> Routine:
    routine = find_entry(ref).routine
    assert routine is not None
    return routine


# --- show ----------------------------------------------------------------------------------


def cmd_show(args: argparse.Namespace) -> int:

    entry = find_entry(args.routine)
    assert entry.routine is not None
    levels = at_level(entry.routine, args.level)  # progression (docs/authoring.md)
    routine = levels.routine
    grows = {lv.exercise_index: level_text(lv, date.today()) for lv in levels.levels}
    timeline = compile_timeline(routine)
    console = new_console()
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

    console = new_console()
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
