"""The built-in routines: each loads, compiles, and says what its source says.

Every expected number below is taken from the source article named (by title and section) in
the routine file's header; docs/sources.md lists each routine's source section and the judgement
calls made where a source gives no number. The texts of the articles are not part of the
repository: the tests that compare with them read them from a `shared/seeds/` folder beside the
clone (or beside a folder above it) and skip, saying so, when there is none. A step is written
as a compact spec:

    "hold 3s x10"            each rep a 3 s hold, 10 reps
    "hold 3s x10 both"       ... all reps on one side, then the other
    "hold 10s x5 alternate"  ... sides alternate every rep, 5 per side
    "paced 4s x10"           10 paced reps of 4 s
    "phased 2s+2s x10"       10 reps of two 2 s phases
    "timed 60s x3 sets"      one timed minute per set, 3 sets
    "self x8 x3 sets"        self-paced sets of 8 reps
    "max x10"                10 open-ended holds ("as long as you can")
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from backtimer.routine.loader import load_file
from backtimer.routine.model import Exercise, Progress, Routine, WorkKind
from backtimer.timeline import compile as compile_timeline

ROOT = Path(__file__).resolve().parents[2]
ROUTINES = ROOT / "routines"


def _seeds_dir() -> Path:
    """The source texts: `shared/seeds/` beside the clone or beside any folder above it."""
    for folder in ROOT.parents:
        if (folder / "shared" / "seeds").is_dir():
            return folder / "shared" / "seeds"
    return ROOT.parent / "shared" / "seeds"


SEEDS = _seeds_dir()
SOURCES_DOC = ROOT / "docs" / "sources.md"

REQUIRED = (
    "neck",
    "office-chair",
    "core",
    "back-strength",
    "back-stretch",
    "lower-back-home",
    "lower-back-therapy",
    "warm-up",
    "spine-stretch",
    "qigong-pillar",
    "home-back",
    "gym-back",
)
ALL_IDS = sorted(p.stem for p in ROUTINES.glob("*.toml"))


def load(routine_id: str) -> Routine:
    return load_file(ROUTINES / f"{routine_id}.toml")


def spec(ex: Exercise) -> str:
    """How an exercise is worked, in the compact form of the module docstring."""
    parts = [ex.kind.value]
    if ex.kind is WorkKind.HOLD:
        assert ex.hold is not None
        parts.append(f"{ex.hold:g}s")
    elif ex.kind is WorkKind.TIMED:
        assert ex.duration is not None
        parts.append(f"{ex.duration:g}s")
    elif ex.kind is WorkKind.PACED:
        assert ex.tempo is not None
        parts.append(f"{ex.tempo:g}s")
    elif ex.kind is WorkKind.PHASED:
        parts.append("+".join(f"{p.secs:g}s" for p in ex.phases))
    if ex.kind is not WorkKind.TIMED:
        parts.append(f"x{ex.reps}")
    if ex.sets > 1:
        parts.append(f"x{ex.sets} sets")
    if ex.sides:
        if ex.alternate:
            parts.append("alternate")
        elif ex.sides == ("left", "right"):
            parts.append("both")
        else:
            parts.append("/".join(ex.sides))
    return " ".join(parts)


def specs(routine: Routine) -> list[tuple[str, str]]:
    return [(ex.name, spec(ex)) for ex in routine.exercises]


def exercise(routine: Routine, name: str) -> Exercise:
    for ex in routine.exercises:
        if ex.name == name:
            return ex
    names = [e.name for e in routine.exercises]
    raise AssertionError(f"{routine.id}: no exercise {name!r}; it has {names}")


def breaths(ex: Exercise) -> list[str | None]:
    return [p.breath for p in ex.phases]


def steps_text(ex: Exercise) -> str:
    return " ".join(ex.steps)


def stops_on_pain(r: Routine) -> bool:
    return any("pain" in c.lower() and "stop" in c.lower() for c in r.cautions)


def contraindications(r: Routine) -> bool:
    """The sources' lists of when not to exercise: both name pregnancy and a spinal problem."""
    return any("pregnan" in c and ("spin" in c or "injury" in c) for c in r.cautions)


