"""Mistakes of the user's (bad routine, bad config, unknown id)."""

from __future__ import annotations


class UserError(Exception):
    """Printed as one line by the CLI (exit code 1 or 2), shown as a notice by the app."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code
