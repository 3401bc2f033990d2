"""The audio worker's rules for phrases, with a stand-in simpleaudio that plays in real
time (the null device swallows a buffer at once, so cutting cannot be seen there):
a phrase never cuts another, a cue inside a phrase is dropped, a phrase cuts a cue."""

from __future__ import annotations

import os
import threading
import time
import wave
from pathlib import Path
from typing import Any

from backtimer import paths
from backtimer.audio.cue_names import CUES
from backtimer.audio.worker import WorkerClient
from tests.adapters.test_audio_alsa import FAKE_SIMPLEAUDIO


def tone(path: Path, seconds: float, level: int = 8000) -> Path:
    n = int(22050 * seconds)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(22050)
        w.writeframes((level.to_bytes(2, "little", signed=True)) * n)
    return path


class Client:
    def __init__(self, tmp: Path) -> None:
        fake = tmp / "fake"
        fake.mkdir()
        (fake / "simpleaudio.py").write_text(FAKE_SIMPLEAUDIO)
        self.log = tmp / "sa.log"
        env = dict(os.environ, FAKE_SA_LOG=str(self.log),
                   PYTHONPATH=f"{fake}{os.pathsep}{os.environ.get('PYTHONPATH', '')}")  # fmt: skip
        self.messages: list[dict[str, Any]] = []
        self.loaded = threading.Event()
        clips = {n: (paths.sounds_dir() / f"{n}.wav", paths.sounds_dir() / f"{n}.wav", 1.0)
                 for n in CUES}  # fmt: skip
        self.client = WorkerClient(clips, report=True, on_message=self._on, env=env)
        assert self.client.wait_ready()

    def _on(self, msg: dict[str, Any]) -> None:
        self.messages.append(msg)

    def load(self, name: str, path: Path) -> None:
        self.client.load(name, path, 1.0)
        end = time.monotonic() + 10
        while not any(m.get("name") == name and m["type"] == "loaded" for m in self.messages):
            assert time.monotonic() < end, self.messages
            time.sleep(0.01)

    def steps(self) -> list[tuple[float, str]]:
        lines = [line.split(" ", 1) for line in self.log.read_text().splitlines()][1:]
        return [(float(t), s) for t, s in lines]


def test_a_phrase_waits_for_the_one_sounding_and_a_cue_inside_it_is_dropped(
    tmp_path: Path,
) -> None:
    c = Client(tmp_path)
    try:
        c.load("long", tone(tmp_path / "long.wav", 0.6))
        c.load("short", tone(tmp_path / "short.wav", 0.2))
        c.client.say("long")
        time.sleep(0.1)
        c.client.play("go")  # inside the phrase: dropped
        c.client.say("short", wait=False)  # a countdown word finding a phrase: left out
        c.client.say("short")  # waits for "long" to end
        time.sleep(1.0)
        c.client.play("tick")  # after both: plays
        time.sleep(0.2)
    finally:
        c.client.close()
    steps = c.steps()
    plays = [(t, s) for t, s in steps if s.startswith("play")]
    long_n, short_n = int(22050 * 0.6) * 2, int(22050 * 0.2) * 2
    assert [s for _, s in plays][:2] == [f"play {long_n}", f"play {short_n}"]
    assert plays[1][0] - plays[0][0] >= 0.59  # the second phrase started when the first ended
    stops_between = [s for t, s in steps if plays[0][0] < t < plays[1][0] - 0.001]
    assert stops_between == []  # nothing cut the first phrase ...
    assert "stop" in [s for t, s in steps if plays[1][0] - 0.01 <= t <= plays[1][0]]  # (its end)
    told = ("played", "said", "dropped")
    kinds = [(m["type"], m["name"]) for m in c.messages if m["type"] in told]
    assert kinds == [("said", "long"), ("dropped", "go"), ("dropped", "short"), ("said", "short"),
                     ("played", "tick")]  # fmt: skip


def test_a_phrase_cuts_a_cue_and_the_last_phrase_is_heard_whole_on_close(tmp_path: Path) -> None:
    c = Client(tmp_path)
    c.load("done", tone(tmp_path / "done.wav", 0.8))
    c.client.play("routine_done")
    time.sleep(0.05)
    c.client.say("done")
    t_close = time.monotonic()
    c.client.close()
    assert time.monotonic() - t_close >= 0.7  # closing waited for the phrase
    done_n = len((paths.sounds_dir() / "routine_done.wav").read_bytes()) - 44
    steps = [s for _, s in c.steps()]
    assert steps == [f"play {done_n}", "stop", f"play {int(22050 * 0.8) * 2}", "stop"]


def test_a_bad_phrase_file_is_refused_by_the_worker(tmp_path: Path) -> None:
    c = Client(tmp_path)
    try:
        bad = tmp_path / "bad.wav"
        bad.write_text("not a wav")
        c.client.load("bad", bad, 1.0)
        big = tmp_path / "big.wav"
        with open(big, "wb") as fh:
            fh.truncate(9 << 20)
        c.client.load("big", big, 1.0)
        c.client.load("dev", Path("/dev/zero"), 1.0)
        end = time.monotonic() + 5
        while len([m for m in c.messages if m["type"] == "load_failed"]) < 3:
            assert time.monotonic() < end, c.messages
            time.sleep(0.01)
        reasons = {m["name"]: m["reason"] for m in c.messages if m["type"] == "load_failed"}
        assert reasons["bad"].endswith("not a WAV file (file does not start with RIFF id)")
        assert "a phrase may be at most" in reasons["big"]
        assert reasons["dev"] == "/dev/zero: not a regular file"
        c.client.say("bad")  # never loaded: nothing happens, the worker goes on
        assert c.client.ping() is not None
    finally:
        c.client.close()
