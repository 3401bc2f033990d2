"""One keymap for both front ends. Every binding has an id people can remap in config.toml:

    [keys]
    pause = "space,k"
    next = "n,right,l"

Each id maps to a comma-separated list of keys (Textual key names: "space", "right",
"ctrl+n", "question_mark", or the character itself such as "?" or "+"). The app binds
them (backtimer/ui/keys.py); `run --plain` reads the single-character ones as keys on a
terminal, and otherwise lines naming the action ("pause", "next") or one of its keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from backtimer.config import ConfigError


class KeyBinding(NamedTuple):
    id: str  # the name in [keys]
    keys: str  # the default keys, comma-separated Textual key names
    action: str  # the screen's action
    description: str
    show: bool  # in the footer


SESSION_KEYS: tuple[KeyBinding, ...] = (
    KeyBinding("pause", "space", "pause", "Pause", True),
    KeyBinding("pause", "space", "resume", "Resume", True),
    KeyBinding("next", "n,right", "next", "Next", True),
    KeyBinding("skip_exercise", "N", "skip_exercise", "Skip exercise", False),
    KeyBinding("back", "p,left", "back", "Back", True),
    KeyBinding("restart", "r", "restart", "Restart exercise", False),
    KeyBinding("more_time", "plus,equals_sign", "adjust(10)", "+10 s", False),
    KeyBinding("less_time", "minus", "adjust(-10)", "-10 s", False),
    KeyBinding("done", "d,enter", "done", "Done", True),
    KeyBinding("mute", "m", "mute", "Mute", True),
    KeyBinding("mute", "m", "unmute", "Unmute", True),
    KeyBinding("pain", "exclamation_mark", "pain", "It hurts", True),
    KeyBinding("quit", "q", "quit_session", "Quit", True),
    KeyBinding("help", "question_mark", "app.help", "Help", True),
)

# the library (home). The routine list has the focus: single letters are commands there;
# "/" moves to the filter, where letters type.
LIBRARY_KEYS: tuple[KeyBinding, ...] = (
    KeyBinding("start", "enter", "start", "Start", True),
    KeyBinding("filter", "slash", "filter", "Filter", True),
    KeyBinding("edit", "e", "edit", "Edit", True),
    KeyBinding("customise", "c", "customise", "Customise", True),
    KeyBinding("stats", "s", "stats", "Stats", True),
    KeyBinding("work", "w", "work", "Work mode", True),
    KeyBinding("help", "question_mark", "help", "Help", True),
    KeyBinding("quit", "q", "quit", "Quit", True),
)

SUMMARY_KEYS: tuple[KeyBinding, ...] = (
    KeyBinding("repeat", "r", "repeat", "Repeat", True),
    KeyBinding("library", "l,escape", "library", "Library", True),
    KeyBinding("quit", "q", "app.quit", "Quit", True),
)

KNOWN_IDS = sorted({k.id for k in SESSION_KEYS + LIBRARY_KEYS + SUMMARY_KEYS})

Keymap = dict[str, str]  # binding id -> "key,key" (only the ids the person remapped)


def keymap_from_config(config: Mapping[str, object], path: Path) -> Keymap:
    """The [keys] table of a loaded config.toml ({} when absent). Raises ConfigError."""
    table = config.get("keys", {})
    if not isinstance(table, dict):
        raise ConfigError('expected a table of action = "keys"', path=path, field="[keys]")
    keymap: Keymap = {}
    for name, value in table.items():
        field = f"[keys] {name}"
        if name not in KNOWN_IDS:
            known = ", ".join(KNOWN_IDS)
            raise ConfigError(f"unknown action; known: {known}", path=path, field=field)
        keys = ",".join(value) if isinstance(value, list) else value
        if not isinstance(keys, str) or not keys.strip():
            raise ConfigError(
                f'expected keys such as "space" or "n,right", got {value!r}', path=path, field=field
            )
        keymap[name] = ",".join(k.strip() for k in keys.split(",") if k.strip())
    return keymap


def keys_of(
    binding_id: str, keymap: Keymap, table: tuple[KeyBinding, ...] = SESSION_KEYS
) -> list[str]:
    """The keys bound to `binding_id`: the person's, else the defaults."""
    if binding_id in keymap:
        return keymap[binding_id].split(",")
    for binding in table:
        if binding.id == binding_id:
            return binding.keys.split(",")
    return []


