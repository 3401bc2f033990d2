"""Which cue a person hears when: the real engine driven in simulated time, its events mapped
to cues exactly as the app's AudioListener does."""

from __future__ import annotations

from backtimer.audio.cue_names import CUES
from backtimer.audio.cues import PRIORITY, cues_for
from backtimer.audio.settings import CueSetting, SoundSettings
from backtimer.engine import Engine
from backtimer.routine.model import Breath
from backtimer.timeline import Timeline, compile
from tests.helpers.engine_helpers import hold, phased, routine, timed


def heard(tl: Timeline, settings: SoundSettings | None = None) -> list[tuple[float, str]]:
    """(session second, cue) for a whole session, advancing the clock in small steps."""
    settings = settings or SoundSettings()
    engine = Engine(tl)
    t = 0.0
    out: list[tuple[float, str]] = []
    batch = engine.start(t)
    while True:
        names = cues_for(batch, tl, settings.audible)
        if names:
            out.append((round(t, 2), names[-1]))
        if engine.state in ("finished", "stopped"):
            return out
        wake = engine.next_wakeup(t)
        assert wake is not None
        t = min(wake, t + 1.0)
        batch = engine.advance(t)


def test_sided_holds_countdown_go_rest_switch_and_done() -> None:
    tl = compile(
        routine(hold("Bridge", secs=6, reps=2, rep_rest=2.0, sides=("left", "right"),
                     side_rest=3.0, rest=5.0),
                timed("Stretch", secs=20), prepare=5.0)
    )  # fmt: skip
    assert heard(tl) == [
        (2.0, "tick"), (3.0, "tick"), (4.0, "tick"),  # get ready: 3-2-1
        (5.0, "go"),
        (8.0, "tick"), (9.0, "tick"), (10.0, "tick"),  # last 3 s of the hold
        (11.0, "rest"),
        (13.0, "go"),
        (16.0, "tick"), (17.0, "tick"), (18.0, "tick"),
        (19.0, "switch"),  # side rest
        (22.0, "go"),
        (25.0, "tick"), (26.0, "tick"), (27.0, "tick"),
        (28.0, "rest"),
        (30.0, "go"),
        (33.0, "tick"), (34.0, "tick"), (35.0, "tick"),
        (36.0, "exercise_done"),  # the rest after the last rep: done beats rest
        (38.0, "tick"), (39.0, "tick"), (40.0, "tick"),
        (41.0, "go"),
        (51.0, "halfway"),  # 20 s stretch
        (58.0, "tick"), (59.0, "tick"), (60.0, "tick"),
        (61.0, "routine_done"),  # not exercise_done: the routine is over
    ]  # fmt: skip


def test_phased_reps_get_a_soft_rep_cue_not_go() -> None:
    tl = compile(routine(phased(reps=3, phases=(2.0, 3.0)), prepare=5.0))
    cues = heard(tl)
    assert cues[3] == (5.0, "go")
    # a new rep starts straight after the last phase: "rep"; a new phase inside a rep: nothing
    assert cues[4:] == [(10.0, "rep"), (15.0, "rep"), (20.0, "routine_done")]


def test_breath_tones_only_when_turned_on() -> None:
    r = routine(timed("Breathe", secs=12, breath=Breath(inhale=2, exhale=4)), prepare=0.0)
    tl = compile(r)
    assert "inhale" not in {c for _, c in heard(tl)}
    on = heard(tl, SoundSettings(breath=True))
    steps = [(t, c) for t, c in on if c in ("inhale", "exhale")]
    assert on[0] == (0.0, "go")  # the first inhale falls on "go", which wins
    assert steps[:3] == [(2.0, "exhale"), (6.0, "inhale"), (8.0, "exhale")]


def test_muted_cue_lets_the_next_most_important_through() -> None:
    tl = compile(routine(hold("A", secs=6, reps=1), hold("B", secs=6, reps=1), prepare=0.0))
    assert (6.0, "exercise_done") in heard(tl)
    muted = SoundSettings(cues={"exercise_done": CueSetting(mute=True)})
    assert (6.0, "rest") in heard(tl, muted)
    assert all(
        c != "tick" for _, c in heard(tl, SoundSettings(cues={"tick": CueSetting(volume=0)}))
    )
    assert heard(tl, SoundSettings(mute=True)) == []


def test_every_cue_has_a_priority() -> None:
    assert set(PRIORITY) == set(CUES)
