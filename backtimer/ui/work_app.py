"""`backtimer work`: the app opened straight on the work screen; q there quits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import events

from backtimer.breaks.scheduler import BreakSettings, Reading
from backtimer.ui.app import BacktimerApp, run_app
from backtimer.ui.screens.work import WorkScreen
from backtimer.usecases.settings import settings_with_keys


class WorkApp(BacktimerApp):
    """The app opened on the work screen (made by `make_screen`) instead of the library."""

    def __init__(self, make_screen: Callable[[], WorkScreen], **kwargs: Any) -> None:
        super().__init__(None, **kwargs)
        self.make_screen = make_screen

    def on_mount(self, event: events.Mount) -> None:
        event.prevent_default()  # not the library: straight into work mode
        self.push_screen(self.make_screen())


def launch_work(
    settings: BreakSettings,
    *,
    no_sound: bool = False,
    reading: Callable[[], Reading] | None = None,
) -> int:
    """`backtimer work`. Raises UserError for a bad config file or [keys] table."""
    config = settings_with_keys()

    def make() -> WorkScreen:
        return WorkScreen(settings, reading=reading, sound=not no_sound, exit_on_leave=True)

    app = WorkApp(make, sound=not no_sound, keymap=config.keys, settings=config)
    return run_app(app)
