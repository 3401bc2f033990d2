"""Key bindings with ids, so people can remap them in config.toml:

    [keys]
    pause = "space,k"
    next = "n,right,l"

Each id maps to a comma-separated list of keys (Textual key names: "space", "right",
"ctrl+n", "question_mark", or the character itself such as "?" or "+").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.binding import Binding

from backtimer import paths
from backtimer.config import ConfigError, load_config

# id -> (default keys, action, description, show in footer)
SESSION_KEYS: tuple[tuple[str, str, str, str, bool], ...] = (
    ("pause", "space", "pause", "Pause", True),
    ("pause", "space", "resume", "Resume", True),
    ("next", "n,right", "next", "Next", True),
    ("skip_exercise", "N", "skip_exercise", "Skip exercise", False),
    ("back", "p,left", "back", "Back", True),
    ("restart", "r", "restart", "Restart exercise", False),
    ("more_time", "plus,equals_sign", "adjust(10)", "+10 s", False),
    ("less_time", "minus", "adjust(-10)", "-10 s", False),
    ("done", "d,enter", "done", "Done", True),
    ("mute", "m", "mute", "Mute", True),
    ("mute", "m", "unmute", "Unmute", True),
    ("pain", "exclamation_mark", "pain", "It hurts", True),
    ("quit", "q", "quit_session", "Quit", True),
    ("help", "question_mark", "app.help", "Help", True),
)

# the library (home). The routine list has the focus: single letters are commands there;
# "/" moves to the filter, where letters type.
LIBRARY_KEYS: tuple[tuple[str, str, str, str, bool], ...] = (
    ("start", "enter", "start", "Start", True),
    ("filter", "slash", "filter", "Filter", True),
    ("edit", "e", "edit", "Edit", True),
    ("customise", "c", "customise", "Customise", True),
    ("stats", "s", "stats", "Stats", True),
    ("work", "w", "work", "Work mode", True),
    ("help", "question_mark", "help", "Help", True),
    ("quit", "q", "quit", "Quit", True),
)

SUMMARY_KEYS: tuple[tuple[str, str, str, str, bool], ...] = (
    ("repeat", "r", "repeat", "Repeat", True),
    ("library", "l,escape", "library", "Library", True),
    ("quit", "q", "app.quit", "Quit", True),
)

KNOWN_IDS = sorted({k[0] for k in SESSION_KEYS + LIBRARY_KEYS + SUMMARY_KEYS})


def bindings(table: tuple[tuple[str, str, str, str, bool], ...]) -> list[Binding]:
    out: list[Binding] = []
    for binding_id, keys, action, description, show in table:
        first, *more = keys.split(",")
        out.append(Binding(first, action, description, show=show, id=binding_id))
        out.extend(Binding(k, action, description, show=False, id=binding_id) for k in more)
    return out


class KeymapError(Exception):
    """A bad [keys] table; the message names the file and the field."""


def keymap_from_config(path: Path | None = None) -> dict[str, str]:
    """The [keys] table of config.toml as a Textual keymap ({} when absent)."""
    try:
        cfg: dict[str, Any] = load_config(path)
    except ConfigError as exc:
        raise KeymapError(str(exc)) from None
    where = str(path if path is not None else paths.config_file())
    table = cfg.get("keys", {})
    if not isinstance(table, dict):
        raise KeymapError(f'{where}: [keys]: expected a table of action = "keys"')
    keymap: dict[str, str] = {}
    for name, value in table.items():
        if name not in KNOWN_IDS:
            raise KeymapError(
                f"{where}: [keys] {name}: unknown action; known: {', '.join(KNOWN_IDS)}"
            )
        keys = ",".join(value) if isinstance(value, list) else value
        if not isinstance(keys, str) or not keys.strip():
            raise KeymapError(
                f'{where}: [keys] {name}: expected keys such as "space" or "n,right", got {value!r}'
            )
        keymap[name] = ",".join(k.strip() for k in keys.split(",") if k.strip())
    return keymap
