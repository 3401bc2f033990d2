"""Every `backtimer` command, in the order `backtimer --help` lists them: what its help
says, its arguments, and the function that runs it (`module:function`, imported only when
the command runs; each module's docstring tells what the command does).

This module is the whole command line's grammar and stays light: argparse, and nothing of
what the commands do. `backtimer --help`, `--version`, `backtimer NAME --help`, a usage
message and the completion script (made from this parser by `backtimer completion`) load
no routine, database, sound or Textual (tests/cli/test_cli_startup.py).

A few words the grammar shares with the code that reads the values are written here again
rather than imported with that code; tests/cli/test_cli_startup.py checks they agree.
"""

from __future__ import annotations

import argparse

from backtimer.cli.command import Command, bounded_int

# `--level`: backtimer.usecases.levels.LEVELS
LEVELS = ("current", "base")
# `work --notify`: backtimer.breaks.model.NOTIFY_CHOICES (its [breaks] notify key)
NOTIFY_CHOICES = ("auto", "notify-send", "osc9", "osc777", "bell", "off")
# `pause HOW_LONG`: backtimer.breaks.pause.EXAMPLES (what its messages ask for)
PAUSE_EXAMPLES = '"30m", "2h", "until 14:30" or "tomorrow"'

MAX_LIMIT = 100_000  # `history -n`: sessions in the table (--all shows every one)
SHELLS = ("bash", "zsh", "fish")  # `completion SHELL`

COMPLETION_INSTALL = """\
Add this to your shell's start-up file, then open a new shell:

  bash  (~/.bashrc)                   eval "$(backtimer completion bash)"
  zsh   (~/.zshrc, after compinit)    eval "$(backtimer completion zsh)"
  fish  (~/.config/fish/config.fish)  backtimer completion fish | source
"""


# --- arguments the commands share ---------------------------------------------------------


def _routine(p: argparse.ArgumentParser) -> None:
    p.add_argument("routine", metavar="ID|PATH", help="a routine id or a path to a .toml file")


def _level(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--level",
        choices=LEVELS,
        default="current",
        help="current: exercises that progress run at the level your history has reached "
        "(default); base: the values written in the routine",
    )


# --- routines: list, show, plan, validate (backtimer.cli.inspect, .explain, .validate) ----


def _list_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print JSON for scripts")
    p.add_argument("--ids", action="store_true", help="only the ids, one a line (for scripts)")


LIST = Command(
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
    arguments=_list_arguments,
    runner="backtimer.cli.inspect:cmd_list",
)


def _show_arguments(p: argparse.ArgumentParser) -> None:
    _routine(p)
    _level(p)


SHOW = Command(
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
    arguments=_show_arguments,
    runner="backtimer.cli.explain:cmd_show",
)


def _plan_arguments(p: argparse.ArgumentParser) -> None:
    _routine(p)
    p.add_argument("--json", action="store_true", help="print JSON (schema in docs/routines.md)")
    _level(p)


PLAN = Command(
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
    arguments=_plan_arguments,
    runner="backtimer.cli.explain:cmd_plan",
)


def _validate_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", metavar="PATH", nargs="+", help=".toml files or folders of them")


VALIDATE = Command(
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
    arguments=_validate_arguments,
    runner="backtimer.cli.validate:cmd_validate",
)

# --- run, sound (backtimer.cli.run, backtimer.cli.sound) ----------------------------------


def _run_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("routine", nargs="?", metavar="ID|PATH", help="routine id or .toml file")
    p.add_argument(
        "--plain",
        action="store_true",
        help="no full-screen app: one line per event, for screen readers, SSH and scripts",
    )
    p.add_argument(
        "--auto",
        action="store_true",
        help="with --plain: skip self-paced sets and open-ended holds instead of waiting",
    )
    p.add_argument("--no-sound", action="store_true", help="no cue sounds")
    p.add_argument(
        "--voice",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="speak: say each exercise, rest, switch and the 3-2-1 (espeak-ng); "
        "--no-voice: cues only (default: [voice] enabled in config.toml)",
    )
    _level(p)


