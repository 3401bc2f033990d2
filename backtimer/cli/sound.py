"""`backtimer sound --check` / `backtimer sound --play NAME`."""

# ruff: noqa: PLC0415  (lazy imports keep `backtimer --help` fast)

from __future__ import annotations

import argparse
import time
from typing import Any

from backtimer.cli.command import add_command


def register(subparsers: Any) -> None:
    p = add_command(
        subparsers,
        "sound",
        summary="check the sound set-up and play cues",
        description="Show which sound backend is used (and why the better ones are not), "
        "and play cues by name.",
        examples=[
            ("backtimer sound", "the backend, then every cue"),
            ("backtimer sound --play switch", ""),
        ],
    )
    group = p.add_mutually_exclusive_group()
    group.add_argument(
        "--check",
        action="store_true",
        help="show the backend and play every cue by name (the default)",
    )
    group.add_argument("--play", metavar="NAME", help="play one cue, e.g. go, rest, switch")
    group.add_argument("--list", action="store_true", help="list the cues and their files")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from backtimer import paths
    from backtimer.audio.cue_names import CUES
    from backtimer.audio.listener import AudioListener
    from backtimer.audio.settings import load, read_wav
    from backtimer.config import ConfigError, did_you_mean
    from backtimer.usecases.errors import UserError

    try:
        settings = load()
    except ConfigError as exc:
        raise UserError(str(exc)) from None

    if args.list:
        for name in CUES:
            state = "on" if settings.audible(name) else "off"
            vol = round(100 * settings.gain(name))
            print(f"{name:<14} {state:<3} volume {vol:>3}  {settings.path(name)}")
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
    print(f"config: {source}{'' if source.exists() else ' (not there; defaults)'}")
    if settings.mute:
        print("sound: muted in the config file ([sound] mute = true)")
        return 0
    listener = AudioListener(None, None, True, settings=settings)
    try:
        client = listener.client
        if client is not None and not client.wait_ready():
            print(f"sound: {client.dead or 'the audio worker did not start'}")
            return 1
        backend = listener.backend
        label = {None: "none (silence)", "bell": "terminal bell"}.get(backend, backend)
        print(f"backend: {label}")
        if settings.backend != "auto":
            print(f'  chosen by the config file: [sound] backend = "{settings.backend}"')
        reasons = list(client.reasons) if client is not None else []
        if backend is None and not listener.tty:
            reasons.append("bell: standard output is not a terminal")
        for why in reasons:
            print(f"  not used: {why}")
        if client is not None:
            for problem in client.errors.values():
                print(f"  problem: {problem} (the built-in cue plays instead)")
        if backend is None:
            if settings.backend == "none":
                print("sound is off by choice; sessions run silently.")
                return 0
            print("no cue can be heard; sessions run silently.")
            return 1
        for name in names:
            if not settings.audible(name):
                why = (
                    "breath tones are off; [sound] breath = true turns them on"
                    if name
                    in (
                        "inhale",
                        "exhale",
                    )
                    else "muted or volume 0"
                )
                print(f"{name}: skipped ({why})")
                continue
            print(f"{name}", flush=True)
            listener.play(name)
            try:
                seconds = read_wav(settings.path(name)).seconds
            except ValueError:
                seconds = 0.5
            time.sleep(seconds + 0.35)
        if listener.notice and client is not None and client.dead:
            print(listener.notice)
            return 1
    finally:
        listener.close()
    return 0
