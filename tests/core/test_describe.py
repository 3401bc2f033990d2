"""How exercises are described to people (show, the rest screen, the plain runner)."""

from __future__ import annotations

import pytest

from backtimer.describe import breath_text, open_note, rests_text, work_text
from backtimer.routine.model import Breath, Exercise, Phase, WorkKind

LR = ("left", "right")


@pytest.mark.parametrize(
    ("exercise", "text"),
    [
        (Exercise("Retraction", WorkKind.HOLD, hold=3.0, reps=10), "hold 3 s x 10"),
        (Exercise("Arch", WorkKind.HOLD, hold=30.0), "hold 30 s"),
        (
            Exercise("Twist", WorkKind.HOLD, hold=10.0, reps=5, sides=LR),
            "hold 10 s x 5, each side",
        ),
        (
            Exercise("Trapezius", WorkKind.HOLD, hold=3.0, reps=10, sides=LR, alternate=True),
            "hold 3 s x 10, alternate sides",
        ),
        (
            Exercise("Tilt", WorkKind.PACED, tempo=3.0, reps=10, sides=LR, alternate=True),
            "10 reps, alternate sides",
        ),
        (Exercise("Shrug", WorkKind.PACED, tempo=3.0, reps=10), "10 reps"),
        (Exercise("Stretch", WorkKind.TIMED, duration=60.0, sides=LR), "1 min, each side"),
        (Exercise("Plank", WorkKind.TIMED, duration=60.0, sets=3), "1 min, 3 sets"),
        (Exercise("Pillar", WorkKind.TIMED, duration=90.0), "1 min 30 s"),
        (Exercise("Row", WorkKind.SELF, reps=8, sets=3), "3 sets x 8 reps at your own pace"),
        (Exercise("Squat", WorkKind.PACED, tempo=3.0, reps=10, sets=3), "3 sets x 10 reps"),
        (Exercise("Superman", WorkKind.MAX, reps=10), "as long as you can x 10"),
        (Exercise("Boat", WorkKind.MAX), "as long as you can"),
        (
            Exercise(
                "Plank to child",
                WorkKind.PHASED,
                phases=(
                    Phase("Drop the knees", 2.0, "inhale"),
                    Phase("Back to plank", 2.0, "exhale"),
                ),
                reps=10,
            ),
            "2 phases x 10 (inhale: Drop the knees / exhale: Back to plank)",
        ),
        (
            Exercise(
                "Rotation",
                WorkKind.PACED,
                tempo=2.0,
                reps=10,
                sides=("clockwise", "counter-clockwise"),
            ),
            "10 reps, each way (clockwise / counter-clockwise)",
        ),
        (Exercise("One", WorkKind.PACED, tempo=2.0, reps=1), "1 rep"),
    ],
)
def test_work_text(exercise: Exercise, text: str) -> None:
    assert work_text(exercise) == text


def test_rests_text_names_the_rests_the_exercise_really_has() -> None:
    ex = Exercise("Twist", WorkKind.HOLD, hold=10.0, reps=5, sides=LR, sets=2, rep_rest=2.0,
                  side_rest=5.0, set_rest=30.0, rest=15.0)  # fmt: skip
    assert rests_text(ex) == "2 s between reps, 5 s to switch sides, 30 s between sets, 15 s after"
    assert rests_text(ex, last=True) == "2 s between reps, 5 s to switch sides, 30 s between sets"


def test_rests_text_leaves_out_rests_that_never_happen() -> None:
    # paced reps have no rep rests; one set has no set rest; no sides, no switch
    paced = Exercise("Shrug", WorkKind.PACED, tempo=3.0, reps=10, rest=0.0)
    assert rests_text(paced) == ""
    # alternate holds switch with the rep rest, not a side rest
    alt = Exercise("Tilt", WorkKind.HOLD, hold=3.0, reps=1, sides=LR, alternate=True, rest=20.0)
    assert rests_text(alt) == "2 s between reps, 20 s after"
    # a single timed block per side: a side rest, no rep rest
    timed = Exercise("Stretch", WorkKind.TIMED, duration=60.0, sides=LR, side_rest=5.0, rest=60.0)
    assert rests_text(timed) == "5 s to switch sides, 1 min after"


def test_breath_and_open_notes() -> None:
    assert breath_text(Breath(inhale=4.0, exhale=6.0)) == "breathe in 4 s, out 6 s"
    assert breath_text(Breath(4.0, 6.0, hold=2.0)) == "breathe in 4 s, hold 2 s, out 6 s"
    assert breath_text(None) == ""
    assert "say when each set is done" in open_note(Exercise("Row", WorkKind.SELF, reps=8))
    assert "planned as 30 s" in open_note(Exercise("Boat", WorkKind.MAX))
    assert "planned as 3 min each" in open_note(Exercise("Pillar", WorkKind.MAX, expect=180.0))
    assert open_note(Exercise("Plank", WorkKind.TIMED, duration=60.0)) == ""
