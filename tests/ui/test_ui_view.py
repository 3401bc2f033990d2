"""The session screen's view model (pure): what is shown, and when the screen must wake."""

from __future__ import annotations

from backtimer.engine import Engine
from backtimer.routine.loader import load_text
from backtimer.timeline import compile
from backtimer.ui.view import MAX_WAIT, next_refresh, session_view

ROUTINE = """
[routine]
name = "View test"

[defaults]
prepare = 0
{breath}

[[exercise]]
name = "Long stretch"
duration = "30s"
"""


def run(breath: str, seconds: float) -> tuple[int, int]:
    """(wake-ups, wake-ups that changed what is shown) over `seconds` of a timed stretch."""
    routine = load_text(ROUTINE.format(breath=breath), source="t.toml", routine_id="t")
    timeline = compile(routine)
    engine = Engine(timeline)
    now = 100.0
    engine.start(now)
    shown = session_view(routine, timeline, engine, now)
    wakes = changes = 0
    while now < 100.0 + seconds:
        wait = next_refresh(engine, now)
        assert 0 < wait <= MAX_WAIT + 0.01
        now += wait
        engine.advance(now)
        view = session_view(routine, timeline, engine, now)
        wakes += 1
        changes += view != shown
        shown = view
    return wakes, changes


def test_a_plain_countdown_wakes_once_a_second_and_each_wake_shows_something_new() -> None:
    wakes, changes = run("", 20.0)
    assert 20 <= wakes <= 22
    assert changes >= wakes - 1


def test_the_breath_guide_steps_on_the_same_wake_ups_as_the_countdown() -> None:
    wakes, changes = run('breath = { inhale = "4s", exhale = "6s" }', 20.0)
    assert 20 <= wakes <= 22
    assert changes >= wakes - 1


def test_breath_guide_fills_on_inhale_and_empties_on_exhale() -> None:
    routine = load_text(
        ROUTINE.format(breath='breath = { inhale = "4s", hold = "2s", exhale = "4s" }'),
        source="t.toml",
        routine_id="t",
    )
    timeline = compile(routine)
    engine = Engine(timeline, max_gap=None)
    engine.start(0.0)
    seen = []
    for t in (0.5, 1.5, 3.5, 4.5, 6.5, 9.5):
        engine.advance(t)
        b = session_view(routine, timeline, engine, t).breath
        assert b is not None
        seen.append((b.word, b.seconds, b.fill))
    assert seen == [
        ("Inhale", 4, 0.25),
        ("Inhale", 3, 0.5),
        ("Inhale", 1, 1.0),
        ("Hold", 2, 1.0),
        ("Exhale", 4, 1.0),
        ("Exhale", 1, 0.25),
    ]


def _first_work_view(body: str) -> object:
    routine = load_text(
        '[routine]\nname = "One"\n\n[defaults]\nprepare = 0\n\n[[exercise]]\n' + body,
        source="t.toml",
        routine_id="t",
    )
    timeline = compile(routine)
    engine = Engine(timeline)
    engine.start(0.0)
    return session_view(routine, timeline, engine, 0.1)


def test_a_single_rep_is_not_counted_as_rep_1_of_1() -> None:
    hold = _first_work_view('name = "Plank"\nhold = "20s"\nsets = 2')
    assert "Rep" not in hold.detail and hold.detail == "Set 1/2"  # type: ignore[attr-defined]
    paced = _first_work_view('name = "Squat"\nreps = 1\ntempo = "3s"')
    assert "1/1" not in paced.instruction  # type: ignore[attr-defined]
    many = _first_work_view('name = "Lift"\nhold = "3s"\nreps = 10')
    assert many.detail == "Rep 1/10"  # type: ignore[attr-defined]
