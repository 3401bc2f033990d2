"""`backtimer serve` in a real browser: Debian's headless Chromium, driven by Playwright.

A person opens the printed URL on a phone (390x844, touch) and on a desktop (1280x800),
sees the library, starts a short routine by tapping and by keyboard, watches the countdown
move, pauses, and quits; a browser without the token gets 403. Screenshots are kept under
build/serve-screenshots/ (or $BACKTIMER_ARTEFACTS/serve-screenshots/; each path is printed).
The test skips, saying why, only where /usr/bin/chromium or playwright is missing.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.serve_helpers import (
    CHROMIUM,
    TOKEN,
    BrowserScreen,
    Relay,
    Served,
    chromium_args,
    chromium_missing,
    countdown_rows,
    ink_in_cells,
    served_env,
)

pytestmark = pytest.mark.slow

ARTEFACTS = (
    Path(os.environ.get("BACKTIMER_ARTEFACTS", Path(__file__).resolve().parents[2] / "build"))
    / "serve-screenshots"
)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Callable[[int], Any]]:
    """chromium(scale): the browser on a screen of `scale` device pixels per CSS pixel,
    started at the first call for that scale and kept for the module."""
    reason = chromium_missing()
    if reason:
        print(f"\nskipping the browser tests: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        started: dict[int, Any] = {}

        def at(scale: int) -> Any:
            if scale not in started:
                started[scale] = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=chromium_args(scale)
                )
            return started[scale]

        yield at
        for browser in started.values():
            browser.close()


@pytest.fixture
def browser(chromium: Callable[[int], Any]) -> Any:
    return chromium(1)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    server = Served(tmp_path, "--token", TOKEN, "--no-sound")
    try:
        yield server
    finally:
        server.stop()


def open_page(
    browser: Any,
    url: str,
    width: int,
    height: int,
    *,
    phone: bool,
    touch: bool | None = None,
    scale: int = 1,
) -> Any:
    """A page as a phone (touch, mobile) or a desktop shows it (`touch`: a tablet's screen),
    `scale` device pixels per CSS pixel (the browser started at that scale: chromium(scale))."""
    context = browser.new_context(
        viewport={"width": width, "height": height},
        is_mobile=phone,
        has_touch=phone if touch is None else touch,
        device_scale_factor=scale,
    )
    # the page loads only from this server: any other request would fail the test
    others: list[str] = []

    here = url.split("?", 1)[0]  # http://127.0.0.1:PORT/
    allowed = (here, here.replace("http", "ws", 1))

    def only_here(route: Any) -> None:
        if route.request.url.startswith(allowed):
            route.continue_()
        else:
            others.append(route.request.url)
            route.abort()

    context.route("**/*", only_here)
    page = context.new_page()
    page.others = others
    return page


@pytest.fixture
def shot(capsys: pytest.CaptureFixture[str]) -> Any:
    """shot(page, name): a screenshot kept under ARTEFACTS; its path is printed even when
    pytest captures the output."""

    def take(page: Any, name: str) -> Path:
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTEFACTS / name
        path.write_bytes(page.screenshot())
        with capsys.disabled():
            print(f"\nscreenshot: {path}")
        return path

    return take


def wait_for_tick(screen: BrowserScreen, timeout_ms: int = 3000) -> None:
    """The big digits change within `timeout_ms`."""
    before = countdown_rows(screen.text())
    assert before, f"no countdown on the page:\n{screen.text()}"
    waited = 0
    while waited < timeout_ms:
        screen.page.wait_for_timeout(100)
        waited += 100
        now = countdown_rows(screen.text())
        if now and now != before:
            return
    raise AssertionError(f"the countdown did not move in {timeout_ms} ms:\n{screen.text()}")


def test_on_a_phone_a_person_starts_pauses_and_quits_by_tapping(
    browser: Any, served: Served, shot: Any
) -> None:
    page = open_page(browser, served.url, 390, 844, phone=True)
    screen = BrowserScreen(page)
    page.goto(served.url)
    screen.wait_for("Quick test")
    assert "Routine" in screen.text() and "Back strength" in screen.text()
    shot(page, "library-390x844.png")

    # tap the routine, and tap it again to start it
    x, y = screen.cell_centre("Quick test")
    page.touchscreen.tap(x, y)
    page.wait_for_timeout(300)
    page.touchscreen.tap(x, y)
    text = screen.wait_for("GET READY")
    assert "Next: Chin tuck" in text
    wait_for_tick(screen)
    text = screen.wait_for("It hurts")  # the touch buttons come with the footer
    # one screen, no scrolling: state, big digits, time left, next exercise, the buttons
    assert "GET READY" in text and countdown_rows(text)
    assert " left" in text and "Next: Chin tuck" in text
    for label in ("Pause", "Next", "Done", "Back", "It hurts", "Quit"):
        assert label in text, f"{label!r} not on the page:\n{text}"
    overflow = page.evaluate(
        "document.scrollingElement.scrollHeight - window.innerHeight"
        " + document.scrollingElement.scrollWidth - window.innerWidth"
    )
    assert overflow <= 0
    shot(page, "session-390x844.png")

    x, y = screen.cell_centre("Pause")
    page.touchscreen.tap(x, y)
    text = screen.wait_for("PAUSED")
    screen.wait_for("Resume")
    frozen = countdown_rows(screen.text())
    page.wait_for_timeout(1500)
    assert countdown_rows(screen.text()) == frozen  # paused: the digits stand still

    x, y = screen.cell_centre("Resume")
    page.touchscreen.tap(x, y)
    screen.wait_for("GET READY")
    screen.wait_for("WORK")  # the first 20 s hold
    x, y = screen.cell_centre("Next", beside="Done")  # the button, not "Next: Chin tuck"
    page.touchscreen.tap(x, y)
    screen.wait_for("REST", timeout=8)  # the hold skipped: its 20 s are not over
    x, y = screen.cell_centre(" Quit ")
    page.touchscreen.tap(x, y)
    screen.wait_for("Stop this session?")
    screen.wait_for("Quit (y)")
    page.wait_for_timeout(300)  # the dialog's narrow layout: its buttons one under the other
    x, y = screen.cell_centre("Quit (y)")
    page.touchscreen.tap(x, y)
    page.wait_for_selector("body.-closed", timeout=10000)  # the app ended: the page says so
    assert page.others == []


def footer_row(screen: BrowserScreen) -> str:
    """The page's last row: the footer's keys."""
    return screen.text().splitlines()[-1] if screen.text() else ""


def wait_for_footer(screen: BrowserScreen, *keys: str, timeout: float = 15.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = footer_row(screen)
        if all(key in row for key in keys):
            return row
        screen.page.wait_for_timeout(50)
    raise AssertionError(f"the footer never showed {keys}; the page shows:\n{screen.text()}")


def test_serving_one_routine_the_footer_shows_its_keys_before_any_tap(
    browser: Any, tmp_path: Path
) -> None:
    """`serve ROUTINE` opens the session straight away; in a browser the app has no focus
    until the first tap or key, and its footer must show the keys all the same."""
    served = Served(tmp_path, "--token", TOKEN, "--no-sound", "quick-test")
    try:
        page = open_page(browser, served.url, 390, 844, phone=True)
        screen = BrowserScreen(page)
        page.goto(served.url)
        screen.wait_for("GET READY")
        screen.wait_for("It hurts")  # the touch buttons, mounted with the footer
        row = wait_for_footer(screen, "space Pause", "q Quit")
        assert "! It hurts" in row
        assert page.others == []
    finally:
        served.stop()


def test_on_a_desktop_a_person_starts_and_pauses_by_keyboard(
    browser: Any, served: Served, shot: Any
) -> None:
    page = open_page(browser, served.url, 1280, 800, phone=False)
    screen = BrowserScreen(page)
    page.goto(served.url)
    screen.wait_for("Quick test")
    page.locator(".xterm-screen").click()  # the page's terminal takes the keys
    page.keyboard.press("/")
    page.keyboard.type("quick")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    text = screen.wait_for("GET READY")
    assert "Next: Chin tuck" in text
    wait_for_tick(screen)
    text = screen.wait_for("space Pause")  # wide page: the footer's keys, and
    assert screen.row_of("Pause", beside="It hurts") != screen.row_of("space Pause")
    assert "Resume" not in text  # the buttons in one row above it
    shot(page, "session-1280x800.png")
    page.keyboard.press(" ")
    screen.wait_for("PAUSED")
    page.keyboard.press("q")
    screen.wait_for("Stop this session?")
    page.keyboard.press("y")
    page.wait_for_selector("body.-closed", timeout=10000)
    assert page.others == []

    # a browser without the token (a fresh one: no cookie) gets 403 and no app
    stranger = open_page(browser, served.url, 1280, 800, phone=False)
    response = stranger.goto(served.url.split("?")[0])
    assert response is not None and response.status == 403
    assert "token" in stranger.inner_text("body") and not stranger.query_selector(".xterm")


def drawn_as_the_grid_says(
    screen: BrowserScreen, scale: int, rows: list[int], text: str = ""
) -> str:
    """ "" when, in a screenshot, each cell of `rows` has ink exactly where the page's grid
    has a character: the cells of `text` in them, else the cells from each row's first
    character to its last. Else what differs. Tried for up to 5 s: the page draws the
    frames it received a moment later."""
    deadline = time.monotonic() + 5
    while True:
        png = screen.page.screenshot()
        wrong = []
        for row in rows:
            line = screen.screen.display[row]
            inked = ink_in_cells(png, scale, screen, row)
            if text:
                start, end = line.index(text), line.index(text) + len(text) - 1
            else:
                cells = [i for i, char in enumerate(line) if char != " "]
                start, end = cells[0], cells[-1]
            for column in range(start, end + 1):
                if inked[column] != (line[column] != " "):
                    wrong.append(f"row {row} column {column} {line[column]!r}")
        if not wrong or time.monotonic() > deadline:
            return "; ".join(wrong[:8])
        screen.page.wait_for_timeout(200)


@pytest.mark.parametrize("scale", [2, 3])
@pytest.mark.parametrize(("width", "height"), [(390, 844), (1280, 800)], ids=["phone", "tablet"])
def test_on_a_2x_or_3x_screen_the_page_is_sharp_whole_and_answers_taps(  # noqa: PLR0917
    chromium: Callable[[int], Any],
    served: Served,
    shot: Any,
    scale: int,
    width: int,
    height: int,
) -> None:
    """Phones draw 2 or 3 device pixels per CSS pixel, and so do many tablets and laptops:
    the page is drawn at that resolution (not stretched), whole (not cut off), the
    routine's name and the big digits where the app put them, and a tap still works."""
    phone = width < 800
    page = open_page(
        chromium(scale), served.url, width, height, phone=phone, touch=True, scale=scale
    )
    screen = BrowserScreen(page)
    page.goto(served.url)
    screen.wait_for("Quick test")
    canvas, device = screen.drawn_at_device_resolution()
    assert abs(canvas - device) <= scale, f"{canvas} pixels drawn over {device} device pixels"
    left, top, cell_w, cell_h = screen.cell_box()
    assert screen.size is not None
    assert left >= 0 and top >= 0
    assert left + screen.size[0] * cell_w <= width and top + screen.size[1] * cell_h <= height
    name = screen.row_of("Quick test")
    wrong = drawn_as_the_grid_says(screen, scale, [name], "Quick test")
    assert not wrong, f"the routine's name is not drawn where the page has it: {wrong}"
    shot(page, f"library-{width}x{height}@{scale}x.png")

    x, y = screen.cell_centre("Quick test")
    page.touchscreen.tap(x, y)
    page.wait_for_timeout(300)
    page.touchscreen.tap(x, y)
    screen.wait_for("GET READY")
    wait_for_tick(screen)
    screen.wait_for("It hurts")
    x, y = screen.cell_centre("Pause", beside="Next")  # phone: the button; tablet: the footer
    page.touchscreen.tap(x, y)
    screen.wait_for("PAUSED")
    text = screen.text()
    digits = [i for i, line in enumerate(text.splitlines()) if line in countdown_rows(text)]
    assert len(digits) >= 3, f"no big digits on the page:\n{text}"
    wrong = drawn_as_the_grid_says(screen, scale, digits)
    assert not wrong, f"the digits are not drawn where the page has them: {wrong}"
    shot(page, f"session-{width}x{height}@{scale}x.png")

    x, y = screen.cell_centre("Resume", beside="Next")
    page.touchscreen.tap(x, y)
    screen.wait_for("GET READY")
    assert page.others == []


# ---- a page that goes away and comes back ------------------------------------------------

# Whether the page is seen (a phone whose screen is off hides it), for the test to set;
# runs before the page's own scripts, at each load.
SEEN_OR_NOT = """
window.__seen = true;
Object.defineProperty(Document.prototype, "visibilityState", {
    configurable: true,
    get() { return window.__seen ? "visible" : "hidden"; },
});
"""


def served_routine(tmp_path: Path, *args: str) -> Served:
    return Served(tmp_path, "--token", TOKEN, "--no-sound", *args)


def history_rows(home: Path) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-m", "backtimer", "history"],
        env=served_env(home),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return [line for line in done.stdout.splitlines()[1:] if line.strip()]


def test_a_reload_comes_back_to_the_session_it_left(browser: Any, tmp_path: Path) -> None:
    """A reload (or a page opened again in the same browser) shows the session that was
    running, where it is now, drawn whole: not the routine from its start."""
    served = served_routine(tmp_path, "quick-test")
    try:
        page = open_page(browser, served.url, 390, 844, phone=True)
        screen = BrowserScreen(page)
        page.goto(served.url)
        screen.wait_for("WORK", timeout=20)  # the 5 s of getting ready are over
        screen.screen.reset()
        page.reload()
        text = screen.wait_for("Chin tuck")
        assert "GET READY" not in text and "Rep" in text, text
        wait_for_tick(screen)
        screen.wait_for("It hurts")
        wait_for_footer(screen, "space Pause", "q Quit")  # the whole screen, footer too
        assert "-closed" not in page.evaluate("document.body.className")
        assert page.others == []
    finally:
        served.stop()
    # one session in the history (stopped with serve), not one per page
    assert len(history_rows(tmp_path)) == 1


def still_left(page: Any) -> bool:
    """The old page is still there (not loading again). A question asked while it navigates
    finds no page to ask: it is loading again."""
    try:
        return bool(page.evaluate("window.__left === true"))
    except Exception as exc:  # playwright's Error: "Execution context was destroyed"
        if "context was destroyed" in str(exc) or "navigat" in str(exc):
            return False
        raise


def test_a_lost_connection_leaves_the_session_going_and_the_page_comes_back_when_seen(
    browser: Any, tmp_path: Path
) -> None:
    """A phone's screen turns off: the page is hidden and its connection is lost. The page
    says so and waits; when it is seen again it comes back to the session, which went on."""
    served = served_routine(tmp_path, "quick-test")
    relay = Relay(served.address)
    try:
        url = served.url.replace(served.address, relay.address)
        page = open_page(browser, url, 390, 844, phone=True)
        page.add_init_script(SEEN_OR_NOT)
        screen = BrowserScreen(page)
        page.goto(url)
        screen.wait_for("GET READY")
        wait_for_tick(screen)
        page.evaluate("window.__left = true; window.__seen = false")
        relay.cut()
        page.wait_for_selector("body.-lost", timeout=10000)
        assert "connection to backtimer was lost" in page.inner_text(".closed-dialog")
        page.wait_for_timeout(3000)
        assert page.evaluate("window.__left === true")  # hidden: it does not load again
        screen.screen.reset()
        page.evaluate("window.__seen = true; document.dispatchEvent(new Event('visibilitychange'))")
        deadline = time.monotonic() + 15
        while still_left(page):  # until it loads again
            assert time.monotonic() < deadline, "the page did not come back"
            page.wait_for_timeout(100)
        text = screen.wait_for("Chin tuck")
        # the session went on without the page: past its 5 s of getting ready
        text = screen.wait_for("WORK", timeout=15)
        assert "GET READY" not in text
        wait_for_footer(screen, "space Pause")
    finally:
        relay.close()
        served.stop()
    assert len(history_rows(tmp_path)) == 1


def test_with_work_mode_a_second_browser_shows_the_one_work_mode(
    browser: Any, tmp_path: Path
) -> None:
    """One work mode per data folder: a second phone (another browser) shows it too,
    instead of an app that cannot start; the first page says where it went."""
    served = served_routine(tmp_path, "--work")
    try:
        first = open_page(browser, served.url, 390, 844, phone=True)
        first_screen = BrowserScreen(first)
        first.goto(served.url)
        first_screen.wait_for("Next break in")
        second = open_page(browser, served.url, 390, 844, phone=True)
        second_screen = BrowserScreen(second)
        second.goto(served.url)
        second_screen.wait_for("Next break in")
        wait_for_footer(second_screen, "q Quit")
        first.wait_for_selector("body.-taken", timeout=10000)
        assert "open on another page" in first.inner_text(".closed-dialog")
        assert first.inner_text(".closed-dialog .again") == "Show it here"
        first.tap(".closed-dialog .again")  # take it back
        first_screen.wait_for("Next break in")
        second.wait_for_selector("body.-taken", timeout=10000)
    finally:
        served.stop()
    assert "already running" not in "".join(served.output)


def test_an_app_that_cannot_start_is_said_so_not_a_blank_page(browser: Any, tmp_path: Path) -> None:
    """Work mode already runs for this data folder (here: its lock is held): the page
    says backtimer could not go on, and the terminal of `serve` says why."""
    served = served_routine(tmp_path, "--work")
    lock = os.open(tmp_path / "data" / "work.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        page = open_page(browser, served.url, 390, 844, phone=True)
        page.goto(served.url)
        page.wait_for_selector("body.-failed", timeout=20000)
        assert "could not go on" in page.inner_text(".closed-dialog")
    finally:
        os.close(lock)
        served.stop()
    assert served.process.stdout is not None
    said = "".join(served.output) + served.process.stdout.read()
    assert "work mode is already running" in said


def test_a_wrong_token_on_a_phone_is_a_readable_page_that_says_what_to_do(
    chromium: Callable[[int], Any], served: Served
) -> None:
    """An old address (serve started again: a new token) opened on a phone: the refusal
    is laid out for the phone's width, in readable type, and says what to open instead."""
    wrong = served.url.replace(TOKEN, "an-old-token-0123456789")
    page = open_page(chromium(3), wrong, 390, 844, phone=True, scale=3)
    response = page.goto(wrong)
    assert response is not None and response.status == 403
    assert page.evaluate("window.innerWidth") == 390  # not a 980 px desktop page, shrunk
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('p')).fontSize)")
    assert size >= 16
    text = page.inner_text("body")
    assert "needs its token" in text and "QR code" in text and "--token" in text
    assert not page.query_selector(".xterm") and page.context.cookies() == []


def test_when_serve_stops_the_page_says_so(browser: Any, tmp_path: Path) -> None:
    served = served_routine(tmp_path)
    try:
        page = open_page(browser, served.url, 390, 844, phone=True)
        screen = BrowserScreen(page)
        page.goto(served.url)
        screen.wait_for("Quick test")
    finally:
        served.stop()
    page.wait_for_selector("body.-stopped", timeout=10000)
    assert "serve has stopped" in page.inner_text(".closed-dialog")


def test_closing_the_page_of_a_running_session_ends_it_soon(browser: Any, tmp_path: Path) -> None:
    """A closed tab (not a hidden one) says so: its session stops within seconds and is
    recorded as stopped, instead of going on with no one to see it."""
    served = served_routine(tmp_path, "quick-test")
    try:
        page = open_page(browser, served.url, 1280, 800, phone=False)
        screen = BrowserScreen(page)
        page.goto(served.url)
        screen.wait_for("GET READY")
        page.close(run_before_unload=True)
        deadline = time.monotonic() + 30
        while "stopped" not in " ".join(rows := history_rows(tmp_path)):
            assert time.monotonic() < deadline, f"the session went on without its page: {rows}"
            time.sleep(0.5)
        assert len(rows) == 1
    finally:
        served.stop()
