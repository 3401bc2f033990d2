"""`backtimer pause 30m|2h|until 14:30|tomorrow` and `backtimer resume`: the break
reminders, from any terminal. A running work mode takes the request within a second (it
holds the work lock); otherwise the saved schedule is changed here, and work mode starts
paused."""

from __future__ import annotations

import argparse
import time

from backtimer.breaks.clock import local_tz, reading
from backtimer.breaks.lock import AlreadyRunning, WorkLock
from backtimer.breaks.pause import PauseError, pause_end
from backtimer.breaks.requests import Request, RequestBox, write_request
from backtimer.breaks.scheduler import Scheduler, until_text
from backtimer.breaks.state import BreakStore
from backtimer.cli.status import configured_breaks
from backtimer.usecases.errors import UserError

TAKEN_WITHIN = 3.0  # seconds to wait for a running work mode to take the request


def run_pause(args: argparse.Namespace) -> int:
    text = " ".join(args.length)
    settings = configured_breaks()
    now = reading()
    tz = local_tz()
    try:
        until, wall = pause_end(text, now.wall, tz, settings)
    except PauseError as exc:
        raise UserError(str(exc), 2) from None
    shown = until_text(until, now.wall, tz)
    return _apply(Request("pause", until, wall), f"Paused until {shown}.")


def run_resume(args: argparse.Namespace) -> int:
    return _apply(Request("resume"), "Reminders are back.")


def _apply(request: Request, done: str) -> int:
    lock = WorkLock()
    try:
        lock.acquire()
    except AlreadyRunning:
        return _ask_running(request, done)
    except OSError as exc:
        raise UserError(f"cannot lock {lock.path}: {exc.strerror or exc}", 1) from None
    try:  # work mode is not running: change the saved schedule here
        store = BreakStore()
        state, saved = store.load_with_settings()
        scheduler = Scheduler(saved or configured_breaks(), local_tz(), state)
        now = reading()
        scheduler.check(now)
        if request.action == "resume":
            if not scheduler.resume(now):
                print("Not paused.")
                return 0
        else:
            assert request.until is not None
            scheduler.pause(now, request.until, wall=request.wall)
        assert scheduler.state is not None
        store.save(scheduler.state, scheduler.settings)
        if store.notice:
            raise UserError(store.notice, 1)
        print(f"{done} (Work mode is not running; it starts so.)")
        return 0
    finally:
        lock.release()


def _ask_running(request: Request, done: str) -> int:
    """Leave the request for the running work mode and wait a moment for it to take it."""
    box = RequestBox()
    try:
        write_request(request, box.path)
    except OSError as exc:
        raise UserError(f"cannot write {box.path}: {exc.strerror or exc}", 1) from None
    deadline = time.monotonic() + TAKEN_WITHIN
    while time.monotonic() < deadline:
        if not box.waiting():
            print(done)
            return 0
        time.sleep(0.1)
    print(f"{done} (Work mode will take it at its next look at the clock.)")
    return 0
