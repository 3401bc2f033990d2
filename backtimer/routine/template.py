"""The annotated template `backtimer new` writes: one exercise of each way of working,
every field explained in a comment. It must load without errors (tests/cli/test_authoring.py)."""

from __future__ import annotations

import json

SCHEMA_NAME = "routine.schema.json"

TEMPLATE = """\
#:schema {schema}
# A backtimer routine. One routine per file; its id is the file name ({id}).
# Durations: a number of seconds (3, 1.5) or text such as "90s", "2m", "1m30s", "1h".
# Check it with:  backtimer validate {id}.toml   (or `backtimer show {id}`)
# The whole format: docs/routines.md. Editors with a TOML language server (Taplo,
# Even Better TOML) check and complete this file as you type, thanks to the first line.

[routine]
name = {name}                 # required: shown in the library
description = "What this routine is for, in a sentence or two."
tags = ["back"]                  # words to find it by
place = "floor"                  # chair | standing | floor | anywhere | gym
equipment = []                   # e.g. ["fitball"], ["bar"]
cautions = [                     # shown before the routine starts
    "Stop at once if you feel sharp pain.",
    "With a spine condition, ask your doctor first.",
]

[defaults]                       # every key optional; each exercise may override them
prepare = "10s"                  # get-ready countdown before the first exercise (0 = none)
rest = "15s"                     # rest between exercises
rep_rest = "2s"                  # relax between held or timed reps
set_rest = "30s"                 # rest between sets
side_rest = "5s"                 # pause to switch sides
tempo = "3s"                     # length of one paced rep
breath = {{ inhale = "4s", exhale = "6s" }}   # breath pacer in holds and rests; false = off

# Each [[exercise]] has a name, optional steps and caution, and exactly ONE way of working:
#   hold = "3s"          each rep is a hold
#   duration = "1m"      one continuous timed block (no reps)
#   phases = [...]       each rep runs through these phases
#   reps alone           paced reps, each `tempo` long
#   tempo = "self"       you work at your own pace and say when the set is done
#   hold = "max"         hold as long as you can; the time is recorded
#                        (expect = "3m" says how long it usually lasts, for estimates)

[[exercise]]
name = "Bridge"
steps = ["Lie on your back, knees bent.", "Lift the hips until the body is a straight line."]
hold = "10s"                     # each rep is a 10 s hold
reps = 5
sets = 1                         # 1 is the default
rep_rest = "3s"                  # overrides defaults.rep_rest for this exercise
# grows over the weeks: +5 s every week, up to 30 s (or every = "3 sessions")
progress = {{ hold = "+5s", every = "1w", max = "30s" }}

[[exercise]]
name = "Side plank"
caution = "Keep the neck long."  # shown on the rest screen before this exercise
duration = "30s"                 # one timed block per side
sides = "both"                   # "both": one side, switch, the other side
rest = "30s"                     # rest after this exercise (overrides defaults.rest)

[[exercise]]
name = "Cat and cow"
steps = ["On hands and knees.", "Round the back up, then let it sag gently."]
phases = [                       # each rep: these phases in order
    {{ label = "Round the back", breath = "exhale", secs = 3 }},
    {{ label = "Let it sag", breath = "inhale", secs = 3 }},
]
reps = 8
breath = false                   # the phases say the breathing; no pacer

[[exercise]]
name = "Knee to chest"
reps = 10                        # reps alone: paced reps
tempo = "2s"                     # each rep 2 s (overrides defaults.tempo)
sides = "alternate"              # left, right, left...; reps count per side

[[exercise]]
name = "Bird dog"
tempo = "self"                   # your own pace: press Done when the set is done
reps = 10
sets = 2
set_rest = "45s"                 # rest between its sets (overrides defaults.set_rest)
sides = ["left arm", "right arm"]   # or your own labels for the sides

[[exercise]]
name = "Superman"
hold = "max"                     # as long as you can; the time held is recorded
expect = "20s"                   # how long a hold usually lasts: for the estimated total
reps = 2
rep_rest = "20s"                 # a hold to fatigue needs a real rest before the next
breath = {{ inhale = "4s", hold = "2s", exhale = "6s" }}   # its own pacer
"""


def render(routine_id: str, schema: str) -> str:
    """The template for a new routine with this id; `schema` is the #:schema target."""
    name = routine_id.replace("-", " ").replace("_", " ").strip().capitalize() or "My routine"
    return TEMPLATE.format(id=routine_id, name=json.dumps(name, ensure_ascii=False), schema=schema)