RUN = Command(
    "run",
    summary="run a routine (the full-screen app, or --plain for lines of text)",
    description=(
        "Run a routine by id (see `backtimer list`) or by path to a .toml file. Without a "
        "routine, the app opens on the library."
    ),
    examples=[
        ("backtimer run", "the library: pick a routine"),
        ("backtimer run neck", ""),
        ("backtimer run office-chair --plain", "lines of text, for SSH and screen readers"),
    ],
    arguments=_run_arguments,
    runner="backtimer.cli.run:handle",
)


def _sound_arguments(p: argparse.ArgumentParser) -> None:
    group = p.add_mutually_exclusive_group()
    group.add_argument(
        "--check",
        action="store_true",
        help="show the backend, play every cue by name, then say a test phrase (the default)",
    )
    group.add_argument("--play", metavar="NAME", help="play one cue, e.g. go, rest, switch")
    group.add_argument("--list", action="store_true", help="list the cues and their files")


SOUND = Command(
    "sound",
    summary="check the sound set-up and play cues",
    description="Show which sound backend is used (and why the better ones are not), "
    "and play cues by name.",
    examples=[
        ("backtimer sound", "the backend, then every cue"),
        ("backtimer sound --play switch", ""),
    ],
    arguments=_sound_arguments,
    runner="backtimer.cli.sound:run",
)

# --- history, stats (backtimer.cli.history) -----------------------------------------------


def _history_arguments(p: argparse.ArgumentParser) -> None:
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="export every session, exercise and break")
    fmt.add_argument(
        "--csv", action="store_true", help="export every exercise result (one row each) as CSV"
    )
    p.add_argument(
        "-n",
        "--limit",
        type=bounded_int(1, MAX_LIMIT, clamp=True),
        default=20,
        help=f"sessions in the table (default 20, at most {MAX_LIMIT})",
    )
    p.add_argument("--all", action="store_true", help="show every session in the table")


HISTORY = Command(
    "history",
    summary="recent sessions; --json / --csv export everything",
    description="Recent sessions: date, routine, status, minutes, exercises done / planned.",
    examples=[
        ("backtimer history", "the last 20 sessions"),
        ("backtimer history --all", ""),
        ("backtimer history --csv > history.csv", "every exercise, for a spreadsheet"),
    ],
    arguments=_history_arguments,
    runner="backtimer.cli.history:history_command",
)


def _stats_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print the numbers as JSON")


STATS = Command(
    "stats",
    summary="this week and the last 4 weeks: sessions, minutes, breaks, streaks, bests",
    description="Sessions, minutes, breaks taken vs due, streaks and hold bests.",
    examples=[("backtimer stats", ""), ("backtimer stats --json", "for scripts")],
    arguments=_stats_arguments,
    runner="backtimer.cli.history:stats_command",
)

# --- desk breaks: work, status, pause, resume (backtimer.cli.work, .status, .pause) -------


def _work_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--no-sound", action="store_true", help="no sounds (the bell still rings)")
    p.add_argument(
        "--voice",
        action=argparse.BooleanOptionalAction,
        default=None,
        help='say the reminder ("Time for a break: office chair, three minutes") and speak '
        "during the break routine; --no-voice: cues only (default: [voice] enabled)",
    )
    p.add_argument("--every", metavar="DURATION", help='time between breaks, "10m".."4h"')
    p.add_argument("--snooze", metavar="DURATION", help='snooze length (default "10m")')
    p.add_argument(
        "--routine",
        metavar="ID",
        action="append",
        help="routine to offer (repeat for a rotation; default: office-chair, neck)",
    )
    p.add_argument("--hours", metavar="HH:MM-HH:MM", help='working hours, or "any"')
    p.add_argument(
        "--days", metavar="DAYS", help='working days: "mon-fri", "mon,wed,fri" or "every day"'
    )
    p.add_argument(
        "--first",
        metavar="DURATION",
        help='the first break after this long ("30s" to try it), then the usual interval',
    )
    p.add_argument("--notify", metavar="HOW", help=", ".join(NOTIFY_CHOICES))
    p.add_argument(
        "--check-idle",
        action="store_true",
        help="print which away and meeting sources answer on this desktop, and exit",
    )


