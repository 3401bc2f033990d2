"""Cue onset latency and CPU of backtimer's audio worker, with references, in one run.

    .venv/bin/python bench/audio_latency.py [--seconds 60]

ALSA's default device is pointed (through a temporary HOME) at the `file` plugin over
`null`, so "the first sample reached ALSA" is observable: the plugin creates its file at
open and writes the first period as soon as the player hands it over. Once a second:

  backtimer  AudioListener.handle([Countdown event]) -> pipe -> worker -> simpleaudio
  in-proc    simpleaudio.play_buffer in this process (the cost without the isolation)
  aplay      `aplay -q cue.wav` started as a subprocess (the command-line fallback)

Latency = time from the call (event / play_buffer / Popen) until the capture file has
data, polled every 0.1 ms; each backtimer capture is then checked to hold the cue's samples
at the set volume. CPU: the worker's own CPU time over the run (it reports
time.process_time() when pinged), the time this process spends inside handle(), and the
aplay processes' CPU (RUSAGE_CHILDREN). The in-proc row shares this process's GIL with
the polling loop, so it is noisier than it would be in an idle app.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

from backtimer import paths
from backtimer.audio.cue_names import CUES
from backtimer.audio.listener import AudioListener
from backtimer.audio.player import scale
from backtimer.audio.settings import SoundSettings
from backtimer.events import Countdown, Halfway, SegmentStarted
from backtimer.timeline import Segment


def worker_cpu_seconds(listener: AudioListener) -> float:
    """The worker's own CPU time (all its threads), as it reports it."""
    stats = listener.client.ping()
    assert stats is not None, "the worker did not answer"
    return float(stats["cpu"])


def wait_data(path: Path, start: float, timeout: float = 2.0) -> float | None:
    end = start + timeout
    while True:
        try:
            if path.stat().st_size > 0:
                return time.monotonic() - start
        except FileNotFoundError:
            pass
        if time.monotonic() > end:
            return None
        time.sleep(0.0001)


