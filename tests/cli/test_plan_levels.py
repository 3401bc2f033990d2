"""`backtimer plan --json` says where each growing exercise stands: "levels"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backtimer.cli.main import main
from tests.helpers.grow_helpers import CAT, CRUNCH, SIDE_PLANK, grow_toml, record_completed

GROW = grow_toml(SIDE_PLANK, CRUNCH, CAT)


def plan(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, object]:
    assert main(["plan", "grow", "--json", *argv]) == 0
    data: dict[str, object] = json.loads(capsys.readouterr().out)
    return data


def test_plan_json_levels(user_routines: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (user_routines / "grow.toml").write_text(GROW, encoding="utf-8")
    record_completed(4, exercises=3)
    current = plan(capsys)
    assert current["level"] == "current"
    levels = current["levels"]
    assert isinstance(levels, list) and [lv["exercise"] for lv in levels] == [
        "Side plank",
        "Crunch",
    ]
    plank, crunch = levels
    assert {k: crunch[k] for k in ("exercise_index", "field", "base", "current", "max")} == {
        "exercise_index": 1, "field": "reps", "base": 10, "current": 12, "max": 30,
    }  # fmt: skip
    assert (crunch["sessions_to_next"], crunch["next_date"], crunch["at_max"]) == (2, None, False)
    assert crunch["text"] == "12 reps (from 10 reps, up to 30 reps); grows after 2 more sessions"
    # weekly: no week has ended yet, so still 10 s; it grows a week after the first session
    assert (plank["field"], plank["base"], plank["current"], plank["max"]) == ("hold", 10, 10, 40)
    assert plank["sessions_to_next"] is None and isinstance(plank["next_date"], str)

    base = plan(capsys, "--level", "base")
    assert base["level"] == "base"
    assert base["levels"] == levels  # where the history stands, whichever level runs
    reps = [s for s in base["segments"] if s["exercise"] == "Crunch" and s["kind"] == "work"]  # type: ignore[union-attr,index]
    assert len(reps) == 10


def test_plan_json_levels_without_history(
    user_routines: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (user_routines / "grow.toml").write_text(GROW, encoding="utf-8")
    levels = plan(capsys)["levels"]
    assert [(lv["current"], lv["base"]) for lv in levels] == [(10, 10), (10, 10)]  # type: ignore[union-attr,index]
    assert levels[1]["sessions_to_next"] == 3  # type: ignore[index]
    assert levels[0]["text"].endswith("starts growing after your first session")  # type: ignore[index]
