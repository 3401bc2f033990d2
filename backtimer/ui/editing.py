"""`e` and `c` on the library: edit a routine in $VISUAL / $EDITOR (the terminal is handed
over with App.suspend()), customise one without editing text, and reload the library.

The editor helpers are shared with `backtimer edit` (backtimer.usecases.user_routines), so
both behave the same: a built-in
is copied into your routines folder first, the file is checked when the editor exits,
and its problems are shown with the choice to reopen the editor at the first one's line.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import SuspendNotSupported

from backtimer import paths
from backtimer.routine.errors import RoutineError
from backtimer.routine.loader import load_file
from backtimer.ui.screens.customise import CustomiseScreen
from backtimer.ui.screens.problems import ProblemsScreen
from backtimer.usecases.errors import UserError
from backtimer.usecases.user_routines import run_editor, user_copy

if TYPE_CHECKING:  # the library imports this module
    from backtimer.ui.screens.library import LibraryScreen

NO_SUSPEND = (
    "This terminal cannot be handed over to an editor from the app. Your routine is {path}; "
    "edit it with `backtimer edit {ref}` in a shell."
)


def edit_selected(screen: LibraryScreen) -> None:
    """`e`: open the selected routine in the editor (a built-in is copied first)."""
    row = screen.selected()
    if row is None:
        screen.notify("No routine to edit: clear the filter with Esc.", severity="warning")
        return
    entry = screen.entry(row.id)
    if entry is None or not entry.path.is_file():
        screen.notify(f"{row.id}: its file cannot be found to edit.", severity="error")
        return
    try:
        target, copied = user_copy(entry)
    except OSError as exc:
        screen.notify(
            f"Cannot copy {entry.path} to your routines: {exc}", severity="error", timeout=10
        )
        return
    if copied:
        screen.notify(
            f"Copied the built-in routine {entry.id!r} to {target}; your copy replaces it "
            "from now on (delete the file to go back to the built-in).",
            title="Your copy",
            timeout=10,
        )
    open_editor(screen, target, entry.id, None, changed=copied)


def open_editor(
    screen: LibraryScreen,
    path: Path,
    routine_id: str,
    line: int | None,
    *,
    changed: bool = False,
) -> None:
    """Hand the terminal to the editor, then check the file and reload the library."""
    app = screen.app
    try:
        with app.suspend():
            code = run_editor(path, line)
    except SuspendNotSupported:
        ref = routine_id if path.parent == paths.user_routines_dir() else str(path)
        app.notify(NO_SUSPEND.format(path=path, ref=ref), severity="error", timeout=12)
        if changed:
            screen.reload(select=routine_id)
        return
    except UserError as exc:  # no editor, or it cannot start
        app.notify(str(exc), severity="error", timeout=10)
        if changed:
            screen.reload(select=routine_id)
        return
    if code != 0:
        app.notify(f"The editor exited with status {code}.", severity="warning")
    try:
        routine = load_file(path, routine_id=routine_id)
    except RoutineError as err:
        screen.reload(select=routine_id)
        first = err.first_line

        def reopen(again: bool | None) -> None:
            if again:
                open_editor(screen, path, routine_id, first)

        app.push_screen(ProblemsScreen(path, err), reopen)
        return
    screen.reload(select=routine_id)
    n = len(routine.exercises)
    app.notify(f"{path.name}: valid, {n} exercise{'' if n == 1 else 's'} ({routine.name}).")


def customise_selected(screen: LibraryScreen) -> None:
    """`c`: adjust the selected routine's exercises and save them as your own copy."""
    row = screen.selected()
    if row is None:
        screen.notify("No routine to customise: clear the filter with Esc.", severity="warning")
        return
    if row.routine is None:
        screen.notify(f"{row.id} has errors: fix them first (e edits it).", severity="error")
        return

    def saved(new_id: str | None) -> None:
        if new_id:
            screen.reload(select=new_id)

    screen.app.push_screen(CustomiseScreen(row.routine), saved)
