"""The Session facade: engine + listeners, and listeners that misbehave."""

from __future__ import annotations

from typing import Any

import pytest

from backtimer.events import Event, SegmentStarted, SessionFinished, SessionStopped
from backtimer.timeline import compile
from backtimer.usecases import session as session_mod
from backtimer.usecases.session import Session
from tests.helpers.engine_helpers import hold, routine


class Recorder:
    def __init__(self) -> None:
        self.batches: list[list[Event]] = []
        self.closed = 0
        self.notice: str | None = None
        self.notices: list[str] = []  # as AudioListener keeps them

    def handle(self, events: list[Event]) -> None:
        self.batches.append(list(events))

    def close(self) -> None:
        self.closed += 1


class Broken(Recorder):
    def handle(self, events: list[Event]) -> None:
        raise RuntimeError("device unplugged")


def stand_in(name: str, made: list[str], cls: type[Recorder] = Recorder) -> Any:
    """A stand-in for one of the default listeners' classes: records that it was made."""

    def make(*args: Any, **kwargs: Any) -> Recorder:
        made.append(name)
        return cls()

    return make


@pytest.fixture
def no_defaults(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Quiet stand-ins for the default listeners (sound, history); the names of those made."""
    made: list[str] = []
    monkeypatch.setattr(session_mod, "AudioListener", stand_in("AudioListener", made))
    monkeypatch.setattr(session_mod, "HistoryRecorder", stand_in("HistoryRecorder", made))
    return made


def make(**kw: Any) -> Session:
    r = routine(hold("A", reps=2), prepare=5.0)
    return Session(r, compile(r), **kw)


def test_every_listener_gets_every_event_in_order(no_defaults: list[str]) -> None:
    rec = Recorder()
    s = make(listeners=[rec], max_gap=None)
    assert no_defaults == ["AudioListener", "HistoryRecorder"]
    out = s.start(0.0) + s.advance(3.0) + s.toggle_pause(3.0) + s.toggle_pause(10.0)
    out += s.skip(10.0) + s.advance(1000.0)
    assert [e for batch in rec.batches for e in batch] == out
    assert isinstance(out[-1], SessionFinished)
    assert all(batch for batch in rec.batches)  # no empty hand-outs
    s.close()
    s.close()
    assert rec.closed == 1


def test_record_false_leaves_history_out(no_defaults: list[str]) -> None:
    s = make(record=False)
    assert no_defaults == ["AudioListener"]
    assert s.history is None


def test_a_listener_that_raises_is_switched_off_with_a_notice(no_defaults: list[str]) -> None:
    good, bad = Recorder(), Broken()
    s = make(listeners=[bad, good], max_gap=None)
    s.start(0.0)
    assert s.notices == ["Broken: switched off after an error (RuntimeError: device unplugged)"]
    assert bad.closed == 1
    assert bad not in s.listeners and good in s.listeners
    events = s.stop(4.0)
    assert isinstance(events[-1], SessionStopped)
    assert good.batches[-1] == events


def test_listener_notices_are_collected_once(no_defaults: list[str]) -> None:
    rec = Recorder()
    s = make(listeners=[rec], max_gap=None)
    s.start(0.0)
    rec.notice = "sound: no audio device, using the terminal bell"
    s.advance(1.0)
    s.advance(2.0)
    assert s.notices == ["sound: no audio device, using the terminal bell"]


def test_a_listener_that_cannot_start_does_not_stop_the_session(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def explode(*args: Any, **kwargs: Any) -> None:
        raise OSError("no such device")

    monkeypatch.setattr(session_mod, "AudioListener", explode)
    monkeypatch.setattr(session_mod, "HistoryRecorder", explode)
    s = make(max_gap=None)
    assert s.notices == [
        "sound: off (OSError: no such device)",
        "history: off (OSError: no such device)",
    ]
    assert isinstance(s.start(0.0)[0], SegmentStarted)


def test_real_default_listeners_with_sound_off(isolated_dirs: object) -> None:
    r = routine(hold("A", reps=1), prepare=0)
    s = Session(r, compile(r), sound=False, record=True, max_gap=None)
    assert s.listeners == (s.audio, s.history)
    assert s.audio is not None and s.history is not None
    s.start(0.0)
    s.advance(10.0)
    s.close()
    assert not [n for n in s.notices if "switched off" in n]


def test_given_listeners_are_handed_events_before_the_default_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    order: list[str] = []

    class Named(Recorder):
        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name

        def handle(self, events: list[Event]) -> None:
            order.append(self.name)

    monkeypatch.setattr(session_mod, "AudioListener", lambda *a, **k: Named("AudioListener"))
    monkeypatch.setattr(session_mod, "HistoryRecorder", lambda *a, **k: Named("HistoryRecorder"))
    s = make(listeners=[Named("display")], max_gap=None)
    s.start(0.0)
    assert order == ["display", "AudioListener", "HistoryRecorder"]