# ---------------------------------------------------------------- the routines, one by one


def test_neck_is_eight_three_second_holds_and_ten_shrugs() -> None:
    # 002 "Exercises for neck flexibility": hold 3 s, repeat 10 times; shrug: repeat 10 times.
    r = load("neck")
    assert specs(r) == [
        ("Neck retraction", "hold 3s x10"),
        ("Trapezius stretch", "hold 3s x10 both"),
        # "bend and straighten ... hold for 3 seconds": each end of the nod is held 3 s
        ("Neck flexion and extension", "phased 3s+3s x10"),
        ("Neck flexion", "hold 3s x10"),
        ("Neck twists", "hold 3s x10 alternate"),
        ("Neck extension", "hold 3s x10"),
        ("Shrug", "paced 4s x10"),
        ("Wrist-hold neck stretch", "hold 3s x10 both"),
    ]
    # 3 s holds are shorter than a breath: no pacer during them, one on the rest screens.
    assert all(ex.breath is None for ex in r.exercises if ex.kind is WorkKind.HOLD)
    assert r.defaults.breath is not None
    # the steps say what the timer does: two 3 s holds per nod
    nod = exercise(r, "Neck flexion and extension")
    assert steps_text(nod).count("3 seconds") == 2
    # 002 "What to do before stretching": a light warm-up first
    assert any("warm up" in c.lower() for c in r.cautions)


def test_office_chair_break_is_done_from_the_chair() -> None:
    # 002 "Quick workout at work": 10 rotations each direction; the rest "several repetitions".
    r = load("office-chair")
    assert r.place == "chair"
    assert specs(r) == [
        ("Shoulder rotation", "paced 3s x10 forwards/backwards"),
        ("Seated back twist", "paced 4s x5 alternate"),
        ("Lateral tilt", "paced 4s x5 alternate"),
        ("Seated cat-cow", "phased 3s+3s x5"),
    ]
    assert breaths(exercise(r, "Seated cat-cow")) == ["inhale", "exhale"]
    assert "2-3 hours" in r.description
    assert "5-6 hours" in r.description
    assert "10-15 minutes" in r.description


def test_core_has_the_six_exercises_of_000() -> None:
    r = load("core")
    assert specs(r) == [
        ("Bridge with leg extension", "phased 3s+2s+2s x5 alternate"),
        ("Airplane lifts", "phased 2s+2s+2s+2s x10"),
        ("Plank knee drop", "phased 2s+2s x10"),
        ("Superman lifts", "hold 2s x10"),
        ("Press-up back extension", "hold 5s x5"),
        ("Bird dog", "hold 2s x5 alternate"),
    ]
    # "Inhale and drop your knees ... Exhale and go back to the plank pose."
    assert breaths(exercise(r, "Plank knee drop")) == ["inhale", "exhale"]
    assert "2 inches" in steps_text(exercise(r, "Airplane lifts"))
    # "Hold this position from 5 to 30 seconds": starts at 5, grows to 30.
    press_up = exercise(r, "Press-up back extension")
    assert "5 to 30 seconds" in steps_text(press_up)
    assert press_up.progress == Progress("hold", 5.0, 30.0, every_days=7.0)


def test_back_strength_numbers_match_001() -> None:
    r = load("back-strength")
    assert specs(r) == [
        ("Arch hold", "hold 30s x3"),  # about 30 s, then another 2-3 times
        ("Swimmer kicks", "paced 1.5s x50"),  # about 50 reps
        ("Forearm plank", "hold 60s x1 x3 sets"),  # about 1 min, then 2 more sets
        ("Bird dog", "timed 60s x3 sets"),  # alternate for 1 min, then 2 more sets
        ("Squat", "paced 3s x10"),  # no numbers in the source
        ("Bent row", "self x10 x3 sets"),  # 3 sets of 10
        ("Deadlift", "self x10 x2 sets"),  # "2 to 3 sets of 10": the low end first
    ]
    deadlift = exercise(r, "Deadlift")
    assert "2 to 3 sets" in steps_text(deadlift)
    assert deadlift.progress == Progress("sets", 1.0, 3.0, every_days=14.0)  # ... grows to 3
    assert exercise(r, "Arch hold").progress == Progress("reps", 1.0, 4.0, every_days=14.0)
    assert "3 to 4" in steps_text(exercise(r, "Arch hold"))


