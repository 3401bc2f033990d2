"""`backtimer sound --check` / `backtimer sound --play NAME`: the cues, then (--check) the
voice: its engine, and a test phrase rendered and said."""

from __future__ import annotations

import argparse
import time
from dataclasses import replace

from backtimer import paths
from backtimer.audio.cue_names import CUES, OFF_BY_DEFAULT
from backtimer.audio.listener import AudioListener
from backtimer.audio.settings import SoundSettings, read_wav
from backtimer.config import ConfigError
from backtimer.text import visible
from backtimer.toml_messages import did_you_mean
from backtimer.usecases.errors import UserError
from backtimer.usecases.settings import Settings


def show(text: str, *, flush: bool = False) -> None:
    """One line of output: file names, commands and messages here come from config.toml,
    so control characters are shown visibly, never sent to the terminal."""
    print(visible(text), flush=flush)


def run(args: argparse.Namespace) -> int:
    try:
        settings = Settings.load().sound_strict()
    except ConfigError as exc:
        raise UserError(str(exc)) from None

    if args.list:
        for name in CUES:
            state = "on" if settings.audible(name) else "off"
            vol = round(100 * settings.gain(name))
            show(f"{name:<14} {state:<3} volume {vol:>3}  {settings.path(name)}")
        return 0

    names: list[str] = list(CUES)
    if args.play:
        if args.play not in CUES:
            raise UserError(
                f"unknown cue '{args.play}'{did_you_mean(args.play, CUES)}; "
                f"cues: {', '.join(CUES)}",
                2,
            )
        names = [args.play]

    source = paths.config_file()
    show(f"config: {source}{'' if source.exists() else ' (not there; defaults)'}")
    if settings.mute:
        show("sound: muted in the config file ([sound] mute = true)")
        return 0
    listener = AudioListener(None, None, True, settings=settings)
    try:
        client = listener.client
        if client is not None and not client.wait_ready():
            show(f"sound: {client.dead or 'the audio worker did not start'}")
            return 1
        backend = listener.backend
        label = {None: "none (silence)", "bell": "terminal bell"}.get(backend, backend)
        show(f"backend: {label}")
        if settings.backend != "auto":
            show(f'  chosen by the config file: [sound] backend = "{settings.backend}"')
        if settings.bell:
            show("bell: rings at each change too ([sound] bell = true)")
        reasons = list(client.reasons) if client is not None else []
        if backend is None and not listener.tty:
            reasons.append("bell: standard output is not a terminal")
        for why in reasons:
            show(f"  not used: {why}")
        if client is not None:
            for problem in client.errors.values():
                show(f"  problem: {problem} (the built-in cue plays instead)")
        if backend is None:
            if settings.backend == "none":
                show("sound is off by choice; sessions run silently.")
                return 0
            show("no cue can be heard; sessions run silently.")
            return 1
        for name in names:
            if not settings.audible(name):
                why = "muted or volume 0"
                if name in OFF_BY_DEFAULT:
                    why = "breath tones are off; [sound] breath = true turns them on"
                show(f"{name}: skipped ({why})")
                continue
            show(f"{name}", flush=True)
            listener.play(name)
            try:
                seconds = read_wav(settings.path(name)).seconds
            except ValueError:
                seconds = 0.5
            time.sleep(seconds + 0.35)
        if listener.notice and client is not None and client.dead:
            show(listener.notice)
            return 1
    finally:
        listener.close()
    if args.play:
        return 0
    return check_voice(settings)


def check_voice(sound: SoundSettings) -> int:
    """The voice part of --check: the engine, a test phrase rendered (or from the cache) and
    said. 1 when the voice is on in config.toml and cannot speak."""
    from backtimer.voice import settings as voice_settings  # noqa: PLC0415 - --check only
    from backtimer.voice.check import TEST_PHRASE, say_once  # noqa: PLC0415

    try:
        voice = voice_settings.load()
    except ConfigError as exc:
        show(f"voice: {exc}")
        return 1
    state = "on" if voice.enabled else "off"
    show(f"voice: {state} in sessions ([voice] enabled; --voice / --no-voice, v in the app)")
    said = say_once(TEST_PHRASE, voice=replace(voice, enabled=True), sound=sound)
    if said.engine is not None:
        show(f"  engine: {said.engine}")
    if said.problem is not None:
        show(f"  {said.problem}")
        return 1 if voice.enabled else 0
    how = "rendered now" if said.rendered else "from the cache"
    show(f'  said: "{TEST_PHRASE}" ({said.seconds:.1f} s, {how})')
    return 0
