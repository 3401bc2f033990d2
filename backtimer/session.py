"""The session facade the plain runner and the TUI both drive: an Engine plus listeners.

Every call forwards to the engine and hands the events it returns to each listener
(sound, history, anything else with the same three members):

    handle(events: list[Event]) -> None
    close() -> None
    notice: str | None          # a one-line message for the person, e.g. "sound: ..."

The default listeners are created lazily, and one whose module is not there is left
out. A listener that raises is switched off with a notice; it never stops a session.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from backtimer.engine import Engine
from backtimer.events import Event
from backtimer.routine.model import Routine
from backtimer.timeline import Timeline


class Listener(Protocol):
    notice: str | None

    def handle(self, events: list[Event]) -> None: ...

    def close(self) -> None: ...


def _create(module: str, name: str, *args: Any, **kwargs: Any) -> Listener | None:
    """An instance of module.name, or None when that module is not written/installed."""
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name is not None and module.startswith(exc.name):
            return None
        raise
    factory: Callable[..., Listener] = getattr(mod, name)
    return factory(*args, **kwargs)


def _label(listener: object) -> str:
    return {"AudioListener": "sound", "HistoryRecorder": "history"}.get(
        type(listener).__name__, type(listener).__name__
    )


class Session:
    def __init__(
        self,
        routine: Routine,
        timeline: Timeline,
        *,
        sound: bool = True,
        record: bool = True,
        listeners: Iterable[Listener] | None = None,
        max_gap: float | None = 5.0,
    ) -> None:
        """`listeners` come on top of the default ones (sound, and history when `record`) and
        are handed each batch first, so a display is never held up by a database write."""
        self.routine = routine
        self.timeline = timeline
        self.engine = Engine(timeline, max_gap=max_gap)
        self.notices: list[str] = []
        self._listeners: list[Listener] = list(listeners or ())
        self._closed = False
        defaults: list[tuple[str, str, tuple[Any, ...], dict[str, Any]]] = [
            ("backtimer.audio.listener", "AudioListener", (routine, timeline), {"enabled": sound})
        ]
        if record:
            defaults.append(
                ("backtimer.history.recorder", "HistoryRecorder", (routine, timeline), {})
            )
        for module, name, args, kwargs in defaults:
            try:
                made = _create(module, name, *args, **kwargs)
            except Exception as exc:  # a listener that cannot start must not stop the session
                label = {"AudioListener": "sound", "HistoryRecorder": "history"}[name]
                self._notice(f"{label}: off ({_reason(exc)})")
                continue
            if made is not None:
                self._listeners.append(made)
        self._collect_notices()

    @property
    def listeners(self) -> tuple[Listener, ...]:
        return tuple(self._listeners)

    # ------------------------------------------------------------ driving
    def start(self, now: float, boot: float | None = None) -> list[Event]:
        return self._hand(self.engine.start(now, boot))

    def advance(self, now: float, boot: float | None = None) -> list[Event]:
        return self._hand(self.engine.advance(now, boot))

    def toggle_pause(self, now: float) -> list[Event]:
        return self._hand(self.engine.toggle_pause(now))

    def pause(self, now: float) -> list[Event]:
        return self._hand(self.engine.pause(now))

    def resume(self, now: float) -> list[Event]:
        return self._hand(self.engine.resume(now))

    def skip(self, now: float) -> list[Event]:
        return self._hand(self.engine.skip(now))

    def skip_exercise(self, now: float) -> list[Event]:
        return self._hand(self.engine.skip_exercise(now))

    def back(self, now: float) -> list[Event]:
        return self._hand(self.engine.back(now))

    def restart_exercise(self, now: float) -> list[Event]:
        return self._hand(self.engine.restart_exercise(now))

    def adjust(self, now: float, delta: float) -> list[Event]:
        return self._hand(self.engine.adjust(now, delta))

    def done(self, now: float) -> list[Event]:
        return self._hand(self.engine.done(now))

    def stop(self, now: float) -> list[Event]:
        return self._hand(self.engine.stop(now))

    def pain(self, now: float) -> list[Event]:
        return self._hand(self.engine.pain(now))

    def close(self) -> None:
        """Close every listener (once). Safe to call more than once."""
        if self._closed:
            return
        self._closed = True
        for listener in list(self._listeners):
            try:
                listener.close()
            except Exception as exc:
                self._notice(f"{_label(listener)}: failed while closing ({_reason(exc)})")
        self._collect_notices()

    def saved_to_history(self) -> str | None:
        """The line both front ends end with when the history recorder saved the session:
        "Saved to history: 3 exercises, completed (/home/ann/.local/share/.../history.sqlite3)".
        None when nothing was saved (--no-history, a database problem: see `notices`)."""
        for listener in self._listeners:
            describe = getattr(listener, "describe", None)
            if describe is None:
                continue
            try:
                info = describe()
            except Exception:  # a listener must never break the end of a session
                return None
            if not info.get("saved"):
                return None
            count = int(info.get("exercises") or 0)
            where = f" ({info['path']})" if info.get("path") else ""
            noun = "exercise" if count == 1 else "exercises"
            return f"Saved to history: {count} {noun}, {info.get('status')}{where}"
        return None

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ internals
    def _hand(self, events: list[Event]) -> list[Event]:
        if events:
            for listener in list(self._listeners):
                try:
                    listener.handle(events)
                except Exception as exc:
                    self._listeners.remove(listener)
                    self._notice(
                        f"{_label(listener)}: switched off after an error ({_reason(exc)})"
                    )
                    with contextlib.suppress(Exception):
                        listener.close()
        self._collect_notices()
        return events

    def _collect_notices(self) -> None:
        for listener in self._listeners:
            texts = list(getattr(listener, "notices", None) or ())
            texts.append(getattr(listener, "notice", None))
            for text in texts:
                if text:
                    self._notice(str(text))

    def _notice(self, text: str) -> None:
        if text not in self.notices:
            self.notices.append(text)


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