def test_back_stretch_is_six_stretches_of_a_minute() -> None:
    r = load("back-stretch")
    assert specs(r) == [
        ("Seated forward fold", "timed 60s"),
        ("Head to knee forward fold", "timed 60s both"),
        ("Cat and cow", "phased 3s+3s x10"),  # "Do this 10 times in a row": also one minute
        ("Seated crossed-leg forward fold", "timed 60s"),
        ("Eye of the needle", "timed 60s both"),
        ("Reclined spinal twist", "timed 60s both"),
    ]
    # "at least 1 to 2 minutes in each": the timed stretches grow to 2 minutes.
    for ex in r.exercises:
        if ex.kind is WorkKind.TIMED:
            assert ex.progress == Progress("duration", 15.0, 120.0, every_days=7.0), ex.name
            assert ex.breath is not None, ex.name  # "with breathing techniques"


def test_lower_back_home_is_the_eight_exercise_set_of_003() -> None:
    r = load("lower-back-home")
    assert specs(r) == [
        ("Kneeling stretch", "hold 10s x8"),
        ("Back raise", "hold 10s x10"),
        ("Knee twist", "hold 10s x5 alternate"),
        ("Knees to chest", "hold 3s x10"),  # "a few seconds"
        ("Sphinx", "hold 3s x10"),  # "a few seconds"
        ("Cat", "phased 3s+3s x10"),
        ("Pelvic lift", "hold 10s x10"),
        ("Superman", "max x10"),  # "as long as you can", ten times
    ]
    assert "three times a week" in r.description


def test_lower_back_therapy_is_stages_one_two_and_the_complex() -> None:
    r = load("lower-back-therapy")
    assert specs(r) == [
        ("Lazy cat", "phased 3s+2s+3s+2s x5"),  # 5-10
        ("Twisting", "paced 4s x3 alternate"),  # 3-5 to start, up to 10 or more
        ("Bridge on the shoulder blades", "paced 4s x3"),  # 3-5; 10 after about a month
        ("Crawling under", "timed 30s"),
        ("Straight-leg hug", "max x5"),  # 5-6
        ("Lying knee sway", "phased 4s+4s x9"),  # 9-10
        ("Breathing chest lift", "phased 4s+4s x10"),  # 10
    ]
    assert exercise(r, "Twisting").progress == Progress("reps", 1.0, 10.0, every_days=7.0)
    bridge = exercise(r, "Bridge on the shoulder blades").progress
    assert bridge is not None
    assert bridge.field == "reps"
    assert bridge.max == 10
    # reaches 10 at "about a month"
    assert bridge.every_days is not None
    weeks_to_max = (bridge.max - 3) / bridge.step * bridge.every_days / 7
    assert 3 <= weeks_to_max <= 5
    # "take a very deep breath ... As you exhale, lift your chest"
    assert breaths(exercise(r, "Breathing chest lift")) == ["inhale", "exhale"]
    assert "5 to 10" in steps_text(exercise(r, "Lazy cat"))
    assert any("III" in c and "IV" in c for c in r.cautions)


def test_warm_up_is_three_steps() -> None:
    r = load("warm-up")
    assert specs(r) == [
        ("Relax on your back", "timed 30s"),
        ("Press the lower back down", "hold 3s x10"),  # 10-12 times
        ("Buttock lift", "hold 3s x10"),  # at least 10 times
    ]
    assert "10 to 12" in steps_text(exercise(r, "Press the lower back down"))


def test_spine_stretch_holds() -> None:
    r = load("spine-stretch")
    assert specs(r) == [
        ("Whole-spine stretch", "hold 30s x2"),  # 30 s, relax, repeat
        ("Arching cat", "hold 10s x3"),
        ("Ball", "hold 10s x3"),
        ("Hang from a bar", "hold 30s x1"),  # at least 30 s
        ("Knees to chest", "hold 10s x3"),
    ]
    assert "4 to 7" in steps_text(exercise(r, "Knees to chest"))
    assert "hernia" in (exercise(r, "Ball").caution or "")
    assert any("traction" in c for c in r.cautions)


