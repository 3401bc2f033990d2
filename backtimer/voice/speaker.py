"""Voice: renders a plan's phrases in the background and says them through the audio worker.

At the start of a session (the first frame is not held up) a daemon thread finds the engine,
walks the plan's slots in timeline order and, for each, the variant to say: a cached WAV is
used as it is; a missing one is rendered by at most PROCESSES engine processes at a time, in
timeline order, so the first phrases are ready first. A variant whose WAV is longer than its
room is passed over for the next, shorter one. The chosen WAV is handed to the worker to
load (it answers "loaded"), and from then on the slot's moment says it instead of playing
its cue.

A phrase whose moment came before it was ready (the get-ready phrase on a first run) is
still said when it becomes ready within LATE seconds, if it then still fits its room.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any, Protocol

from backtimer import events as ev
from backtimer.audio.settings import Clip
from backtimer.voice.phrases import Key, Plan, estimate
from backtimer.voice.render import (
    PhraseCache,
    RenderError,
    SpeechEngine,
    engine_for,
    locate,
    render,
)
from backtimer.voice.settings import VoiceSettings

PROCESSES = 2  # engine processes at a time
LATE = 1.0  # seconds a phrase may start after its moment (only when it was not ready yet)


class Client(Protocol):
    def load(self, name: str, path: Any, gain: float) -> bool: ...
    def say(self, name: str, *, wait: bool = True) -> bool: ...
    def stop(self) -> bool: ...


class Voice:
    def __init__(
        self,
        plan: Plan,
        settings: VoiceSettings,
        client: Client,
        gain: float,
        *,
        cache: PhraseCache | None = None,
        which: Callable[[str], str | None] = shutil.which,
        processes: int = PROCESSES,
        on_notice: Callable[[str], None] | None = None,
        start: bool = True,
    ) -> None:
        self.plan = plan
        self.settings = settings
        self.client = client
        self.gain = max(0.0, min(1.0, gain))
        self.cache = cache or PhraseCache()
        self.which = which
        self.processes = max(1, processes)
        self.on_notice = on_notice
        self.enabled = True
        self.notices: list[str] = []
        self.spawned = 0  # engine processes started (its --version included)
        self.lengths: dict[str, float] = {}  # text -> seconds, once rendered or found cached
        self.paths: dict[str, Any] = {}
        self.chosen: dict[Key, str | None] = {}  # slot -> the text it says (None: its cue)
        self.ids: dict[str, str] = {}  # text -> the worker's name for it
        self.loaded: set[str] = set()  # worker names loaded
        self.rendered: set[str] = set()  # texts rendered by this session (not cached)
        self.ready = threading.Event()  # every slot decided
        self.engine: SpeechEngine | None = None
        self._texts: dict[str, str] = {}  # worker name -> text
        self._missed: tuple[Key, float] | None = None
        self._closing = threading.Event()
        self._procs: set[subprocess.Popen[bytes]] = set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        try:
            locate(settings, which)
        except RenderError as exc:
            self._note(str(exc))
            self.ready.set()
            return
        if start:
            self._thread = threading.Thread(
                target=self._prepare, name="backtimer-voice", daemon=True
            )
            self._thread.start()

    # ------------------------------------------------------------ notices
    def _note(self, text: str) -> None:
        if text in self.notices:
            return
        self.notices.append(text)
        if self.on_notice is not None:
            with contextlib.suppress(Exception):
                self.on_notice(text)

    # ------------------------------------------------------------ saying
    def text_for(self, key: Key) -> str | None:
        """The text a slot says now: chosen and loaded in the worker; else None."""
        text = self.chosen.get(key)
        if text is None:
            return None
        name = self.ids.get(text)
        return text if name is not None and name in self.loaded else None

    def handle(self, events: Iterable[object]) -> bool:
        """Say the phrase for a batch of events. True when one went out (it takes the place
        of the batch's cue)."""
        batch = list(events)
        if any(isinstance(e, ev.SessionStopped) for e in batch):
            self.client.stop()  # stopped: the voice stops too
            return False
        if not self.enabled:
            return False
        key = self.plan.key_for(batch)
        if key is None:
            return False
        text = self.text_for(key)
        if text is None:
            if key in self.plan.slots and self.chosen.get(key, "") is not None:
                self._missed = (key, time.monotonic())  # not ready yet: maybe a bit late
            return False
        self._missed = None
        return self.client.say(self.ids[text], wait=self.plan.slots[key].wait)

    def say_text(self, text: str, *, wait: bool = True) -> bool:
        """Say a phrase of a `for_texts` plan by its text, once it is loaded."""
        key: Key = ("text", text)
        said = self.text_for(key)
        if said is None or not self.enabled:
            return False
        return self.client.say(self.ids[said], wait=wait)

    def wait_loaded(self, timeout: float) -> bool:
        """Wait until every chosen phrase is loaded in the worker (or the timeout)."""
        end = time.monotonic() + timeout
        if not self.ready.wait(timeout):
            return False
        while len(self.loaded) < len(self.ids):
            if time.monotonic() > end:
                return False
            time.sleep(0.01)
        return True

    def on_message(self, msg: dict[str, Any]) -> None:
        """The worker's answers (reader thread)."""
        kind = msg.get("type")
        name = str(msg.get("name"))
        if kind == "loaded" and name in self._texts:
            self.loaded.add(name)
            self._late(name)
        elif kind == "load_failed" and name in self._texts:
            self._note(f"voice: {msg.get('reason')} (the cue plays instead)")

    def _late(self, name: str) -> None:
        missed = self._missed
        if missed is None or not self.enabled:
            return
        key, at = missed
        text = self._texts[name]
        if self.chosen.get(key) != text:
            return
        late = time.monotonic() - at
        room = self.plan.slots[key].room
        fits = room is None or self.lengths.get(text, 0.0) + late <= room
        if late <= LATE and fits:
            self._missed = None
            self.client.say(name, wait=False)

    # ------------------------------------------------------------ preparing
    def _spawned(self) -> None:
        self.spawned += 1

    def _started(self, proc: subprocess.Popen[bytes]) -> None:
        self._spawned()
        with self._lock:
            self._procs.add(proc)

    def _render(self, text: str) -> tuple[str, Clip | None, str | None]:
        if self._closing.is_set() or self.engine is None:
            return text, None, None
        try:
            clip = render(self.engine, text, self.cache.folder, started=self._started)
            with self._lock:
                self._procs = {p for p in self._procs if p.poll() is None}
        except RenderError as exc:
            self._closing.set()  # an engine that fails once fails again: start no more
            return text, None, str(exc)
        except OSError as exc:
            self._closing.set()
            return text, None, f"cannot write the cache ({exc.strerror})"
        return text, clip, None

    def _known(self, text: str) -> bool:
        """Its length is known (from the cache, or rendered before)."""
        if text in self.lengths:
            return True
        assert self.engine is not None
        key = self.engine.key(text)
        clip = self.cache.get(key)
        if clip is None:
            return False
        self.lengths[text] = clip.seconds
        self.paths[text] = self.cache.path(key)
        return True

    def _choose(self, key: Key, text: str | None) -> None:
        self.chosen[key] = text
        if text is None or text in self.ids:
            return
        name = f"v{len(self.ids)}"
        self.ids[text] = name
        self._texts[name] = text
        self.client.load(name, self.paths[text], self.gain)

    def _prepare(self) -> None:
        try:
            self._prepare_all()
        except Exception as exc:  # never into the session
            self._note(f"voice: {type(exc).__name__}: {exc} (the cues play instead)")
        finally:
            self.ready.set()

    def _prepare_all(self) -> None:
        try:
            self.engine = engine_for(
                self.settings, self.cache, which=self.which, spawned=self._spawned
            )
        except RenderError as exc:
            self._note(str(exc))
            return
        rate = self.plan.options.rate
        # where each slot starts looking: one variant longer than the estimate picks
        # (the estimate errs long), so a phrase that does fit is not cut short
        pending: dict[Key, int] = {}
        for key, slot in self.plan.slots.items():
            if slot.room is None:
                pending[key] = 0
                continue
            fits = [j for j, t in enumerate(slot.variants) if estimate(t, rate) <= slot.room]
            first = fits[0] if fits else len(slot.variants) - 1
            pending[key] = max(0, first - 1)
        failed: set[str] = set()
        flying: dict[Future[tuple[str, Clip | None, str | None]], str] = {}
        with ThreadPoolExecutor(self.processes, thread_name_prefix="backtimer-render") as pool:
            while pending and not self._closing.is_set():
                for key in list(pending):
                    slot = self.plan.slots[key]
                    j = pending[key]
                    while j < len(slot.variants):
                        text = slot.variants[j]
                        if text in failed:
                            j += 1
                            continue
                        if not self._known(text):
                            if text not in flying.values():
                                flying[pool.submit(self._render, text)] = text
                            break
                        if slot.room is None or self.lengths[text] <= slot.room:
                            self._choose(key, text)
                            del pending[key]
                            break
                        j += 1
                    else:
                        self._choose(key, None)
                        del pending[key]
                    if key in pending:
                        pending[key] = j
                if not flying:
                    break
                done, _ = wait(list(flying), return_when=FIRST_COMPLETED)
                for fut in done:
                    text = flying.pop(fut)
                    _, clip, problem = fut.result()
                    if clip is None:
                        failed.add(text)
                        if problem is not None:
                            self._note(f"voice: {problem} (the cues play instead)")
                        continue
                    assert self.engine is not None
                    path = self.cache.put(self.engine.key(text), clip)
                    self.lengths[text] = clip.seconds
                    self.paths[text] = path
                    self.rendered.add(text)
        if self.spawned:
            self.cache.prune()

    def wait_ready(self, timeout: float | None = None) -> bool:
        return self.ready.wait(timeout)

    def close(self) -> None:
        """Stop rendering (running engine processes are killed)."""
        self._closing.set()
        with self._lock:
            procs = list(self._procs)
        for proc in procs:
            if proc.poll() is None:
                with contextlib.suppress(OSError):
                    proc.kill()
        if self._thread is not None:
            self._thread.join(timeout=5.0)
