"""A custom cue file is untrusted: only a regular file of at most MAX_BYTES is read, and
that is checked before reading. A FIFO, a device, a huge file or any bytes at all are a
named problem; in a session the built-in cue plays instead, with one notice."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
import wave
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backtimer import paths
from backtimer.audio.settings import MAX_BYTES, SoundSettings, from_config, read_wav
from backtimer.config import ConfigError, load_config

BIN = Path(sys.executable).parent / "backtimer"


def load(*, strict: bool = True) -> SoundSettings:
    """[sound] of this test's config.toml, as the app reads it."""
    return from_config(load_config(), strict=strict)


def config(text: str) -> Path:
    path = paths.config_file()
    path.write_text(text, encoding="utf-8")
    return path


def problem_of(file: Path) -> str:
    config(f'[sound.cues.go]\nfile = "{file}"\n')
    with pytest.raises(ConfigError) as info:
        load()
    return str(info.value).split(f"{file}: ", 1)[1]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "gong.wav"
    os.mkfifo(fifo)  # nobody writes: reading it would wait for ever
    start = time.monotonic()
    assert problem_of(fifo).startswith("not a regular file")
    assert time.monotonic() - start < 1.0


def test_a_device_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "zero.wav"
    link.symlink_to("/dev/zero")
    assert problem_of(link).startswith("not a regular file")


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.wav"
    with wave.open(str(big), "wb") as w:  # a real WAV header...
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(96000)
        w.writeframes(b"\0" * 4000)
    with big.open("r+b") as fh:  # ...and 2 GB (sparse: costs no disk)
        fh.truncate(2 << 30)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.monotonic()
    assert problem_of(big) == (
        "2048.0 MiB; a cue file may be at most 4 MiB (10 s of 16-bit stereo at 96 kHz)"
    )
    assert time.monotonic() - start < 1.0
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kib < 64 * 1024  # nowhere near the 2 GB


def test_the_largest_allowed_cue_still_plays(tmp_path: Path) -> None:
    path = tmp_path / "ten.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(96000)
        w.writeframes(b"\1\0" * (2 * 96000 * 10))
    assert path.stat().st_size <= MAX_BYTES
    assert read_wav(path).seconds == pytest.approx(10.0)


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=400))
def test_any_bytes_are_a_wav_or_a_named_problem(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    path = tmp_path_factory.mktemp("cue") / "any.wav"
    header = b"RIFF" + len(data).to_bytes(4, "little") + b"WAVEfmt "
    for content in (data, header + data):
        path.write_bytes(content)
        try:
            read_wav(path)
        except ValueError as problem:
            assert str(problem)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_session_with_a_fifo_cue_plays_the_built_in_one_with_one_notice(tmp_path: Path) -> None:
    fifo = tmp_path / "gong.wav"
    os.mkfifo(fifo)
    path = config(f'[sound]\nbackend = "none"\n[sound.cues.go]\nfile = "{fifo}"\n')
    done = subprocess.run(
        [str(BIN), "run", "neck", "--plain", "--auto"],
        input="quit\n",
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    notes = [line for line in done.stdout.splitlines() if line.startswith("note: sound")]
    assert notes == [
        f"note: sound: {path}: [sound.cues.go] file: {fifo}: not a regular file (a pipe, a "
        "device or a socket); expected a WAV file (the built-in cue plays instead)"
    ]
    assert done.returncode == 0


def test_a_home_that_does_not_resolve_is_a_problem_of_that_cue(tmp_path: Path) -> None:
    path = config('[sound]\nvolume = 30\n[sound.cues.go]\nfile = "~nosuchuser/gong.wav"\n')
    lenient = load(strict=False)
    assert lenient.volume == 30  # the rest of [sound] holds
    assert lenient.path("go") == paths.sounds_dir() / "go.wav"
    assert lenient.problems == (
        f"{path}: [sound.cues.go] file: ~nosuchuser/gong.wav: there is no user 'nosuchuser' "
        "on this system",
    )