# ---- the plain runner's commands ----------------------------------------------------------

# Textual key names of keys that type one character.
_CHARACTERS = {
    "space": " ",
    "enter": "\r",
    "plus": "+",
    "minus": "-",
    "equals_sign": "=",
    "exclamation_mark": "!",
    "question_mark": "?",
    "slash": "/",
    "comma": ",",
    "full_stop": ".",
    "colon": ":",
    "semicolon": ";",
    "asterisk": "*",
}
# What the plain runner can do, in the order its help line lists them.
PLAIN_ACTIONS = (
    ("pause", "pause/resume"),
    ("next", "next"),
    ("skip_exercise", "skip exercise"),
    ("back", "back"),
    ("restart", "restart exercise"),
    ("more_time", "+10 s"),
    ("less_time", "-10 s"),
    ("done", "done"),
    ("mute", "mute/unmute"),
    ("pain", "it hurts"),
    ("quit", "stop"),
    ("help", "keys"),
)


def character(key: str) -> str | None:
    """The character a key types ("space" -> " ", "N" -> "N"), or None (arrows, ctrl+x)."""
    if len(key) == 1:
        return key
    return _CHARACTERS.get(key)


def _shown(key: str) -> str:
    return {" ": "space", "\r": "Enter"}.get(key, key)


class PlainCommands:
    """Keys and input lines of `run --plain`, named after the app's actions and following
    the [keys] table: on a terminal, a single-character key runs its action; as lines,
    the action's name ("pause", "next", "skip_exercise") or one of its keys."""

    def __init__(self, keymap: Keymap | None = None) -> None:
        self.keymap = dict(keymap or {})
        self.by_key: dict[str, str] = {}
        self.keys: dict[str, list[str]] = {}
        for action, _words in PLAIN_ACTIONS:
            chars = [c for k in keys_of(action, self.keymap) if (c := character(k)) is not None]
            if action == "done" and "\r" in chars:
                chars.append("\n")  # Enter arrives as either
            self.keys[action] = chars
            for char in chars:
                self.by_key.setdefault(char, action)

    def for_key(self, char: str) -> str | None:
        """The action of one key pressed on a terminal."""
        return self.by_key.get(char)

    def for_line(self, line: str) -> str | None:
        """The action of one input line: its name, or one of its keys ("" is done)."""
        word = line.strip()
        if word == "":
            return "done"
        name = word.lower().replace(" ", "_").replace("-", "_")
        if name in self.keys:
            return name
        return self.by_key.get(word) or self.by_key.get(word.lower())

    def key_help(self) -> str:
        """ "keys: space pause/resume, n next, ..." for a terminal."""
        parts = []
        for action, words in PLAIN_ACTIONS:
            shown = [_shown(c) for c in self.keys[action] if c != "\n"]
            if shown:
                parts.append(f"{' or '.join(shown)} {words}")
        return "keys: " + ", ".join(parts)

    def line_help(self) -> str:
        """ "input lines: empty or done, pause, next, ..." for lines on standard input."""
        names = [action for action, _words in PLAIN_ACTIONS if action != "done"]
        return (
            "input lines: empty or done = done (self-paced), "
            + ", ".join(names)
            + (", or one of their keys")
        )

    def resume_hint(self, tty: bool) -> str:
        if tty:
            keys = [_shown(c) for c in self.keys["pause"]]
            return f"press {keys[0]} to resume" if keys else "send pause to resume"
        return "send pause to resume"
