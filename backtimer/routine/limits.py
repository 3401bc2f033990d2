"""The upper bounds of a routine file, in one place (docs/security.md, docs/routines.md).

They keep the work of every command bounded for any file, however hostile: the loader
checks each one and names the exercise and the limit; the JSON Schema states the ones a
schema can. The longest built-in routine is about 25 minutes and 211 segments, so each
limit is far above what a real routine needs.
"""

from __future__ import annotations

MAX_FILE_BYTES = 1024 * 1024  # a routine file; checked before it is read
MAX_EXERCISES = 100
MAX_SIDES = 8  # labels in a sides list
MAX_PHASES = 20  # phases of a phased rep
MAX_REPS = 1000
MAX_SETS = 100
MAX_DURATION = 4 * 3600.0  # any one duration (hold, rest, phase, tempo, breath, ...)
MAX_SEGMENTS = 2000  # what the routine compiles to, at its fullest progression
MAX_TOTAL = 12 * 3600.0  # the routine's total time, at its fullest progression
MAX_EVERY_DAYS = 365  # progress every = "52w" at most
MAX_EVERY_SESSIONS = 1000  # progress every = "1000 sessions" at most
MAX_NAME = 200  # characters of a name, label, tag, side or equipment item
MAX_TEXT = 2000  # characters of a description, step or caution
MAX_ITEMS = 50  # items of a list of text (steps, tags, equipment, cautions)
MAX_PROBLEMS = 50  # problems listed for one file (then "... and N more")
