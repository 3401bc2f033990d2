"""Pause and resume requests left for a running work mode, including damaged ones."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from backtimer.breaks.requests import Request, RequestBox, write_request


def test_a_request_is_taken_once(tmp_path: Path) -> None:
    path = tmp_path / "req.json"
    until = datetime(2026, 3, 2, 13, 30, tzinfo=UTC)
    write_request(Request("pause", until, wall=True), path)
    box = RequestBox(path)
    assert box.take() == Request("pause", until, True)
    assert box.take() is None
    write_request(Request("resume"), path)
    assert box.take() == Request("resume")
    assert not path.exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "content",
    [b"", b"{", b"[" * 50_000, b'{"action": "explode"}', b'{"action": "pause", "until": 3}',
     b'{"action": "pause", "until": "0001-01-01T00:00:00+00:00"}', b"\x1b]52;c;x\x07"],
    ids=["empty", "cut", "deep", "action", "until-type", "until-range", "escapes"],
)  # fmt: skip
def test_a_damaged_request_is_removed_with_a_notice(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "req.json"
    path.write_bytes(content)
    box = RequestBox(path)
    assert box.take() is None
    assert box.notice is not None and box.notice.startswith("breaks: ignoring a damaged")
    assert "\x1b" not in box.notice
    assert not path.exists()


def test_a_fifo_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "req.json"
    os.mkfifo(path)
    box = RequestBox(path)
    assert box.take() is None
    assert box.notice is not None and "not a regular file" in box.notice


def test_pause_round_trips_an_aware_time(tmp_path: Path) -> None:
    path = tmp_path / "req.json"
    until = datetime.now(UTC) + timedelta(minutes=30)
    write_request(Request("pause", until), path)
    taken = RequestBox(path).take()
    assert taken is not None and taken.until == until and not taken.wall