def test_qigong_pillar_is_a_long_hold_then_three_minutes_of_breathing_strokes() -> None:
    r = load("qigong-pillar")
    stance, strokes = r.exercises
    assert stance.kind is WorkKind.MAX
    assert stance.rest == 0  # part two starts from the pose part one ends in
    assert strokes.kind is WorkKind.PHASED
    # "When your hands go back, inhale, when your hands go forward, exhale."
    assert [(p.label, p.breath) for p in strokes.phases] == [
        ("Hands back", "inhale"),
        ("Hands forward", "exhale"),
    ]
    timeline = compile_timeline(r)
    part_two = [s for s in timeline.segments if s.exercise_index == 1 and s.kind == "work"]
    assert sum(s.estimate for s in part_two) == 180.0  # "Part two lasts only 3 minutes"
    assert not [s for s in timeline.segments if s.kind == "rest" and s.exercise_index == 0]
    # "hold out for at least a few minutes": counted as 3 minutes, not 30 s
    assert stance.expect == 180.0
    (stance_seg,) = [s for s in timeline.segments if s.exercise_index == 0 and s.kind == "work"]
    assert stance_seg.is_open and stance_seg.estimate == 180.0
    assert timeline.total == r.prepare + 180.0 + 180.0


def test_home_back_is_the_home_set_of_002() -> None:
    r = load("home-back")
    assert specs(r) == [
        ("Child's pose", "timed 30s"),
        ("Fitball back lift", "phased 3s+3s x8"),
        ("Fitball bridge roll", "timed 30s"),
        ("Side plank", "phased 2s+3s+3s x5 both"),
        ("Lunges", "paced 4s x8 alternate"),
        ("Dog and bird", "hold 2s x5 alternate"),
        ("Hip bridge", "hold 3s x8"),
        ("Boat", "phased 2s+3s+2s x8"),
        ("Pendulum", "phased 2s+2s x10"),
        ("Hyperextension", "paced 3s x15"),
        ("Snake pose", "phased 4s+4s+4s x5"),
        ("Prayer", "timed 30s"),
    ]
    # The source's breathing: up on the exhale, back on the inhale; side plank and boat rise
    # on the exhale; the snake lifts after a deep inhale.
    assert breaths(exercise(r, "Fitball back lift")) == ["exhale", "inhale"]
    assert breaths(exercise(r, "Side plank"))[0] == "exhale"
    assert breaths(exercise(r, "Boat"))[0] == "exhale"
    assert breaths(exercise(r, "Snake pose")) == ["inhale", None, "exhale"]
    # the lift itself: "do not hold your breath" (002's tips for beginners)
    assert "breathing" in exercise(r, "Snake pose").phases[1].label
    assert "50 cm" in steps_text(exercise(r, "Boat"))
    # Hyperextension: 1 set of 15 at first, up to 3 sets (003).
    assert exercise(r, "Hyperextension").progress == Progress("sets", 1.0, 3.0, every_days=7.0)
    assert "fitball" in r.equipment
    # 003: a straight back, and a second person to help on a sofa at home
    hyper = exercise(r, "Hyperextension").caution or ""
    assert "straight" in hyper and "second person" in hyper
    assert any("two hours" in c for c in r.cautions)


def test_gym_back_is_self_paced_sets() -> None:
    # 002 "Lower back training program": every exercise 3 sets of 8-12 reps.
    r = load("gym-back")
    assert r.place == "gym"
    assert specs(r) == [
        ("Pull-down behind the head", "self x8 x3 sets"),
        ("Pull-down to the front", "self x8 x3 sets"),
        ("Smith machine bent-over row", "self x8 x3 sets"),
        ("Lying barbell row", "self x8 x3 sets"),
    ]
    for ex in r.exercises:
        assert ex.progress == Progress("reps", 1.0, 12.0, every_sessions=2), ex.name
        assert "8 to 12" in steps_text(ex)
    timeline = compile_timeline(r)
    sets = [s for s in timeline.segments if s.kind == "work"]
    assert len(sets) == 12
    assert all(s.is_open for s in sets)  # the timer waits for "set done"
    set_rests = [s for s in timeline.segments if s.reason == "set"]
    assert len(set_rests) == 8
    assert all(s.duration == 90.0 for s in set_rests)
    assert timeline.has_estimates
    # 002's contraindications and its stop-on-pain rule
    assert contraindications(r) and stops_on_pain(r)


