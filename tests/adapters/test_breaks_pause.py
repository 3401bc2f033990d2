"""`pause 30m | 2h | until 14:30 | tomorrow`: when the pause ends, and clear refusals."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from backtimer.breaks.pause import PauseError, pause_end
from backtimer.breaks.scheduler import BreakSettings

BERLIN = ZoneInfo("Europe/Berlin")
TUESDAY_10 = datetime(2026, 3, 3, 10, 0, tzinfo=BERLIN)
FRIDAY_17 = datetime(2026, 3, 6, 17, 0, tzinfo=BERLIN)
SETTINGS = BreakSettings()


def local(moment: datetime) -> datetime:
    return moment.astimezone(BERLIN)


def test_a_length_is_elapsed_time() -> None:
    end, wall = pause_end("30m", TUESDAY_10, BERLIN, SETTINGS)
    assert (end - TUESDAY_10, wall) == (timedelta(minutes=30), False)
    end, wall = pause_end(" 1h30m ", TUESDAY_10, BERLIN, SETTINGS)
    assert end - TUESDAY_10 == timedelta(minutes=90)


def test_until_a_time_of_day_is_the_next_one_on_the_local_clock() -> None:
    end, wall = pause_end("until 14:30", TUESDAY_10, BERLIN, SETTINGS)
    assert (local(end).strftime("%a %H:%M"), wall) == ("Tue 14:30", True)
    end, _ = pause_end("until 08:00", TUESDAY_10, BERLIN, SETTINGS)
    assert local(end).strftime("%a %H:%M") == "Wed 08:00"
    end, _ = pause_end("14:30", TUESDAY_10, BERLIN, SETTINGS)
    assert local(end).strftime("%H:%M") == "14:30"


def test_tomorrow_is_when_work_begins_on_the_next_working_day() -> None:
    end, wall = pause_end("tomorrow", TUESDAY_10, BERLIN, SETTINGS)
    assert (local(end).strftime("%a %H:%M"), wall) == ("Wed 09:00", True)
    end, _ = pause_end("tomorrow", FRIDAY_17, BERLIN, SETTINGS)
    assert local(end).strftime("%a %H:%M") == "Mon 09:00"
    anyday = BreakSettings(hours=None, days=frozenset(range(7)))
    end, _ = pause_end("tomorrow", FRIDAY_17, BERLIN, anyday)
    assert local(end).strftime("%a %H:%M") == "Sat 00:00"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0s", "between 1m and 24h"),
        ("2d", "expected"),
        ("25h", "between 1m and 24h"),
        ("30", 'give a unit, for example "30m"'),
        ("until 25:00", "not a time of day"),
        ("until lunch", 'such as "until 14:30"'),
        ("\x1b]2;x\x07", "expected"),
    ],
)
def test_what_cannot_be_a_pause_is_refused_with_a_message(text: str, message: str) -> None:
    with pytest.raises(PauseError) as caught:
        pause_end(text, TUESDAY_10, BERLIN, SETTINGS)
    assert message in str(caught.value)
    assert "\x1b" not in str(caught.value)
