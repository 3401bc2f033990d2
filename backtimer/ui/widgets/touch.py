"""Big buttons for the session's main actions, for a finger on a phone or tablet.

In a browser (`backtimer serve`) a footer key is one text row, about 19 px tall: too small
for a finger on a phone or a tablet, and on a phone held upright the footer is cut after a
few keys. These buttons are three rows tall and share the width in a grid: pause / resume,
next, done; back, it hurts, quit (two rows of three below 70 columns, one row of six
above). They run the screen's own actions (the same check_action decides what is allowed)
and follow the screen's bindings: "Pause" reads "Resume" while paused, "Done" is greyed
out unless the segment is open-ended. Shown in the browser only, when the page has at
least 15 rows; the footer stays.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Grid
from textual.widgets import Button

# (button id, label, action); the pause button's label and action follow the state
TOUCH_ACTIONS: tuple[tuple[str, str, str], ...] = (
    ("touch-pause", "Pause", "pause"),
    ("touch-next", "Next", "next"),
    ("touch-done", "Done", "done"),
    ("touch-back", "Back", "back"),
    ("touch-pain", "It hurts", "pain"),
    ("touch-quit", "Quit", "quit_session"),
)

_ACTIONS = {button_id: action for button_id, _label, action in TOUCH_ACTIONS}


class TouchKeys(Grid):
    # The rules name the session screen's size classes: not scoped under TouchKeys (a
    # scoped "SessionScreen.-h-tiny TouchKeys" would read "TouchKeys SessionScreen...",
    # which matches nothing).
    SCOPED_CSS = False
    DEFAULT_CSS = """
    TouchKeys {
        grid-size: 3;
        grid-gutter: 0 1;
        grid-rows: 3;
        height: 6;
        margin-top: 1;
    }
    TouchKeys Button { width: 100%; min-width: 6; }
    TouchKeys #touch-pain { color: $text-warning; }
    SessionScreen.-w-medium TouchKeys { grid-size: 6; height: 3; }
    SessionScreen.-h-micro TouchKeys, SessionScreen.-h-tiny TouchKeys { display: none; }
    """

    def compose(self) -> ComposeResult:
        for button_id, label, _action in TOUCH_ACTIONS:
            button = Button(label, id=button_id)
            button.can_focus = False  # a tap must not take the keys (enter is "done")
            yield button

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.sync)
        self.sync()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def action_for(self, button_id: str) -> str:
        action = _ACTIONS[button_id]
        if action == "pause" and self.screen.check_action("resume", ()):
            return "resume"
        return action

    def sync(self, _screen: object = None) -> None:
        """Labels and greyed-out buttons as the screen's bindings say."""
        pause = self.query_one("#touch-pause", Button)
        pause.label = "Resume" if self.action_for("touch-pause") == "resume" else "Pause"
        done = self.query_one("#touch-done", Button)
        done.disabled = not self.screen.check_action("done", ())

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id:
            await self.screen.run_action(self.action_for(event.button.id))
