"""The keymap (backtimer.usecases.keymap) as Textual bindings, with ids so [keys] in
config.toml remaps them through App.set_keymap."""

from __future__ import annotations

from textual.binding import Binding

from backtimer.usecases.keymap import KeyBinding


def bindings(table: tuple[KeyBinding, ...]) -> list[Binding]:
    out: list[Binding] = []
    for binding_id, keys, action, description, show in table:
        first, *more = keys.split(",")
        out.append(Binding(first, action, description, show=show, id=binding_id))
        out.extend(Binding(k, action, description, show=False, id=binding_id) for k in more)
    return out
