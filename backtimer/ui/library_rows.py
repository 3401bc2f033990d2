"""The library's rows: one per routine (or its errors) and the work mode entry, and the
detail pane's text for each."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text

from backtimer.breaks.scheduler import BreakSettings
from backtimer.config import ConfigError
from backtimer.describe import work_text
from backtimer.routine.durations import duration_text, human
from backtimer.routine.library import RoutineEntry
from backtimer.routine.model import Routine
from backtimer.text import visible
from backtimer.timeline import compile
from backtimer.usecases.levels import level_notes
from backtimer.usecases.settings import Settings


@dataclass(frozen=True)
class Row:
    """One routine as the library shows it."""

    id: str
    name: str
    place: str
    exercises: str
    duration: str
    origin: str
    routine: Routine | None
    error: str  # every problem, one per line ("" when it loads)
    path: str = ""
    kind: str = "routine"  # "routine", or "work" for the work mode entry
    about: str = ""  # the work mode entry: its detail pane text

    @property
    def search_text(self) -> str:
        return f"{self.id} {self.name} {self.place} {self.origin}".lower()


def rough(seconds: float) -> str:
    """A routine's length as a person plans it, short enough for a narrow list: "50 s",
    "5 min", "22 min"."""
    if seconds < 60:
        return f"{round(seconds / 10) * 10:.0f} s"
    return f"{max(1, round(seconds / 60))} min"


def rows_from_entries(entries: list[RoutineEntry]) -> list[Row]:
    rows: list[Row] = []
    for entry in entries:
        routine = entry.routine
        rid = entry.id
        origin = entry.origin
        if routine is None:
            err = entry.error
            error = str(err or "could not be loaded")
            problems = err.problems if err is not None else []
            line = problems[0].line if problems else None
            at = f"line {line}" if line is not None else ""
            rows.append(Row(rid, rid, "", "", at, origin, None, error, str(entry.path)))
            continue
        timeline = compile(routine)
        about = "~" if timeline.has_estimates else ""
        rows.append(
            Row(
                id=rid,
                name=routine.name,
                place=routine.place,
                exercises=str(len(routine.exercises)),
                duration=about + rough(timeline.total),
                origin=origin,
                routine=routine,
                error="",
            )
        )
    return rows


WORK_ID = "⏰work"  # not a valid routine id, so it never clashes with one


def work_row(rows: list[Row], config: Settings) -> Row:
    """The library's "Work mode" entry, with the values of the [breaks] settings."""
    problem = ""
    config_path = str(config.path)
    try:
        settings = config.breaks
    except ConfigError as exc:
        settings, problem = BreakSettings(), str(exc)
    names = {r.id: r.name for r in rows if r.routine is not None}
    offered = [names.get(rid, rid) for rid in settings.routines]
    every = duration_text(settings.every)  # 2h, 1h30m, 45m: as config.toml writes it
    return Row(
        id=WORK_ID,
        name="⏰ Work mode",
        place="every",  # the row reads "⏰ Work mode  every  2h" and fits 50 columns
        exercises="",
        duration=every,
        origin="desk breaks",  # found by the filter too
        routine=None,
        error="",
        kind="work",
        about=work_about(settings, offered, problem, config_path),
    )


def work_about(
    settings: BreakSettings, offered: list[str], problem: str, config_path: str | None
) -> str:
    every = human(settings.every)
    snooze = human(settings.snooze)
    max_snoozes = settings.max_snoozes
    hours = settings.hours
    days = sorted(settings.days)
    when = "all day"
    if hours is not None:
        a, b = hours
        when = f"{a // 60:02d}:{a % 60:02d}-{b // 60:02d}:{b % 60:02d}"
    day_names = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    if days == list(range(7)):
        on = "every day"
    elif days == list(range(5)):
        on = "Mon-Fri"
    else:
        on = ", ".join(day_names[d] for d in days) or "no days"
    lines = [
        f"A break every {every} while you work: work mode counts down to it, then rings, "
        "notifies you and offers the break routine. Start runs it right here and comes back; "
        f"or snooze ({snooze}, up to {max_snoozes} times) or skip.",
        "",
        "Breaks: " + (", then ".join(offered) if offered else "(none set)"),
        f"Hours: {when}, {on}",
        "",
        f"Settings: [breaks] in {config_path or 'config.toml'}. `backtimer work` opens work "
        "mode directly; `backtimer status` prints the next break for a tmux status bar.",
    ]
    if problem:
        lines += ["", f"⚠ {problem} — using the default break settings."]
    lines += ["", "Enter opens work mode."]
    return "\n".join(lines)


def detail_text(row: Row, level: str = "current") -> Text:
    text = Text()

    def put(part: str, style: str = "") -> None:
        """Routine text, file names and errors: control characters shown visibly."""
        text.append(visible(part, keep="\n"), style=style)

    if row.kind == "work":
        put("Work mode — desk breaks\n", style="bold")
        put(row.about)
        return text
    if row.routine is None:
        put(f"⚠ {row.id} has errors and cannot start\n", style="bold")
        put(f"{row.path}\n\n", style="italic")
        put(row.error + "\n\n")
        put("Fix the file and restart backtimer, or run: backtimer validate " + row.id)
        return text
    r = row.routine
    put(r.name + "\n", style="bold")
    if r.description:
        put(r.description + "\n")
    meta = [r.place, f"{row.exercises} exercises", row.duration.replace("~", "about ")]
    if r.equipment:
        meta.append("needs " + ", ".join(r.equipment))
    if row.origin == "user":
        meta.append("your routine")
    put(" · ".join(meta) + "\n", style="italic")
    for caution in r.cautions:
        put("\n⚠ " + caution + "\n", style="bold")
    put("\n")
    current, levels = level_notes(r, level)  # growing exercises at the level reached (progression)
    for i, ex in enumerate(current.exercises, 1):
        put(f"{i}. {ex.name}", style="bold")
        put(f" — {work_text(ex)}\n")
        if i - 1 in levels:
            put(f"   ↗ {levels[i - 1]}\n", style="italic")
        if ex.caution:
            put(f"   ⚠ {ex.caution}\n")
    return text
