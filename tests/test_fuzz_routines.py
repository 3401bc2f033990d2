"""Fuzzing the routine format: generated routine documents, valid ones and mutations (wrong
types, sizes, unicode, control characters, nesting, broken TOML), go through the loader,
the timeline and `backtimer plan` (text and JSON).

What must hold for every document: the loader raises RoutineError and nothing else, and
never through its last-resort handler (a "cannot read this routine (SomeError: ...)"
message means an unforeseen fault); a routine that loads compiles within the limits, and
`plan` prints no raw control character. Every example is timed.

`make test` runs a short pass (FUZZ_EXAMPLES, default 40 per test); `make fuzz` runs the
long one (BACKTIMER_FUZZ_EXAMPLES=3000).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import tempfile
import time
from datetime import UTC, date, datetime
from datetime import time as clock_time
from pathlib import Path
from typing import Any

import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backtimer.cli.main import main as cli_main
from backtimer.routine import limits, schema
from backtimer.routine.loader import RoutineError, load_text
from backtimer.routine.model import Routine
from backtimer.routine.writer import to_toml
from backtimer.timeline import compile as compile_timeline
from tests.strategies import routines

EXAMPLES = int(os.environ.get("BACKTIMER_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,  # timed by hand below, with a bound that holds on a busy machine
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SECONDS = 5.0  # per document: load + compile + plan (docs/performance.md: under 2 s alone)
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
LAST_RESORT = "cannot read this routine ("

# --- values -------------------------------------------------------------------------------

controls = st.sampled_from(["\x1b", "\x9b", "\x07", "\x00", "\x7f", "\x85", "\r", "\n", "\t"])
hostile_text = st.one_of(
    st.text(max_size=30),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30),
    st.builds(lambda a, c, b: a + c + b, st.text(max_size=8), controls, st.text(max_size=8)),
    st.sampled_from(["Evil\x1b]52;c;aGk=\x07", "\x1b[2J", "\x9b31m", "\x90q\x1b\\", "=1+2"]),
    st.integers(1, 3000).map(lambda n: "x" * n),
)
durations = st.one_of(
    st.integers(-5, 20000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["3s", "1m30s", "4h", "5h", "0", "max", "self", "1h1h", "-3s", " 2 m "]),
    st.integers(0, 400).map(lambda n: "9" * max(n, 1) + "s"),
)
counts = st.one_of(
    st.integers(-3, 2100), st.integers(min_value=10**30, max_value=10**60), st.booleans()
)
huge_numbers = st.integers(1, 420).map(lambda n: int("9" * n))
scalars = st.one_of(
    st.booleans(),
    st.integers(),
    huge_numbers,
    st.floats(allow_nan=True, allow_infinity=True),
    hostile_text,
    st.dates(),
    st.datetimes(timezones=st.just(UTC)),
    st.times(),
)


def _nest(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.lists(inner, max_size=5), st.dictionaries(hostile_text, inner, max_size=4))


anything = st.recursive(scalars, _nest, max_leaves=20)
sides = st.one_of(
    st.sampled_from(["both", "alternate", "left"]),
    st.lists(hostile_text, max_size=12),
    st.integers(2, 300).map(lambda n: [f"s{i}" for i in range(n)]),
)
phases = st.lists(
    st.fixed_dictionaries(
        {"label": hostile_text, "secs": durations},
        optional={"breath": st.sampled_from(["inhale", "exhale", "hold", "sing"])},
    ),
    max_size=25,
)
every = st.one_of(
    st.sampled_from(["1w", "3d", "3 sessions", "52w", "53w", "366d", "1001 sessions", "0d"]),
    st.integers(1, 400).map(lambda n: "9" * n + "d"),
    st.integers(1, 400).map(lambda n: "9" * n + " sessions"),
    st.integers(1, 5000).map(lambda n: f"{n}d"),
)
progress = st.fixed_dictionaries(
    {},
    optional={
        "hold": st.sampled_from(["+5s", "+0s", "5h"]) | durations,
        "reps": st.sampled_from(["+2", "+0", "+" + "9" * 400]) | counts,
        "sets": counts,
        "duration": durations,
        "every": every,
        "max": st.one_of(counts, durations),
    },
)
breath = st.one_of(
    st.just(False),
    st.fixed_dictionaries({"inhale": durations, "exhale": durations}, optional={"hold": durations}),
)
PLAUSIBLE: dict[str, st.SearchStrategy[Any]] = {
    "name": hostile_text,
    "description": hostile_text,
    "caution": hostile_text,
    "place": st.sampled_from(["chair", "floor", "moon"]),
    "tags": st.lists(hostile_text, max_size=60),
    "equipment": st.lists(hostile_text, max_size=5),
    "cautions": st.lists(hostile_text, max_size=5),
    "steps": st.lists(hostile_text, max_size=60),
    "hold": durations,
    "duration": durations,
    "tempo": durations,
    "prepare": durations,
    "rest": durations,
    "rep_rest": durations,
    "set_rest": durations,
    "side_rest": durations,
    "reps": counts,
    "sets": counts,
    "sides": sides,
    "phases": phases,
    "progress": progress,
    "breath": breath,
}


def table(keys: dict[str, schema.Field]) -> st.SearchStrategy[dict[str, Any]]:
    """A table with some of `keys`, each a plausible value or anything at all, and now and
    then a key that does not exist."""
    value = {k: st.one_of(PLAUSIBLE.get(k, anything), anything) for k in keys}
    known = st.fixed_dictionaries({}, optional=value)
    return st.builds(lambda a, b: a | b, known, st.dictionaries(hostile_text, anything, max_size=2))


documents = st.fixed_dictionaries(
    {},
    optional={
        "routine": table(schema.ROUTINE) | anything,
        "defaults": table(schema.DEFAULTS) | anything,
        "exercise": st.lists(table(schema.EXERCISE), max_size=6)
        | st.integers(95, 110).map(lambda n: [{"name": "a", "hold": 1}] * n)
        | anything,
    },
).map(lambda d: d if "routine" in d else {"routine": {"name": "R"}} | d)


def toml_of(doc: dict[str, Any]) -> str | None:
    try:
        return tomli_w.dumps(doc)
    except (TypeError, ValueError):  # e.g. a value TOML cannot hold
        return None


# Edits to TOML text that a hand-made or damaged file may carry.
NOISE = ["[[exercise]]\n", "[routine]\n", '"', "\\u001b", "\\U0000009b", "[" * 500, "{a=", "\n",
         "= ", "\x00", "\x1b", "\ufeff", "'''", '"""', "9" * 5000, "a.b.c = 1\n"]  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """A valid routine's TOML, with a few slices deleted, repeated or replaced by noise."""
    routine = draw(routines())
    text = to_toml(routine)
    for _ in range(draw(st.integers(1, 4))):
        if not text:
            break
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start, min(len(text), start + 40)))
        action = draw(st.sampled_from(["delete", "repeat", "insert"]))
        if action == "delete":
            text = text[:start] + text[end:]
        elif action == "repeat":
            text = text[:end] + text[start:end] * draw(st.integers(1, 50)) + text[end:]
        else:
            text = text[:start] + draw(st.sampled_from(NOISE) | hostile_text) + text[start:]
    return text


# --- what must hold -----------------------------------------------------------------------


def check(text: str) -> None:
    """Load, compile and plan `text`; only RoutineError, and within the time bound."""
    started = time.monotonic()
    try:
        routine = load_text(text, source="fuzz.toml", routine_id="fuzz")
    except RoutineError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert not problem.message.startswith(LAST_RESORT), str(problem)
            assert not RAW_CONTROL.search(problem.message), repr(problem.message)
        assert time.monotonic() - started < SECONDS
        return
    assert_clean(routine)
    timeline = compile_timeline(routine)
    assert len(timeline.segments) <= limits.MAX_SEGMENTS
    assert timeline.total <= limits.MAX_TOTAL
    plan(text)
    assert time.monotonic() - started < SECONDS


def assert_clean(routine: Routine) -> None:
    """No text of a loaded routine holds a control character (but newline/tab in long text)."""
    short = [routine.name, *routine.tags, *routine.equipment]
    long = [routine.description, *routine.cautions]
    for ex in routine.exercises:
        short += [ex.name, *ex.sides, *(p.label for p in ex.phases)]
        long += [*ex.steps, ex.caution or ""]
    for text in short:
        assert not re.search("[\x00-\x1f\x7f-\x9f]", text), repr(text)
    for text in long:
        assert not RAW_CONTROL.search(text), repr(text)


def plan(text: str) -> None:
    """`backtimer plan` and `plan --json` of the text, in this process: no raw control
    character in what they print."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.toml"
        path.write_text(text, encoding="utf-8")
        for args in (["plan", str(path), "--level", "base"], ["plan", "--json", str(path)]):
            out = io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
                code = cli_main(args)
            assert code == 0, out.getvalue()
            assert not RAW_CONTROL.search(out.getvalue()), repr(out.getvalue()[:200])


