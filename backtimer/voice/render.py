"""Rendering phrases to WAV files with a speech engine, and the cache they are kept in.

The engine is espeak-ng (`espeak-ng -v VOICE -s RATE -z -w FILE --stdin`, the text on
standard input), or any program given as `[voice] command` that writes a WAV to `{wav}`
and reads the text on standard input (Piper, a wrapper script, ...).

Cache: `platformdirs.user_cache_path("backtimer")/voice` (or $BACKTIMER_CACHE_DIR/voice),
one `<key>.wav` per phrase, the key a SHA-256 of the engine's identity (espeak-ng's
`--version`, or the command and its program's size and time), the voice, the rate and the
text. A rendered file is checked, its leading and trailing silence cut (so speech starts on
the first sample), and written through a temporary file and a rename: a crash leaves a whole
file or none. Cached files are untrusted: each is opened only if it is a regular file of
sane size that reads as a phrase WAV; anything else is removed and rendered again.

espeak-ng's version is read once (`espeak-ng --version`) and kept in `engines.json` in the
cache, keyed by the program's path, size and time, so a run with every phrase cached starts
no process at all.
"""

from __future__ import annotations

import array
import contextlib
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import wave
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from backtimer import paths
from backtimer.audio.settings import Clip
from backtimer.audio.worker import read_phrase
from backtimer.voice.settings import WAV, VoiceSettings

ESPEAK = "espeak-ng"
INSTALL_HINT = (
    "voice: espeak-ng is not installed, so the cues play instead "
    "(install it: sudo apt-get install espeak-ng)"
)
RENDER_TIMEOUT = 30.0
VERSION_TIMEOUT = 5.0
SILENCE = 150  # samples quieter than this (of 32767) at either end are cut
KEEP = 0.002  # seconds of quiet kept before the speech starts
MAX_ENGINES_FILE = 64 << 10
MAX_FILES = 4000  # phrases kept; past this the least recently used tenth is removed


class RenderError(Exception):
    """The engine could not render a phrase; str() says why, in one line."""


def cache_folder() -> Path:
    return paths.cache_dir() / "voice"


def _identity_of(exe: str) -> str:
    st = os.stat(exe)
    return f"{os.path.realpath(exe)}:{st.st_size}:{st.st_mtime_ns}"


@dataclass(frozen=True)
class SpeechEngine:
    name: str  # "espeak-ng", or the command's program
    argv: tuple[str, ...]  # with {wav} where the WAV goes
    identity: str  # what makes its output differ: its version, or the command itself

    def key(self, text: str) -> str:
        data = json.dumps([self.identity, list(self.argv), text], ensure_ascii=False)
        return hashlib.sha256(data.encode()).hexdigest()[:40]


def locate(settings: VoiceSettings, which: Callable[[str], str | None] = shutil.which) -> str:
    """The engine program's path. Raises RenderError with the message for the person."""
    if settings.command:
        program = settings.command[0]
        found = which(program)
        if found is None:
            raise RenderError(
                f"voice: {program} (the [voice] command) is not found, so the cues play instead"
            )
        return found
    found = which(ESPEAK)
    if found is None:
        raise RenderError(INSTALL_HINT)
    return found