# ------------------------------------------------ more of 003, where its progressions live


def test_lower_back_entry_builds_from_10_to_30_reps() -> None:
    # 003 "Entry level exercises": 10 each, "start with 10 times, gradually increase to 30".
    r = load("lower-back-entry")
    assert specs(r) == [
        ("Chest curl", "paced 3s x10 hands on chest/hands behind head"),
        ("Side reach", "paced 3s x10 alternate"),
        ("Diver lift", "paced 3s x10"),
        ("Arch and round", "phased 3s+3s x10"),
        ("Hip hinge", "phased 2s+1s+2s x10"),  # pause 1 s at the end point
        ("Squat", "phased 2s+1s+2s x10"),  # pause 1 s at the bottom
    ]
    for ex in r.exercises[:-1]:
        assert ex.progress == Progress("reps", 2.0, 30.0, every_sessions=3), ex.name
    assert "20 to 30 degrees" in steps_text(exercise(r, "Squat"))
    # for a back that already hurts: examined first, and stop on pain
    assert any("doctor" in c and "check" in c for c in r.cautions)
    assert stops_on_pain(r)


def test_lower_back_advanced_grows_sets_hold_and_reps() -> None:
    # 003 "More difficult exercises".
    r = load("lower-back-advanced")
    assert specs(r) == [
        ("Hyperextension", "paced 3s x15"),  # 1 set of 15 the first time ...
        ("Plank", "hold 60s x1"),  # 60-120 s
        ("Side dynamic bar", "paced 3s x10 both"),  # start with 10 reps
    ]
    assert exercise(r, "Hyperextension").progress == Progress("sets", 1.0, 3.0, every_days=7.0)
    assert exercise(r, "Plank").progress == Progress("hold", 15.0, 120.0, every_days=7.0)
    assert exercise(r, "Side dynamic bar").progress == Progress("reps", 2.0, 30.0, every_days=7.0)
    assert "60 to 120" in steps_text(exercise(r, "Plank"))
    # 003's contraindications ("General rules") and stop-on-pain; a helper at home
    assert contraindications(r) and stops_on_pain(r)
    assert "second person" in (exercise(r, "Hyperextension").caution or "")


def test_spine_gymnastics_side_plank_grows_from_10_to_40_seconds() -> None:
    # 003 "Gymnastic exercises".
    r = load("spine-gymnastics")
    assert specs(r) == [
        ("Warm-up, neck to legs", "timed 120s"),
        ("Stick bend", "hold 3s x5"),  # 3-5 s
        ("Forward bend", "hold 3s x5"),
        ("Lunges", "paced 4s x8 alternate"),  # 8 to 10 per leg
        ("Side plank", "hold 10s x1 both"),  # start with 10 s, then the other side
        ("Glute bridge", "hold 5s x8"),  # 5-7 s
        ("Snake pose", "hold 3s x5"),
        ("Legs on a chair", "timed 120s"),  # 2-3 minutes
        ("Fitball back stretch", "timed 120s"),  # at least 2-3 minutes
    ]
    assert exercise(r, "Side plank").progress == Progress("hold", 5.0, 40.0, every_days=7.0)
    assert "30 to 40" in steps_text(exercise(r, "Side plank"))
    assert "5 to 7 seconds" in steps_text(exercise(r, "Glute bridge"))
    assert "8 to 10" in steps_text(exercise(r, "Lunges"))


