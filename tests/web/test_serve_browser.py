"""`backtimer serve` in a real browser: Debian's headless Chromium, driven by Playwright.

A person opens the printed URL on a phone (390x844, touch) and on a desktop (1280x800),
sees the library, starts a short routine by tapping and by keyboard, watches the countdown
move, pauses, and quits; a browser without the token gets 403. Screenshots are kept under
build/serve-screenshots/ (or $BACKTIMER_ARTEFACTS/serve-screenshots/; each path is printed).
The test skips, saying why, only where /usr/bin/chromium or playwright is missing.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.serve_helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    TOKEN,
    BrowserScreen,
    Served,
    chromium_missing,
    countdown_rows,
)

pytestmark = pytest.mark.slow

ARTEFACTS = (
    Path(os.environ.get("BACKTIMER_ARTEFACTS", Path(__file__).resolve().parents[2] / "build"))
    / "serve-screenshots"
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    reason = chromium_missing()
    if reason:
        print(f"\nskipping the browser tests: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    server = Served(tmp_path, "--token", TOKEN, "--no-sound")
    try:
        yield server
    finally:
        server.stop()


def open_page(browser: Any, url: str, width: int, height: int, *, phone: bool) -> Any:
    context = browser.new_context(
        viewport={"width": width, "height": height}, is_mobile=phone, has_touch=phone
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
        page.screenshot(path=str(path))
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
    x, y = screen.cell_centre("Next")
    page.touchscreen.tap(x, y)
    screen.wait_for("Chin tuck")
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
    text = screen.wait_for("It hurts")
    assert "space Pause" in text  # wide page: the footer's keys, no touch buttons
    assert "Resume" not in text
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