WORK = Command(
    "work",
    summary="work mode: remind me to take a break every 2 hours and run the office routine",
    description=(
        "Leave this running (e.g. in a tmux pane). It counts down to the next break, "
        "reminds you (sound, bell, notification) and runs the break routine. It sees when "
        "you are away or in a meeting, and counts routines run anywhere as breaks. "
        "Settings: the [breaks] table of config.toml; options override them and are "
        "checked like them. One work mode runs per data folder."
    ),
    examples=[
        ("backtimer work --first 30s --hours any --days mon-sun", "try it in a minute"),
        ("backtimer work", ""),
        ("backtimer work --every 90m --routine neck", ""),
        ("backtimer work --hours 08:30-17:00 --days mon-fri", "only in working hours"),
        ("backtimer work --check-idle", "which away and meeting sources work here"),
    ],
    arguments=_work_arguments,
    runner="backtimer.cli.work:run_work",
)


def _status_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--json", action="store_true", help="the state as one JSON object (docs/breaks.md)"
    )


STATUS = Command(
    "status",
    summary="one line for prompts and tmux: 'break in 1h12m', 'break due', 'off hours'",
    description=(
        "Where work mode's break schedule stands, in one short line, read from the saved "
        "schedule (work mode need not run in this terminal). Quick enough for a prompt or "
        "a tmux status line. --json gives the state for scripts (docs/breaks.md)."
    ),
    examples=[
        ("backtimer status", ""),
        ("backtimer status --json", "state, due_at, seconds_left, routine, ... for scripts"),
        ("tmux set -g status-right '#(backtimer status)'", "in tmux's status line"),
    ],
    arguments=_status_arguments,
    runner="backtimer.cli.status:run_status",
)


def _pause_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("length", nargs="+", metavar="HOW_LONG", help=PAUSE_EXAMPLES)


PAUSE = Command(
    "pause",
    summary='pause the break reminders: "30m", "2h", "until 14:30", "tomorrow"',
    description=(
        "No break reminders until the pause ends; then the clock starts afresh. A running "
        "work mode takes it within a second; otherwise work mode starts paused. "
        f"HOW LONG: {PAUSE_EXAMPLES} (a length from 1m to 24h)."
    ),
    examples=[
        ("backtimer pause 30m", ""),
        ("backtimer pause 2h", ""),
        ("backtimer pause until 14:30", "the next 14:30 on the local clock"),
        ("backtimer pause tomorrow", "until working hours begin on the next working day"),
    ],
    arguments=_pause_arguments,
    runner="backtimer.cli.pause:run_pause",
)

RESUME = Command(
    "resume",
    summary="end a pause of the break reminders now",
    description="End a pause now; the next break is the usual interval away.",
    examples=[("backtimer resume", "")],
    runner="backtimer.cli.pause:run_resume",
)

# --- your own routines: new, edit (backtimer.cli.authoring) -------------------------------


def _new_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("id", metavar="ID", help="the new routine's id (its file name)")
    p.add_argument("--from", dest="source", metavar="ID|PATH", help="copy this routine instead")
    p.add_argument("--name", metavar="NAME",
                   help='its name (with --from, default "<name> (copy)")')  # fmt: skip
    p.add_argument("--path", metavar="P", help="write here (a file or folder) instead of "
                   "your routines folder")  # fmt: skip
    p.add_argument("--force", action="store_true", help="overwrite an existing file")


NEW = Command(
    "new",
    summary="write a new routine from an annotated template",
    description=(
        "Write a new routine into your routines folder: an annotated template to fill "
        "in, or a copy of a routine (--from) to adapt. Check it with `backtimer validate`."
    ),
    examples=[
        ("backtimer new desk-neck", "a template, in your routines folder"),
        ("backtimer new my-neck --from neck", 'a copy of neck, named "Neck set (copy)"'),
        ("backtimer new evening --path ./shared/", "write it somewhere else"),
    ],
    arguments=_new_arguments,
    runner="backtimer.cli.authoring:cmd_new",
)

