"""One keymap for both front ends. Every binding has an id people can remap in config.toml:

    [keys]
    pause = "space,k"
    next = "n,right,l"

Each id maps to a comma-separated list of keys (Textual key names: "space", "right",
"ctrl+n", "question_mark", or the character itself such as "?" or "+"), or a list of them.
A key two actions of one screen would share, Ctrl+Q / Ctrl+C, or anything that is not a
key is refused with the file and the line (docs/security.md). The app binds
them (backtimer/ui/keys.py); `run --plain` reads the single-character ones as keys on a
terminal, and otherwise lines naming the action ("pause", "next") or one of its keys.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import NamedTuple

from backtimer.config import ConfigError
from backtimer.toml_messages import did_you_mean, show


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
    KeyBinding("voice", "v", "voice_on", "Voice on", True),
    KeyBinding("voice", "v", "voice_off", "Voice off", True),
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


# A key is one printable character ("q", "?", "N") or a Textual key name, with modifiers
# ("space", "question_mark", "ctrl+n", "shift+left", "f5").
_KEY_NAME = re.compile(r"(?:(?:ctrl|shift|alt|meta|super|hyper)\+)*[a-z][a-z0-9_]{0,29}")
MAX_KEYS = 8  # keys of one action
# Keys the app keeps for itself whatever the screen: Ctrl+Q quits, Ctrl+C asks to quit.
RESERVED = {"ctrl+q": "quit the app", "ctrl+c": "quit the app"}
# An action that must always have a key wherever it is offered.
REQUIRED = ("quit", "help")
TABLES = (("session", SESSION_KEYS), ("library", LIBRARY_KEYS), ("summary", SUMMARY_KEYS))


def keymap_from_config(config: Mapping[str, object], path: Path) -> Keymap:
    """The [keys] table of a loaded config.toml ({} when absent). Raises ConfigError naming
    the file, the line and the action: an unknown action, a value that is not keys, a key
    that is not a key name, or a key two actions of one screen would share (which would
    leave one of them, perhaps Quit or Help, without it)."""
    table = config.get("keys", {})
    if not isinstance(table, dict):
        raise ConfigError(
            'expected a table of action = "keys"',
            path=path,
            line=field_line(path, "", "keys"),
            field="[keys]",
        )

    def error(name: str, message: str) -> ConfigError:
        return ConfigError(
            message, path=path, line=field_line(path, "keys", name), field=f"[keys] {name}"
        )

    keymap: Keymap = {}
    for name, value in table.items():
        if name not in KNOWN_IDS:
            known = ", ".join(KNOWN_IDS)
            raise error(name, f"unknown action{did_you_mean(name, KNOWN_IDS)}; known: {known}")
        keys = _keys(value)
        if keys is None:
            raise error(
                name,
                f'expected keys such as "space", "n,right" or ["n", "right"], got {show(value)}',
            )
        if len(keys) > MAX_KEYS:
            raise error(name, f"{len(keys)} keys; an action takes at most {MAX_KEYS}")
        for key in keys:
            if not _is_key(key):
                raise error(
                    name,
                    f"{show(key)} is not a key: one character, or a key name such as "
                    '"space", "enter", "question_mark", "ctrl+n" or "f5"',
                )
            if key.lower() in RESERVED:
                raise error(name, f"{show(key)} is kept to {RESERVED[key.lower()]}")
        keymap[name] = ",".join(dict.fromkeys(keys))
    _check_conflicts(keymap, list(table), error)
    return keymap


def _keys(value: object) -> list[str] | None:
    """The keys of one [keys] value (text "a,b" or a list of texts), or None."""
    if isinstance(value, str):
        parts = value.split(",")
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        parts = [k for v in value for k in str(v).split(",")]
    else:
        return None
    keys = [k.strip() for k in parts if k.strip()]
    return keys or None


def _is_key(key: str) -> bool:
    if len(key) == 1:
        return key.isprintable() and not key.isspace()
    return _KEY_NAME.fullmatch(key) is not None


def _same_key(key: str) -> str:
    """One spelling per key: "?" and "question_mark" are the same key."""
    return character(key) or key


def _check_conflicts(
    keymap: Keymap, order: list[str], error: Callable[[str, str], ConfigError]
) -> None:
    for screen, bindings in TABLES:
        ids = list(dict.fromkeys(b.id for b in bindings))
        owner: dict[str, str] = {}
        # the remapped actions last, in the file's order: the error names the later line
        ids.sort(key=lambda i: (i in keymap, order.index(i) if i in order else -1))
        for binding_id in ids:
            for key in keys_of(binding_id, keymap, bindings):
                other = owner.setdefault(_same_key(key), binding_id)
                if other == binding_id:
                    continue
                left = [i for i in (binding_id, other) if i in REQUIRED]
                lost = f"; {left[0]} would be left without a key" if left else ""
                raise error(
                    binding_id if binding_id in keymap else other,
                    f"{show(key)} is the key of both {other} and {binding_id} on the "
                    f"{screen} screen{lost}; give one of them another key",
                )


def field_line(path: Path, table: str, key: str) -> int | None:
    """The line of `key` in [table] of the TOML file (table "" for the top level), or None.
    Only for messages: a plain scan, no parse (the file was parsed already)."""
    try:
        with path.open(encoding="utf-8", errors="replace") as fh:
            text = fh.read(1 << 20)
    except OSError:
        return None
    current = ""
    header = re.compile(r"\[\s*([^\]\[]+?)\s*\]")
    assignment = re.compile(r"""(?:"([^"]*)"|'([^']*)'|([A-Za-z0-9_.-]+))\s*=""")
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        found = header.match(line)
        if found and not line.startswith("[["):
            current = found.group(1).replace(" ", "")
            continue
        found = assignment.match(line)
        if not found:
            continue
        name = next(g for g in found.groups() if g is not None)
        if current == table and name == key:
            return number
        if current == "" and table and name in (f"{table}.{key}", table):
            return number
    return None


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
    ("voice", "voice on/off"),
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