def test_lower_back_classic_numbers_match_003() -> None:
    # 003 "Classic exercises for the lower back".
    r = load("lower-back-classic")
    assert specs(r) == [
        ("Face-down lift", "max x15"),  # held until tired, 15 reps
        ("Head to chest", "hold 3s x4"),
        ("Leg lifts", "phased 3s+3s+3s x2"),  # the alternation 2-3 times
        ("Back lift", "phased 3s+3s x8"),
        ("Opposite reach", "paced 3s x5 alternate"),
        ("Side plank", "hold 10s x10 both"),  # 10 s, 10-12 reps per hip
        ("Spread and cross", "phased 2s+2s x7"),  # 7-8
        ("Fitball torso lift", "paced 3s x10 x4 sets"),  # 4 sets of 10-12
        ("Press-up arch", "hold 3s x5"),
        ("Child's pose", "hold 3s x3"),
        ("Cat", "phased 3s+3s x8"),
    ]
    assert exercise(r, "Side plank").progress == Progress("hold", 5.0, 30.0, every_days=7.0)
    assert breaths(exercise(r, "Back lift"))[0] == "inhale"  # breath taken on the way up
    assert "25-30 minutes" in r.description  # swimming, which needs a pool


@pytest.mark.parametrize(
    ("routine_id", "name", "expect"),
    [
        ("qigong-pillar", "Pillar stance", 180.0),  # "at least a few minutes"
        ("lower-back-home", "Superman", 30.0),  # 001's arch hold: "about 30 seconds"
        ("lower-back-classic", "Face-down lift", 30.0),  # the same face-down hold
        ("lower-back-therapy", "Straight-leg hug", 20.0),  # 002: stretches held 10-20 s
    ],
)
def test_open_ended_holds_carry_their_expected_length(
    routine_id: str, name: str, expect: float
) -> None:
    ex = exercise(load(routine_id), name)
    assert ex.kind is WorkKind.MAX
    assert ex.expect == expect
    # a hold to fatigue gets a rest as long as the hold before the next one (was 3 s)
    if ex.reps > 1:
        assert ex.rep_rest >= expect


@pytest.mark.parametrize("routine_id", ALL_IDS)
def test_no_open_ended_hold_falls_back_to_the_default_estimate(routine_id: str) -> None:
    for ex in load(routine_id).exercises:
        if ex.kind is WorkKind.MAX:
            assert ex.expect is not None, ex.name


def test_every_required_routine_exists() -> None:
    assert set(REQUIRED) <= set(ALL_IDS)


# ---------------------------------------------------------------- every routine


@pytest.mark.parametrize("routine_id", ALL_IDS)
def test_routine_compiles_to_a_plausible_timeline(routine_id: str) -> None:
    r = load(routine_id)
    timeline = compile_timeline(r)
    assert timeline.segments
    assert timeline.segments[0].kind == "prepare"
    assert timeline.segments[-1].kind == "work"
    # every exercise is in it, in order
    indexes = [s.exercise_index for s in timeline.segments if s.kind == "work"]
    assert sorted(set(indexes)) == list(range(len(r.exercises)))
    assert indexes == sorted(indexes)
    # between 1 minute and 90 minutes, by the estimate
    assert 60 <= timeline.total <= 90 * 60, timeline.total
    assert 0 < timeline.work_total < timeline.total


@pytest.mark.parametrize("routine_id", ALL_IDS)
def test_routine_has_name_description_cautions_and_steps(routine_id: str) -> None:
    r = load(routine_id)
    assert r.id == routine_id
    assert r.name.strip()
    assert len(r.description) >= 40
    assert r.cautions
    for ex in r.exercises:
        assert len(ex.steps) >= 2, ex.name
        assert all(step.strip() for step in ex.steps), ex.name


def _source_note(routine_id: str) -> str:
    """The "# Source:" paragraph of the header: its lines up to the numbers or judgement calls."""
    lines = (ROUTINES / f"{routine_id}.toml").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# Source"), lines[0]
    note: list[str] = []
    for line in lines:
        if not line.startswith("#") or line.startswith(("# Numbers", "# Judgement")):
            break
        note.append(line.lstrip("# "))
    return " ".join(note)


SEED_FILE = re.compile(r"shared/seeds/[\w.]|\d{3}_[0-9a-f]{16}|\.txt\b")


