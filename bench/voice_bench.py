"""The voice: rendering cost, start-up with a warm cache, and phrase onset latency, each
with a reference measured in the same run.

    .venv/bin/python bench/voice_bench.py [--runs 5] [--onsets 30]

1. Render: every phrase of the neck routine rendered from a cold cache (the session's
   background preparation, at most 2 espeak-ng processes) vs one espeak-ng call for one
   phrase, and vs one espeak-ng call given all the routine's phrase text at once.
2. Start-up: constructing the session's sound listener with the voice on and every phrase
   cached, until (a) the constructor returns (what the first frame waits for) and (b) every
   phrase is loaded in the worker; reference: the listener without the voice, until (a) and
   (b) the worker is ready.
3. Onset: time from handing the listener an engine event to the first sample reaching ALSA
   (ALSA's file plugin over null, polled every 0.1 ms), for phrases and, in the same run,
   for cues.

ALSA's default device is pointed at the file plugin through a temporary HOME; the cache is
a temporary folder (BACKTIMER_CACHE_DIR).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from backtimer.audio.listener import AudioListener
from backtimer.audio.settings import SoundSettings
from backtimer.events import Countdown, SegmentStarted
from backtimer.routine.library import load
from backtimer.timeline import compile
from backtimer.voice.listener import SpokenListener
from backtimer.voice.phrases import build
from backtimer.voice.render import PhraseCache
from backtimer.voice.settings import VoiceSettings
from backtimer.voice.speaker import Voice


class Quiet:
    """A worker client that only records (for the render timing)."""

    def load(self, name: str, path: object, gain: float) -> bool:
        return True

    def say(self, name: str, *, wait: bool = True) -> bool:
        return True

    def stop(self) -> bool:
        return True


def med(values: list[float]) -> float:
    return statistics.median(values)


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))]


def wait_data(path: Path, start: float, timeout: float = 2.0) -> float | None:
    end = start + timeout
    while True:
        with contextlib.suppress(FileNotFoundError):
            if path.stat().st_size > 0:
                return time.monotonic() - start
        if time.monotonic() > end:
            return None
        time.sleep(0.0001)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--onsets", type=int, default=30)
    args = ap.parse_args()
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        print("espeak-ng is not installed (apt-get install espeak-ng)", file=sys.stderr)
        return 1
    tmp = Path(tempfile.mkdtemp(prefix="backtimer-bench-voice-"))
    home = tmp / "home"
    home.mkdir()
    cap = tmp / "cap.raw"
    (home / ".asoundrc").write_text(
        f'pcm.!default {{ type file; slave.pcm "null"; file "{cap}"; format "raw" }}\n'
    )
    os.environ["HOME"] = str(home)
    os.environ["BACKTIMER_CONFIG_DIR"] = str(tmp / "config")
    env = dict(os.environ)
    routine = load("neck")
    timeline = compile(routine)
    settings = VoiceSettings(enabled=True)
    plan = build(routine, timeline)
    texts = plan.texts()

    # 1. render
    cold, one, joined = [], [], []
    spawned = 0
    for i in range(args.runs):
        folder = tmp / f"cold{i}"
        t0 = time.perf_counter()
        voice = Voice(plan, settings, Quiet(), 0.8, cache=PhraseCache(folder), start=False)
        voice._prepare()
        cold.append(time.perf_counter() - t0)
        spawned = voice.spawned
        out = tmp / "one.wav"
        t0 = time.perf_counter()
        subprocess.run([espeak, "-z", "-w", str(out), "--stdin"], input=b"Neck retraction.",
                       check=True)  # fmt: skip
        one.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        subprocess.run([espeak, "-z", "-w", str(out), "--stdin"],
                       input="\n".join(texts).encode(), check=True)  # fmt: skip
        joined.append(time.perf_counter() - t0)
    print(f"voice bench, neck routine, {args.runs} runs, python {sys.version.split()[0]}")
    print()
    print("| render | median s | ratio to one call |")
    print("|---|---|---|")
    print(f"| all {len(texts)} phrase texts, cold cache ({spawned} espeak-ng processes, "
          f"2 at a time) | {med(cold):.3f} | {med(cold) / med(one):.1f} |")  # fmt: skip
    print(f"| one espeak-ng call, one phrase | {med(one):.3f} | 1.0 |")
    print(f"| one espeak-ng call, all the text at once | {med(joined):.3f} | "
          f"{med(joined) / med(one):.1f} |")  # fmt: skip

    # 2. start-up with a warm cache vs no voice
    os.environ["BACKTIMER_CACHE_DIR"] = str(tmp / "warm")
    warm = SpokenListener(routine, timeline, True, voice=settings, tty=False, env=env)
    assert warm.voice is not None and warm.voice.wait_ready(60)
    warm.close()
    rows: dict[str, list[float]] = {"voice ctor": [], "voice all loaded": [],
                                    "plain ctor": [], "plain ready": []}  # fmt: skip
    processes = 0
    for _ in range(args.runs):
        t0 = time.perf_counter()
        lis = SpokenListener(routine, timeline, True, voice=settings, tty=False, env=env)
        rows["voice ctor"].append(time.perf_counter() - t0)
        v = lis.voice
        assert v is not None
        while not (v.ready.is_set() and len(v.loaded) == len(v.ids)):
            time.sleep(0.001)
        rows["voice all loaded"].append(time.perf_counter() - t0)
        processes += v.spawned
        lis.close()
        t0 = time.perf_counter()
        plain = AudioListener(routine, timeline, True, tty=False, env=env)
        rows["plain ctor"].append(time.perf_counter() - t0)
        assert plain.client is not None and plain.client.wait_ready()
        rows["plain ready"].append(time.perf_counter() - t0)
        plain.close()
    print()
    print("| start-up, warm cache | median ms | ratio to no voice |")
    print("|---|---|---|")
    for a, b in (("voice ctor", "plain ctor"), ("voice all loaded", "plain ready")):
        print(f"| {a} vs {b} | {1000 * med(rows[a]):.1f} vs {1000 * med(rows[b]):.1f} | "
              f"{med(rows[a]) / med(rows[b]):.2f} |")  # fmt: skip
    print(f"\nspeech processes started with a warm cache: {processes}")

    # 3. onset latency: phrases and cues in the same run
    lis = SpokenListener(routine, timeline, True, voice=settings,
                         settings=SoundSettings(volume=80), tty=False, env=env)  # fmt: skip
    v = lis.voice
    assert v is not None and v.wait_ready(30)
    while len(v.loaded) < len(v.ids):
        time.sleep(0.01)
    starts = [s for s in timeline.segments if v.text_for(("start", s.index))]
    work = next(s for s in timeline.segments if s.kind == "work")
    lat: dict[str, list[float]] = {"phrase": [], "cue": []}
    missed = dict.fromkeys(lat, 0)
    for i in range(args.onsets):
        seg = starts[i % len(starts)]
        text = v.text_for(("start", seg.index))
        for kind, events in (("phrase", [SegmentStarted(at=seg.start, segment=seg)]),
                             ("cue", [Countdown(at=1.0, segment=work, value=3)])):  # fmt: skip
            with contextlib.suppress(FileNotFoundError):
                cap.unlink()
            t0 = time.monotonic()
            lis.handle(events)
            got = wait_data(cap, t0)
            if got is None:
                missed[kind] += 1
            else:
                lat[kind].append(got * 1000)
            time.sleep((v.lengths[str(text)] if kind == "phrase" else 0.5) + 0.1)
    lis.close()
    print()
    print("| onset, event to first sample at ALSA | median ms | p90 ms | max ms | missed |")
    print("|---|---|---|---|---|")
    for kind in ("phrase", "cue"):
        values = lat[kind]
        print(f"| {kind} | {med(values):.2f} | {pct(values, 0.9):.2f} | {max(values):.2f} | "
              f"{missed[kind]} |")  # fmt: skip
    print(f"\nphrase / cue median onset = {med(lat['phrase']) / med(lat['cue']):.2f}")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