@settings(
    FUZZ, max_examples=max(10, EXAMPLES // 3)
)  # each plans twice; roundtrip tests load many more
@given(routines())
def test_valid_routines_load_compile_and_plan(routine: Routine) -> None:
    check(to_toml(routine))


@FUZZ
@given(documents)
def test_generated_documents_only_ever_raise_routine_error(doc: dict[str, Any]) -> None:
    text = toml_of(doc)
    if text is not None:
        check(text)


@FUZZ
@given(mutated())
def test_mutated_routine_files_only_ever_raise_routine_error(text: str) -> None:
    check(text)


@FUZZ
@given(st.binary(max_size=2000) | st.text(max_size=2000))
def test_any_bytes_or_text_only_ever_raise_routine_error(data: bytes | str) -> None:
    from backtimer.routine.loader import load_bytes

    started = time.monotonic()
    try:
        if isinstance(data, bytes):
            load_bytes(data, source="fuzz.toml", routine_id="fuzz")
        else:
            load_text(data, source="fuzz.toml", routine_id="fuzz")
    except RoutineError as exc:
        assert not any(p.message.startswith(LAST_RESORT) for p in exc.problems), str(exc)
    assert time.monotonic() - started < SECONDS


def test_the_fuzz_values_reach_the_loader_as_toml() -> None:
    # The generators are worth something only if TOML can hold what they make.
    doc = {
        "routine": {"name": "Evil\x1b]52;c;aGk=\x07", "when": date(2026, 1, 1)},
        "exercise": [{"name": "a", "hold": 10**300, "at": datetime(2026, 1, 1), "t": clock_time()}],
    }
    text = toml_of(doc)
    assert text is not None and "\\u001b" in text
    check(text)