def _plain(text: str) -> str:
    """For finding a title in a text: lower case, no quote marks, single spaces."""
    text = re.sub(r"[\"'‘’“”«»]", "", text.lower())
    return " ".join(text.split())


@pytest.mark.parametrize("routine_id", ALL_IDS)
def test_routine_file_names_its_source_by_title_not_by_path(routine_id: str) -> None:
    text = (ROUTINES / f"{routine_id}.toml").read_text(encoding="utf-8")
    assert not SEED_FILE.search(text), "a path to a source text, not its title"
    note = _source_note(routine_id)
    quoted = re.findall(r'"([^"]+)"', note)
    assert len(quoted) >= 2, f"{routine_id}: name the article and the section: {note}"
    seeds = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    if not seeds:
        print(f"the source texts are not at {SEEDS}: titles not compared with them")
        return
    texts = [_plain(seed.read_text(encoding="utf-8")) for seed in seeds]
    # every title and heading named is one of the texts' own
    for title in quoted:
        assert any(_plain(title) in t for t in texts), f"{routine_id}: {title!r} is in no source"


def test_sources_doc_lists_every_routine_and_names_its_sources() -> None:
    text = SOURCES_DOC.read_text(encoding="utf-8")
    rows = re.findall(r"^\|\s*`([a-z0-9-]+)`\s*\|", text, re.MULTILINE)
    assert sorted(set(rows)) == ALL_IDS
    assert not SEED_FILE.search(text), "a path to a source text, not its title"
    for routine_id in ALL_IDS:
        article = re.findall(r'"([^"]+)"', _source_note(routine_id))[0]
        assert _plain(article) in _plain(text), f"docs/sources.md does not name {article!r}"


# ---------------------------------------------------------------- our words, not theirs

RUN = 8  # this many consecutive words in common with a source counts as copied
CLOSE_WORDS = 7  # a sentence of ours this long or longer ...
CLOSE_SHARE = 0.6  # ... with this share of its words in the order of one source sentence
CLOSE_DENSITY = 0.5  # ... which are at least half of that source passage, is a close rewrite


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower().replace("’", "").replace("'", ""))