EDIT = Command(
    "edit",
    summary="edit a routine in $EDITOR and check it when you save",
    description=(
        "Open a routine in $VISUAL or $EDITOR. A built-in routine is copied into your "
        "routines folder first (your copy then replaces it). When the editor exits the "
        "file is checked, and you can go back to the first problem's line."
    ),
    examples=[
        ("backtimer edit neck", "your own copy of the neck set"),
        ("EDITOR=nano backtimer edit ./evening.toml", "a file by its path"),
    ],
    arguments=_routine,
    runner="backtimer.cli.authoring:cmd_edit",
)

# --- paths, completion, serve (backtimer.cli.where, .completion, .serve) ------------------


def _paths_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print JSON: {name: path}")


PATHS = Command(
    "paths",
    summary="where your routines, config, history, logs and cache are",
    description=(
        "The files and folders backtimer reads and writes for you, and whether each "
        "exists yet. BACKTIMER_CONFIG_DIR, BACKTIMER_DATA_DIR and BACKTIMER_CACHE_DIR "
        "move them."
    ),
    examples=[
        ("backtimer paths", ""),
        ("backtimer paths --json", "for scripts"),
        ('cd "$(backtimer paths --json | jq -r .routines)"', "into your routines folder"),
    ],
    arguments=_paths_arguments,
    runner="backtimer.cli.where:run",
)


def _completion_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("shell", choices=SHELLS, help="the shell to complete in")


COMPLETION = Command(
    "completion",
    summary="print a shell completion script (bash, zsh, fish)",
    description=(
        "Print a script that teaches your shell to complete backtimer's commands, "
        "options and routine ids.\n\n" + COMPLETION_INSTALL
    ),
    examples=[
        ('eval "$(backtimer completion bash)"', "in ~/.bashrc"),
        ("backtimer completion fish | source", "in ~/.config/fish/config.fish"),
    ],
    arguments=_completion_arguments,
    runner="backtimer.cli.completion:run",
)


def _serve_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "routine",
        nargs="?",
        metavar="ID|PATH",
        help="start this routine (id or path); with --work, the break routine to offer",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument(
        "--port",
        type=bounded_int(0, 65535),
        default=8000,
        help="port (default 8000; 0: any free one)",
    )
    p.add_argument(
        "--token",
        help="the token to require (16+ letters, digits, - or _); default: a random one "
        "when the host is not loopback, none on loopback",
    )
    p.add_argument("--work", action="store_true", help="work mode (desk breaks) in the browser")
    p.add_argument("--no-sound", action="store_true", help="no cue sounds")


SERVE = Command(
    "serve",
    summary="the app in a browser (a phone or tablet next to the mat, a second screen)",
    description=(
        "Serve the whole app (library, sessions, stats; work mode with --work) to a "
        "browser. Loopback (127.0.0.1) by default. With any other --host, every request "
        "needs a token: a random one is made at start unless --token gives one, and the "
        "printed URL (and its QR code) carries it. Sound plays on this machine."
    ),
    examples=[
        ("backtimer serve", "this machine only: http://127.0.0.1:8000/"),
        ("backtimer serve --host 0.0.0.0 neck", "a phone on the local network"),
        ("backtimer serve --work", "work mode on a second screen"),
    ],
    arguments=_serve_arguments,
    runner="backtimer.cli.serve:handle",
)

COMMANDS: tuple[Command, ...] = (
    LIST, SHOW, PLAN, VALIDATE, RUN, SOUND, HISTORY, STATS, WORK, STATUS, PAUSE, RESUME,
    NEW, EDIT, PATHS, COMPLETION, SERVE,
)  # fmt: skip
BY_NAME = {command.name: command for command in COMMANDS}