class PhraseCache:
    def __init__(self, folder: Path | None = None) -> None:
        self.folder = cache_folder() if folder is None else folder

    def path(self, key: str) -> Path:
        return self.folder / f"{key}.wav"

    def get(self, key: str) -> Clip | None:
        """The cached phrase, or None; a bad file (not a regular file, too big, not a WAV
        we play) is removed so it is rendered again."""
        path = self.path(key)
        try:
            clip = read_phrase(path)
        except ValueError as problem:
            if str(problem) != "file not found":
                with contextlib.suppress(OSError):
                    if stat.S_ISDIR(os.lstat(path).st_mode):
                        shutil.rmtree(path)
                    else:
                        path.unlink()
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # used now: kept longest when the cache is pruned
        return clip

    def prune(self, keep: int = MAX_FILES) -> int:
        """Remove the least recently used tenth of the phrases when there are more than
        `keep`. Returns how many were removed."""
        try:
            entries = [e for e in os.scandir(self.folder) if e.name.endswith(".wav")]
        except OSError:
            return 0
        if len(entries) <= keep:
            return 0

        def used(entry: os.DirEntry[str]) -> float:
            try:
                return entry.stat(follow_symlinks=False).st_mtime
            except OSError:
                return 0.0

        entries.sort(key=used)
        removed = 0
        for entry in entries[: max(1, len(entries) // 10)]:
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                removed += 1
        return removed

    def put(self, key: str, clip: Clip) -> Path:
        path = self.path(key)
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".phrase-", suffix=".tmp", dir=self.folder)
        try:
            with os.fdopen(fd, "wb") as fh:
                with wave.open(fh, "wb") as w:
                    w.setnchannels(clip.channels)
                    w.setsampwidth(2)
                    w.setframerate(clip.rate)
                    w.writeframes(clip.frames)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        return path

    # -- the engine's version, read once per program
    def _engines_file(self) -> Path:
        return self.folder / "engines.json"

    def _engines(self) -> dict[str, str]:
        path = self._engines_file()
        try:
            st = os.lstat(path)
            if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_ENGINES_FILE:
                return {}
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict):
            return {}
        return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}

    def version(self, exe: str, spawned: Callable[[], None] | None = None) -> str:
        """`exe --version`, from the cache when the program is unchanged."""
        ident = _identity_of(exe)
        known = self._engines()
        if ident in known:
            return known[ident]
        if spawned is not None:
            spawned()
        try:
            done = subprocess.run(
                [exe, "--version"],
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=VERSION_TIMEOUT,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise RenderError(f"voice: {exe} --version failed ({exc})") from None
        text = " ".join(done.stdout.decode("utf-8", "replace").split())[:200]
        known = {k: v for k, v in known.items() if os.path.exists(k.rsplit(":", 2)[0])}
        known[ident] = text or f"exit {done.returncode}"
        with contextlib.suppress(OSError):
            from backtimer.files import write_atomic  # noqa: PLC0415

            write_atomic(self._engines_file(), json.dumps(known, indent=1))
        return known[ident]


def engine_for(
    settings: VoiceSettings,
    cache: PhraseCache,
    *,
    which: Callable[[str], str | None] = shutil.which,
    spawned: Callable[[], None] | None = None,
) -> SpeechEngine:
    """The engine the settings ask for, with its identity. Raises RenderError."""
    exe = locate(settings, which)
    if settings.command:
        try:
            ident = "command " + _identity_of(exe)
        except OSError as exc:
            raise RenderError(f"voice: cannot use {exe} ({exc.strerror})") from None
        return SpeechEngine(Path(exe).name, (exe, *settings.command[1:]), ident)
    version = cache.version(exe, spawned)
    argv = (exe, "-v", settings.voice, "-s", str(settings.rate), "-z", "-w", WAV, "--stdin")
    return SpeechEngine(ESPEAK, argv, version)


def trim(clip: Clip) -> Clip:
    """The clip without the quiet before the speech starts (but KEEP s) and after it ends."""
    samples = array.array("h")
    samples.frombytes(clip.frames)
    if sys.byteorder == "big":
        samples.byteswap()
    ch = clip.channels
    n = len(samples)
    lo = 0
    while lo < n and -SILENCE <= samples[lo] <= SILENCE:
        lo += 1
    if lo == n:
        raise RenderError("the engine wrote only silence")
    hi = n - 1
    while -SILENCE <= samples[hi] <= SILENCE:
        hi -= 1
    first = max(0, lo // ch - int(KEEP * clip.rate))
    last = hi // ch + 1
    width = 2 * ch
    frames = clip.frames[first * width : last * width]
    return Clip(frames=frames, channels=ch, rate=clip.rate, source=clip.source)


def render(
    engine: SpeechEngine,
    text: str,
    folder: Path,
    *,
    started: Callable[[subprocess.Popen[bytes]], None] | None = None,
) -> Clip:
    """Run the engine once for `text`; the checked, trimmed clip. Raises RenderError."""
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".render-", suffix=".wav", dir=folder)
    os.close(fd)
    try:
        argv = [a.replace(WAV, tmp) for a in engine.argv]
        try:
            proc = subprocess.Popen(
                argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                close_fds=True,
            )
        except OSError as exc:
            raise RenderError(f"cannot run {engine.name} ({exc.strerror})") from None
        with contextlib.suppress(OSError):  # below the app: speech is made ahead of time
            os.setpriority(os.PRIO_PROCESS, proc.pid, 10)
        if started is not None:
            started(proc)
        try:
            _, err = proc.communicate(text.encode("utf-8"), timeout=RENDER_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise RenderError(f"{engine.name} took over {RENDER_TIMEOUT:.0f} s") from None
        if proc.returncode != 0:
            lines = err.decode("utf-8", "replace").strip().splitlines()
            why = " ".join(lines[-1].split())[:200] if lines else "no message"
            raise RenderError(f"{engine.name} failed (exit {proc.returncode}: {why})")
        try:
            clip = read_phrase(Path(tmp))
        except ValueError as problem:
            raise RenderError(f"{engine.name} wrote an unusable WAV ({problem})") from None
        return trim(clip)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