def _our_texts(path: Path) -> list[str]:
    """Every sentence a user reads: description, cautions, steps and exercise cautions."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    texts = [data["routine"].get("description", ""), *data["routine"].get("cautions", [])]
    for ex in data["exercise"]:
        texts.extend(ex.get("steps", []))
        if "caution" in ex:
            texts.append(ex["caution"])
    return texts


def _runs(words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + RUN]) for i in range(len(words) - RUN + 1)}


def _copied(text: str, grams: set[tuple[str, ...]]) -> str | None:
    words = _words(text)
    for i in range(len(words) - RUN + 1):
        if tuple(words[i : i + RUN]) in grams:
            return " ".join(words[i : i + RUN])
    return None


def _stems(text: str) -> list[str]:
    """Words without numbers (the numbers are the sources' and stay), lightly stemmed so that
    "stretch" and "stretching", "blade" and "blades" count as one word."""
    stems = []
    for word in re.findall(r"[a-z]+", text.lower().replace("’", "").replace("'", "")):
        endings = [e for e in ("ing", "es", "s", "ed") if len(word) > 4 and word.endswith(e)]
        stems.append(word[: -len(endings[0])] if endings else word)
    return stems


def _in_order(ours: list[str], theirs: list[str]) -> int:
    """How many of our words appear in the same order in theirs (longest common subsequence)."""
    previous = [0] * (len(theirs) + 1)
    for word in ours:
        row = [0]
        for j, other in enumerate(theirs):
            row.append(previous[j] + 1 if word == other else max(previous[j + 1], row[j]))
        previous = row
    return previous[-1]


def _passages(text: str) -> list[list[str]]:
    """Each sentence of a source, and each run of its clauses (a sentence may hide the clause
    a step was rewritten from behind a long lead-in)."""
    passages = []
    for sentence in re.split(r"[.!?\n]+", text):
        clauses = [c for c in (_stems(part) for part in re.split(r"[,;:()]", sentence)) if c]
        for start in range(len(clauses)):
            run: list[str] = []
            for clause in clauses[start:]:
                run = run + clause
                if len(run) >= 3:
                    passages.append(run)
    return passages


def _rewritten(text: str, passages: list[tuple[list[str], set[str]]]) -> tuple[float, str] | None:
    """(share, source passage) when a sentence of `text` keeps most of its words in the order
    of one source passage: a close rewrite, synonyms swapped. None when none is."""
    for sentence in re.split(r"(?<=[.;:!?])\s+", text):
        ours = _stems(sentence)
        if len(ours) < CLOSE_WORDS:
            continue
        for theirs, vocabulary in passages:
            if sum(word in vocabulary for word in ours) < CLOSE_SHARE * len(ours):
                continue  # too few words in common to be close: skip the slow count
            common = _in_order(ours, theirs)
            if common >= CLOSE_SHARE * len(ours) and common >= CLOSE_DENSITY * len(theirs):
                return common / len(ours), " ".join(theirs)
    return None


def _source_passages(*texts: str) -> list[tuple[list[str], set[str]]]:
    return [(p, set(p)) for text in texts for p in _passages(text)]


def test_the_copy_check_catches_a_copied_sentence() -> None:
    seed = "Lie on your back and bend your knees, keeping your feet flat."
    grams = _runs(_words(seed))
    assert _copied("Lie on your back and bend your knees, keeping your feet flat.", grams)
    assert not _copied("Lie face up, knees bent, soles on the floor.", grams)


# Close rewrites the routines once had, each with the source sentence it followed.
REWRITES = [
    (
        "Arch the back and raise straight arms and legs as high as you can.",
        "Arch your back and lift your straight arms and legs off the floor as high as you can.",
    ),
    (
        "Stand with feet shoulder-width apart, a stick behind your back at shoulder-blade "
        "height, elbows bent.",
        "bending over with a gymnastic stick. Place your feet shoulder-width apart, place the "
        "stick behind your back at the level of your shoulder blades, elbows bent.",
    ),
    (
        "Sway your knees slowly to the right, trying to bring the right knee to the floor.",
        "Place your hands behind your head and clasp them in a lock. Slowly swing your legs to "
        "the right, trying to touch your right knee to the floor.",
    ),
    (
        "Warm up the muscles before you stretch them.",
        "Warm up your muscles before stretching them. This strengthens the respiratory and "
        "cardiovascular systems.",
    ),
]


@pytest.mark.parametrize(("ours", "theirs"), REWRITES)
def test_the_copy_check_catches_a_close_rewrite(ours: str, theirs: str) -> None:
    passages = _source_passages(theirs)
    assert _rewritten(ours, passages)
    # short coaching cues with the same facts pass
    assert not _rewritten("Lie face up. Knees bent, soles down.", passages)


@pytest.mark.parametrize(
    "ours",
    [
        "Face down, arms reaching past your ears: lift them and your legs, back arched, high.",
        "Feet apart as wide as your shoulders; a gymnastic stick across your shoulder blades, "
        "held in bent arms.",
        "Let both knees sink to the right; aim to rest the right knee on the floor.",
        "Before you stretch, get warm: a few minutes of easy movement.",
    ],
)
def test_the_copy_check_passes_the_same_facts_said_our_way(ours: str) -> None:
    passages = _source_passages(*(theirs for _, theirs in REWRITES))
    assert not _rewritten(ours, passages)


def test_no_sentence_is_copied_from_the_sources() -> None:
    seeds = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    if not seeds:
        pytest.skip(f"the source texts are not at {SEEDS} (a shared/seeds folder beside the clone)")
    texts = [seed.read_text(encoding="utf-8") for seed in seeds]
    grams: set[tuple[str, ...]] = set()
    for text in texts:
        grams |= _runs(_words(text))
    passages = _source_passages(*texts)
    copied = []
    for path in sorted(ROUTINES.glob("*.toml")):
        for text in _our_texts(path):
            run = _copied(text, grams)
            if run:
                copied.append(f"{path.name}: {text!r} has {run!r}")
            close = _rewritten(text, passages)
            if close:
                copied.append(f"{path.name}: {text!r} follows {close[1]!r} ({close[0]:.0%})")
    assert not copied, "\n".join(copied)
