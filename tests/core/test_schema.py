# ruff: noqa: E501  (TOML snippets read better on one line)
"""docs/routine.schema.json: up to date, accepts every routine the loader accepts, and
knows exactly the keys the loader knows (so the two cannot drift apart)."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings

from backtimer.paths import builtin_routines_dir
from backtimer.routine.loader import RoutineError, load_text
from backtimer.routine.loader import schema as fields
from backtimer.routine.schema_json import SCHEMA_FILE, json_schema, schema_text
from backtimer.routine.writer import to_data
from tests.helpers.strategies import routines

ROOT = Path(__file__).resolve().parents[2]
VALIDATOR = jsonschema.Draft7Validator(json_schema())


def schema_errors(data: dict[str, Any]) -> list[str]:
    return [e.message for e in VALIDATOR.iter_errors(data)]


def test_the_schema_file_is_up_to_date() -> None:
    path = ROOT / SCHEMA_FILE
    assert path.read_text(encoding="utf-8") == schema_text(), (
        "docs/routine.schema.json is out of date: run python -m backtimer.routine.schema_json --write"
    )
    jsonschema.Draft7Validator.check_schema(json.loads(path.read_text(encoding="utf-8")))


@pytest.mark.parametrize(
    "path", sorted(builtin_routines_dir().glob("*.toml")), ids=lambda p: p.stem
)
def test_every_built_in_routine_matches_the_schema(path: Path) -> None:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert schema_errors(data) == []


@settings(max_examples=100, deadline=None)
@given(routines())
def test_every_routine_the_writer_writes_matches_the_schema(routine: Any) -> None:
    assert schema_errors(to_data(routine)) == []


def schema_keys(node: dict[str, Any]) -> set[str]:
    return set(node["properties"])


def test_the_schema_and_the_loader_know_the_same_keys() -> None:
    schema = json_schema()
    defs = schema["definitions"]
    tables = {
        "routine": schema["properties"]["routine"],
        "defaults": schema["properties"]["defaults"],
        "exercise": defs["exercise"],
        "phase": defs["phase"],
        "breath": defs["breath"],
        "progress": defs["progress"],
    }
    assert set(schema["properties"]) == set(fields.TOP_LEVEL)
    for name, node in tables.items():
        assert schema_keys(node) == set(fields.TABLES[name]), name


# The loader lists the keys it accepts when it meets an unknown one: the same keys as the schema.
@pytest.mark.parametrize(
    ("table", "text"),
    [
        ("routine", '[routine]\nname = "N"\nzzzz = 1\n[[exercise]]\nname = "A"\nhold = 3\n'),
        ("defaults", '[routine]\nname = "N"\n[defaults]\nzzzz = 1\n[[exercise]]\nname = "A"\nhold = 3\n'),
        ("exercise", '[routine]\nname = "N"\n[[exercise]]\nname = "A"\nhold = 3\nzzzz = 1\n'),
        ("phase", '[routine]\nname = "N"\n[[exercise]]\nname = "A"\nphases = [{ label = "x", secs = 1, zzzz = 1 }]\n'),
        ("breath", '[routine]\nname = "N"\n[[exercise]]\nname = "A"\nhold = 3\nbreath = { inhale = 1, exhale = 1, zzzz = 1 }\n'),
        ("progress", '[routine]\nname = "N"\n[[exercise]]\nname = "A"\nhold = 3\nprogress = { hold = 1, every = "1w", max = 9, zzzz = 1 }\n'),
    ],
)  # fmt: skip
def test_the_loader_accepts_exactly_the_schemas_keys(table: str, text: str) -> None:
    with pytest.raises(RoutineError) as err:
        load_text(text, source="n.toml", routine_id="n")
    (problem,) = [p for p in err.value.problems if "zzzz" in p.message]
    listed = problem.message.split("expected one of: ")[1].split(", ")
    node = json_schema()["definitions"].get(table) or json_schema()["properties"][table]
    assert set(listed) == schema_keys(node)
    assert schema_errors(tomllib.loads(text)) != []


@pytest.mark.parametrize(
    "exercise",
    [
        'name = "A"\nhodl = 3',
        'name = "A"\nhold = "three"',
        'name = "A"\nhold = 0',
        'name = "A"\nreps = 0',
        'name = "A"\nreps = 1001',
        'name = "A"\nhold = 3\nsides = "each"',
        'name = "A"\nhold = 3\nbreath = { inhale = 0, exhale = 2 }',
        'name = "A"\nphases = []',
        'name = "A"\nhold = 3\nprogress = { hold = "+5s", reps = "+2", every = "1w", max = 40 }',
        'name = "A"\nhold = 3\nprogress = { hold = "+5s", every = "weekly", max = 40 }',
        'name = ""\nhold = 3',
    ],
)
def test_the_schema_rejects_what_the_loader_rejects(exercise: str) -> None:
    text = f'[routine]\nname = "N"\n\n[[exercise]]\n{exercise}\n'
    with pytest.raises(RoutineError):
        load_text(text, source="n.toml", routine_id="n")
    assert schema_errors(tomllib.loads(text)) != []
