"""`backtimer work`: the app opened straight on the work screen; q there quits."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from backtimer.breaks.scheduler import BreakSettings, Reading
from backtimer.ui.app import BacktimerApp, run_app
from backtimer.ui.screens.work import WorkScreen
from backtimer.usecases.settings import Settings, settings_with_keys

if TYPE_CHECKING:
    from backtimer.routine.model import Routine
    from backtimer.usecases.session import Session


class WorkApp(BacktimerApp):
    """The app opened on the work screen (made by `make_screen`) instead of the library."""

    def __init__(
        self,
        make_screen: Callable[[], WorkScreen],
        *,
        clock: Callable[[], float] | None = None,
        sound: bool = True,
        record: bool = True,
        keymap: dict[str, str] | None = None,
        session_factory: Callable[[Routine], Session] | None = None,
        settings: Settings | None = None,
        level: str = "current",
        voice: bool | None = None,
    ) -> None:
        super().__init__(
            None,
            clock=clock,
            sound=sound,
            record=record,
            keymap=keymap,
            session_factory=session_factory,
            settings=settings,
            level=level,
            voice=voice,
        )
        self.make_screen = make_screen

    def show_first_screen(self) -> None:
        self.push_screen(self.make_screen())  # not the library: straight into work mode


def launch_work(
    settings: BreakSettings,
    *,
    no_sound: bool = False,
    reading: Callable[[], Reading] | None = None,
    voice: bool | None = None,
    first: float | None = None,
) -> int:
    """`backtimer work`. Raises UserError for a bad config file or [keys] table."""
    config = settings_with_keys()

    def make() -> WorkScreen:
        return WorkScreen(
            settings,
            reading=reading,
            sound=not no_sound,
            exit_on_leave=True,
            first=first,
            take_lock=False,  # `backtimer work` holds the work lock
        )

    app = WorkApp(make, sound=not no_sound, keymap=config.keys, settings=config, voice=voice)
    return run_app(app)
