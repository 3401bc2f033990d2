"""What goes wrong in a routine file, said so that a person can fix it."""

from __future__ import annotations

from dataclasses import dataclass

from backtimer.text import visible


@dataclass(frozen=True)
class Problem:
    """One problem in a routine file.

    `message` is everything after the location, e.g.
    `exercise 3 ("Shrug"): hold: expected a duration such as 3, "3s" or "1m30s", got "three"`.
    """

    source: str
    message: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = self.source
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        # a file name, or text an error quotes, may carry control characters: never raw
        return visible(f"{where}: {self.message}")


class RoutineError(Exception):
    """A routine file that cannot be loaded. `str(err)` lists every problem, one per line."""

    def __init__(self, source: str, problems: tuple[Problem, ...] | list[Problem]) -> None:
        self.source = source
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def first_line(self) -> int | None:
        """The line of the first problem that has one (for `backtimer edit` to reopen at)."""
        for problem in self.problems:
            if problem.line is not None:
                return problem.line
        return None
