"""The Stats screen: minutes per day for the last 4 weeks (bar chart), a calendar heatmap of
active days, the streak, and the personal bests of open-ended holds with their trend.

Self-contained and pushable: `app.push_screen(StatsScreen())`; escape / q closes it.
The data is loaded in a thread worker (backtimer.history.stats.load_stats_from), so a
locked database never freezes the app; problems are shown on the screen in one line.
The bar chart and the heatmap are small widgets of our own (Rich text, no extra
dependency); the hold trends use Textual's Sparkline.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Label, Sparkline, Static

from backtimer.history.stats import DayTotal, HoldBest, Stats, heat_start, load_stats_from
from backtimer.text import visible
from backtimer.ui.widgets.footer import KeysFooter

BLOCKS = " ▁▂▃▄▅▆▇█"
WEEKDAYS = ("Mon", "", "Wed", "", "Fri", "", "Sun")
HEAT_STYLES = ("grey42", "green4", "green3", "green1", "bold bright_green")
HEAT_MARKS = ("·", "░", "▒", "▓", "█")  # shape carries the level without colour too
TREND_MARKS = {"up": "▲ up", "down": "▼ down", "flat": "▶ steady", "new": "· new"}


# ---------------------------------------------------------------------- pure drawing
def bar_rows(values: Sequence[float], height: int) -> list[str]:
    """Vertical bars, one character per value, `height` rows (top first), eighth blocks.
    A value above 0 always shows at least a sliver."""
    top = max(values, default=0.0)
    if top <= 0:
        return [" " * len(values) for _ in range(height)]
    eighths = [0 if v <= 0 else max(1, round(v / top * height * 8)) for v in values]
    rows = []
    for row in range(height - 1, -1, -1):
        line = []
        for e in eighths:
            fill = min(8, max(0, e - row * 8))
            line.append(BLOCKS[fill])
        rows.append("".join(line))
    return rows


def heat_level(count: int) -> int:
    """0 nothing, 1 one completed session, 2 two, 3 three, 4 four or more."""
    return max(0, min(4, count))


def heat_grid(heat: Mapping[date, int], today: date) -> list[list[int | None]]:
    """7 rows (Monday first) x weeks columns of heat levels; None for days after today."""
    first = heat_start(today)
    weeks = (today - first).days // 7 + 1
    grid: list[list[int | None]] = [[None] * weeks for _ in range(7)]
    for w in range(weeks):
        for d in range(7):
            day = first + timedelta(days=7 * w + d)
            if day <= today:
                grid[d][w] = heat_level(heat.get(day, 0))
    return grid


# ---------------------------------------------------------------------- widgets
class MinutesChart(Widget):
    """Minutes per day, last 4 weeks: two columns per day, max and dates labelled."""

    DEFAULT_CSS = "MinutesChart { height: 9; }"

    def __init__(self, days: Sequence[DayTotal], **kw: str) -> None:
        super().__init__(**kw)
        self.days = tuple(days)

    def render(self) -> Text:
        values = [d.minutes for d in self.days]
        height = max(2, self.size.height - 2)
        top = max(values, default=0.0)
        label_w = len(f"{top:.0f}") + 4
        out = Text()
        for i, row in enumerate(bar_rows(values, height)):
            label = f"{top:.0f} min" if i == 0 and top > 0 else ""
            out.append(label.rjust(label_w) + " │", style="dim")
            for ch, d in zip(row, self.days, strict=True):
                style = "bold green" if d.completed else "yellow"
                out.append(ch * 2, style=style)
            out.append("\n")
        out.append(" " * label_w + " └" + "──" * len(self.days) + "\n", style="dim")
        if self.days:
            first, last = self.days[0].day, self.days[-1].day
            left = f"{first:%d %b}"
            right = "today" if last == date.today() else f"{last:%d %b}"
            gap = max(1, 2 * len(self.days) - len(left) - len(right))
            out.append(" " * (label_w + 2) + left + " " * gap + right, style="dim")
        return out


class Heatmap(Widget):
    """A calendar of active days (completed sessions), weeks left to right."""

    DEFAULT_CSS = "Heatmap { height: 9; width: auto; }"

    def __init__(self, heat: Mapping[date, int], today: date, **kw: str) -> None:
        super().__init__(**kw)
        self.heat = dict(heat)
        self.today = today

    def render(self) -> Text:
        grid = heat_grid(self.heat, self.today)
        out = Text()
        for name, row in zip(WEEKDAYS, grid, strict=True):
            out.append(f"{name:<4}", style="dim")
            for level in row:
                if level is None:
                    out.append("  ")
                else:
                    out.append(HEAT_MARKS[level] + " ", style=HEAT_STYLES[level])
            out.append("\n")
        out.append("    less ", style="dim")
        for mark, style in zip(HEAT_MARKS, HEAT_STYLES, strict=True):
            out.append(mark + " ", style=style)
        out.append("more", style="dim")
        return out

    def get_content_width(self, container: object, viewport: object) -> int:  # type: ignore[override]
        return 4 + 2 * len(heat_grid(self.heat, self.today)[0])


def totals_text(st: Stats) -> Text:
    t = Text()
    for label, p in (("This week", st.week), ("Last 4 weeks", st.four_weeks)):
        t.append(f"{label}: ", style="bold")
        t.append(f"{p.sessions} sessions ({p.completed} completed), {p.minutes:.0f} min")
        if p.breaks_due or p.breaks_taken:
            t.append(f"; desk breaks {p.breaks_taken} taken / {p.breaks_due} due")
        t.append("\n")
    return t


def streak_text(st: Stats) -> Text:
    t = Text()
    t.append(f" {st.current_streak} ", style="bold reverse green" if st.current_streak else "bold")
    t.append(f" day{'s' if st.current_streak != 1 else ''} in a row", style="bold")
    t.append(f"   longest {st.longest_streak}", style="dim")
    return t


def hold_label(h: HoldBest) -> Text:
    t = Text()
    t.append(f"{visible(h.routine_name)} / {visible(h.exercise)}: ", style="bold")
    t.append(f"best {h.best:.0f} s", style="bold green")
    t.append(f" on {h.best_on:%d %b %Y}  ", style="dim")
    t.append(TREND_MARKS.get(h.trend, h.trend))
    return t


# ---------------------------------------------------------------------- the screen
class StatsScreen(Screen[None]):
    CSS_PATH = "stats.tcss"
    BINDINGS = [  # noqa: RUF012 - Textual's convention
        Binding("escape", "close", "Back"),
        Binding("q", "close", "Back", show=False),
        Binding("r", "reload", "Reload"),
    ]

    def __init__(self, store_path: Path | None = None, *, today: date | None = None) -> None:
        super().__init__()
        self.store_path = store_path
        self.today = today
        self.stats: Stats | None = None
        self.error: str | None = None

    def compose(self) -> ComposeResult:
        yield Label("Your progress", id="stats-title")
        yield VerticalScroll(Label("Loading history…", id="stats-loading"), id="stats-body")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        self.run_worker(self._load, thread=True, exclusive=True, group="stats-load")

    def action_close(self) -> None:
        self.dismiss(None)

    def _load(self) -> None:
        from backtimer.history.store import StoreError  # noqa: PLC0415

        try:
            stats = load_stats_from(self.store_path, self.today)
            error = None
        except StoreError as exc:
            stats, error = None, f"history: cannot read the history: {exc}"
        self.app.call_from_thread(self._show, stats, error)

    async def _show(self, stats: Stats | None, error: str | None) -> None:
        self.stats, self.error = stats, error
        body = self.query_one("#stats-body", VerticalScroll)
        await body.remove_children()
        if error is not None:
            await body.mount(Static(Text(visible(error)), id="stats-error"))
            return
        if stats is None or stats.total_sessions == 0:
            await body.mount(
                Static(
                    "No sessions yet. Run a routine and your minutes, streak and bests "
                    "show up here.",
                    id="stats-empty",
                )
            )
            return
        widgets: list[Widget] = [
            Static(streak_text(stats), id="streak"),
            Static(totals_text(stats), id="totals"),
            Label("Minutes per day, last 4 weeks", classes="heading"),
            MinutesChart(stats.days, id="minutes"),
            Label("Active days (completed sessions)", classes="heading"),
            Heatmap(stats.heat, stats.today, id="heatmap"),
        ]
        if stats.holds:
            widgets.append(Label("Personal bests, open-ended holds", classes="heading"))
            for i, h in enumerate(stats.holds):
                widgets.append(
                    Horizontal(
                        Static(hold_label(h), classes="hold-label"),
                        Sparkline(list(h.recent), classes="hold-trend"),
                        id=f"hold-{i}",
                        classes="hold",
                    )
                )
        await body.mount(Vertical(*widgets, id="stats-content"))