def clear(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def events_for(i: int) -> tuple[str, list[object]]:
    seg_work = Segment(index=1, kind="work", exercise_index=0, exercise="X", label="Hold",
                       start=5.0, duration=30.0, estimate=30.0)  # fmt: skip
    seg_rest = Segment(index=2, kind="rest", exercise_index=0, exercise="X", label="Rest",
                       start=35.0, duration=10.0, estimate=10.0, reason="set")  # fmt: skip
    options: list[tuple[str, list[object]]] = [
        ("tick", [Countdown(at=float(i), segment=seg_work, value=3)]),
        ("go", [SegmentStarted(at=float(i), segment=seg_work)]),
        ("halfway", [Halfway(at=float(i), segment=seg_work)]),
        ("rest", [SegmentStarted(at=float(i), segment=seg_rest)]),
    ]
    return options[i % len(options)]


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--seconds", type=int, default=60, help="cues to play, one a second")
    args = ap.parse_args()
    try:
        import simpleaudio
    except ImportError as exc:
        print(f"simpleaudio cannot be imported ({exc}); install the audio extra", file=sys.stderr)
        return 1

    tmp = Path(tempfile.mkdtemp(prefix="backtimer-bench-audio-"))
    home = tmp / "home"
    home.mkdir()
    cap = tmp / "cap.raw"
    (home / ".asoundrc").write_text(
        f'pcm.!default {{ type file; slave.pcm "null"; file "{cap}"; format "raw" }}\n'
    )
    os.environ["HOME"] = str(home)  # for simpleaudio in this process and for aplay
    env = dict(os.environ)

    listener = AudioListener(None, None, True, settings=SoundSettings(volume=80), tty=False,
                             env=env)  # fmt: skip
    assert listener.client is not None and listener.client.wait_ready(), "worker did not start"
    if listener.backend != "simpleaudio":
        print(f"worker backend is {listener.backend}: {listener.client.reasons}", file=sys.stderr)
        return 1
    wav = {name: paths.sounds_dir() / f"{name}.wav" for name in CUES}
    frames = {}
    for name, p in wav.items():
        with wave.open(str(p), "rb") as w:
            frames[name] = w.readframes(w.getnframes())

    lat: dict[str, list[float]] = {"backtimer": [], "in-proc": [], "aplay": []}
    missed: dict[str, int] = dict.fromkeys(lat, 0)
    handle_cpu = 0.0
    wrong = 0

    def record(kind: str, got: float | None) -> None:
        if got is None:
            missed[kind] += 1
        else:
            lat[kind].append(got)

    # warm-up (first open of each path)
    listener.play("tick")
    time.sleep(0.3)
    worker_cpu0 = worker_cpu_seconds(listener)
    children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t_begin = time.monotonic()
    for i in range(args.seconds):
        slot = t_begin + i
        time.sleep(max(0.0, slot - time.monotonic()))
        name, events = events_for(i)

        clear(cap)
        c0 = time.process_time()
        t0 = time.monotonic()
        listener.handle(events)
        handle_cpu += time.process_time() - c0
        got = wait_data(cap, t0)
        record("backtimer", got)
        expected = scale(frames[name], 0.8)
        time.sleep(0.1)
        if got is not None and not cap.read_bytes().startswith(expected):
            wrong += 1

        time.sleep(max(0.0, slot + 0.35 - time.monotonic()))
        clear(cap)
        t0 = time.monotonic()
        play = simpleaudio.play_buffer(frames[name], 1, 2, 22050)
        got = wait_data(cap, t0)
        record("in-proc", got)
        play.wait_done()

        time.sleep(max(0.0, slot + 0.7 - time.monotonic()))
        clear(cap)
        t0 = time.monotonic()
        proc = subprocess.Popen(["aplay", "-q", str(wav[name])], stderr=subprocess.DEVNULL)
        got = wait_data(cap, t0)
        record("aplay", got)
        proc.wait()
    elapsed = time.monotonic() - t_begin
    worker_cpu = worker_cpu_seconds(listener) - worker_cpu0
    children1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    aplay_cpu = (children1.ru_utime - children0.ru_utime) + (
        children1.ru_stime - children0.ru_stime
    )
    listener.close()

    ms = {k: [v * 1000 for v in vals] for k, vals in lat.items()}
    med = {k: statistics.median(v) if v else float("nan") for k, v in ms.items()}
    print(f"audio cue onset latency, {args.seconds} cues one a second, {elapsed:.0f} s, "
          f"python {sys.version.split()[0]}")  # fmt: skip
    print()
    print("| path | median ms | p90 ms | max ms | missed | ratio to aplay (median) |")
    print("|---|---|---|---|---|---|")
    for k in ("backtimer", "in-proc", "aplay"):
        v = ms[k]
        print(f"| {k} | {med[k]:.2f} | {pct(v, 0.9):.2f} | {max(v):.2f} | {missed[k]} | "
              f"{med[k] / med['aplay']:.3f} |")  # fmt: skip
    print(f"\nbacktimer captures that did not hold the cue's samples at volume 80: {wrong}")
    print()
    print("| CPU over the run | seconds | % of one core |")
    print("|---|---|---|")
    print(f"| worker process (simpleaudio, {args.seconds} cues) | {worker_cpu:.3f} | "
          f"{100 * worker_cpu / elapsed:.2f} |")  # fmt: skip
    print(f"| app process inside handle() | {handle_cpu:.3f} | {100 * handle_cpu / elapsed:.3f} |")
    print(f"| aplay processes ({args.seconds} runs) | {aplay_cpu:.3f} | "
          f"{100 * aplay_cpu / elapsed:.2f} |")  # fmt: skip
    ratio = worker_cpu / aplay_cpu if aplay_cpu else float("nan")
    lat_ratio = med["backtimer"] / med["aplay"]
    print(f"\nworker CPU / aplay CPU = {ratio:.3f}; "
          f"backtimer median latency / aplay median = {lat_ratio:.3f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
