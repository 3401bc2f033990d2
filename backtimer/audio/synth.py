"""Synthesise the cue sounds in sounds/ deterministically, standard library only.

    python -m backtimer.audio.synth [FOLDER]     # default: the repository's sounds/

Every cue is 16-bit PCM mono at 22.05 kHz, built from sine partials with a
raised-cosine attack and release (no clicks: every file starts and ends at 0).
Running it again writes the same bytes: no randomness, no timestamps, samples
rounded to integers.
"""

from __future__ import annotations

import math
import struct
import sys
import wave
from collections.abc import Callable, Sequence
from pathlib import Path

from backtimer import paths

RATE = 22050
PEAK = 32767

# (frequency Hz, relative amplitude) partials of one note
Partials = Sequence[tuple[float, float]]
BELL: Partials = ((1.0, 1.0), (2.0, 0.35), (3.0, 0.12))
SOFT: Partials = ((1.0, 1.0), (2.0, 0.12))
PURE: Partials = ((1.0, 1.0),)


def _ramp(i: int, n: int, attack: int, release: int) -> float:
    """Raised-cosine attack and release: 0 at both ends, 1 in between."""
    g = 1.0
    if attack and i < attack:
        g = 0.5 - 0.5 * math.cos(math.pi * i / attack)
    left = n - 1 - i
    if release and left < release:
        g = min(g, 0.5 - 0.5 * math.cos(math.pi * left / release))
    return g


def note(
    freq: float,
    seconds: float,
    *,
    partials: Partials = SOFT,
    attack: float = 0.008,
    release: float = 0.05,
    decay: float = 0.0,
    glide_to: float | None = None,
) -> list[float]:
    """One note, samples in -1..1 (before the cue's level). `decay`: exponential per second."""
    n = int(RATE * seconds)
    a, r = int(RATE * attack), int(RATE * release)
    total = sum(amp for _, amp in partials)
    out: list[float] = []
    phase = 0.0
    for i in range(n):
        t = i / RATE
        f = freq if glide_to is None else freq + (glide_to - freq) * (i / max(n - 1, 1))
        phase += 2 * math.pi * f / RATE
        s = sum(amp * math.sin(phase * mult) for mult, amp in partials) / total
        env = _ramp(i, n, a, r) * (math.exp(-decay * t) if decay else 1.0)
        out.append(s * env)
    return out


def silence(seconds: float) -> list[float]:
    return [0.0] * int(RATE * seconds)


def mix(*layers: tuple[float, list[float]]) -> list[float]:
    """Overlay notes: (start seconds, samples)."""
    end = max(int(RATE * at) + len(s) for at, s in layers)
    out = [0.0] * end
    for at, samples in layers:
        start = int(RATE * at)
        for i, v in enumerate(samples):
            out[start + i] += v
    return out


def seq(*parts: list[float]) -> list[float]:
    out: list[float] = []
    for p in parts:
        out.extend(p)
    return out


def pcm(samples: list[float], level: float) -> bytes:
    """16-bit little-endian PCM, normalised so the loudest sample is `level` of full scale."""
    top = max((abs(v) for v in samples), default=0.0) or 1.0
    k = level * PEAK / top
    ints = [max(-PEAK, min(PEAK, round(v * k))) for v in samples]
    return struct.pack(f"<{len(ints)}h", *ints)


# The cues. Each one differs from the others in pitch, direction or rhythm:
C4, E4, G4, A4, C5, E5, G5, A5, C6, E6 = (
    261.63,
    329.63,
    392.0,
    440.0,
    523.25,
    659.25,
    784.0,
    880.0,
    1046.5,
    1318.5,
)


def _tick() -> list[float]:  # short high blip, like a clock
    return note(1500.0, 0.06, partials=PURE, attack=0.003, release=0.03)


def _go() -> list[float]:  # bright rising fifth, second note held: "start now"
    return seq(note(C5, 0.12, partials=BELL, release=0.02), note(G5, 0.32, partials=BELL, decay=3))


def _rest() -> list[float]:  # soft falling fifth, low: "let go"
    return seq(note(G4, 0.18, release=0.03), note(C4, 0.42, decay=3, release=0.12))


def _switch() -> list[float]:  # quick high-low-high-low: "the other side"
    a, b = note(A5, 0.09, release=0.02), note(E5, 0.09, release=0.02)
    return seq(a, silence(0.02), b, silence(0.02), a, silence(0.02), b)


def _rep() -> list[float]:  # soft low knock
    return note(A4, 0.07, partials=PURE, attack=0.003, release=0.05, decay=20)


def _inhale() -> list[float]:  # slow soft rise
    return note(C4, 0.6, partials=PURE, attack=0.2, release=0.2, glide_to=E4)


def _exhale() -> list[float]:  # slow soft fall
    return note(E4, 0.6, partials=PURE, attack=0.2, release=0.2, glide_to=C4)


def _halfway() -> list[float]:  # one bell strike, ringing
    return note(E6, 0.45, partials=BELL, attack=0.004, release=0.1, decay=6)


def _exercise_done() -> list[float]:  # major arpeggio up
    step = 0.09
    return mix(
        (0.0, note(C5, 0.3, decay=5)),
        (step, note(E5, 0.3, decay=5)),
        (2 * step, note(G5, 0.35, decay=5)),
    )


def _routine_done() -> list[float]:  # arpeggio up to the octave, then the chord rings out
    step = 0.12
    return mix(
        (0.0, note(C5, 0.9, decay=2.5, release=0.2)),
        (step, note(E5, 0.78, decay=2.5, release=0.2)),
        (2 * step, note(G5, 0.66, decay=2.5, release=0.2)),
        (3 * step, note(C6, 0.54, partials=BELL, decay=2.5, release=0.2)),
    )


def _break_due() -> list[float]:  # ding-dong door chime
    return seq(note(E5, 0.32, partials=BELL, decay=4), note(C5, 0.5, partials=BELL, decay=3))


# name -> (synth, loudness as a fraction of full scale)
RECIPES: dict[str, tuple[Callable[[], list[float]], float]] = {
    "tick": (_tick, 0.45),
    "go": (_go, 0.7),
    "rest": (_rest, 0.6),
    "switch": (_switch, 0.6),
    "rep": (_rep, 0.35),
    "inhale": (_inhale, 0.3),
    "exhale": (_exhale, 0.3),
    "halfway": (_halfway, 0.5),
    "exercise_done": (_exercise_done, 0.6),
    "routine_done": (_routine_done, 0.7),
    "break_due": (_break_due, 0.6),
}


def render(name: str) -> bytes:
    """The PCM frames of one cue."""
    make, level = RECIPES[name]
    return pcm(make(), level)


def write_wav(path: Path, frames: bytes, rate: int = RATE) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames)


def write_all(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in RECIPES:
        path = folder / f"{name}.wav"
        write_wav(path, render(name))
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    folder = Path(args[0]) if args else paths.sounds_dir()
    for path in write_all(folder):
        print(f"{path}  {path.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
