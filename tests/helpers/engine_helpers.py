"""Shared helpers for the engine tests: routines built in code and a fake-clock driver."""

from __future__ import annotations

from dataclasses import dataclass, field

from backtimer.engine import Engine
from backtimer.events import Event, SegmentStarted
from backtimer.routine.model import Breath, Defaults, Exercise, Phase, Routine, WorkKind
from backtimer.timeline import Timeline, compile


def hold(name: str = "Hold", secs: float = 3.0, reps: int = 3, **kw: object) -> Exercise:
    opts: dict[str, object] = {"rest": 5.0, "rep_rest": 2.0, "set_rest": 10.0, "side_rest": 3.0}
    opts.update(kw)
    return Exercise(name=name, kind=WorkKind.HOLD, hold=secs, reps=reps, **opts)  # type: ignore[arg-type]


def timed(name: str = "Stretch", secs: float = 30.0, **kw: object) -> Exercise:
    opts: dict[str, object] = {"rest": 5.0, "rep_rest": 2.0, "set_rest": 10.0, "side_rest": 3.0}
    opts.update(kw)
    return Exercise(name=name, kind=WorkKind.TIMED, duration=secs, **opts)  # type: ignore[arg-type]


def phased(name: str = "Cat-cow", phases: tuple[float, ...] = (2.0, 3.0), reps: int = 2,
           **kw: object) -> Exercise:  # fmt: skip
    opts: dict[str, object] = {"rest": 5.0, "set_rest": 10.0}
    opts.update(kw)
    words = ("inhale", "exhale", None)
    ph = tuple(
        Phase(label=f"phase {i + 1}", secs=s, breath=words[i % 3]) for i, s in enumerate(phases)
    )
    return Exercise(name=name, kind=WorkKind.PHASED, phases=ph, reps=reps, **opts)  # type: ignore[arg-type]


def selfpaced(name: str = "Squats", reps: int = 8, **kw: object) -> Exercise:
    opts: dict[str, object] = {"rest": 5.0, "set_rest": 10.0, "tempo": 3.0}
    opts.update(kw)
    return Exercise(name=name, kind=WorkKind.SELF, reps=reps, **opts)  # type: ignore[arg-type]


def maxhold(name: str = "Plank", reps: int = 2, **kw: object) -> Exercise:
    opts: dict[str, object] = {"rest": 5.0, "rep_rest": 4.0}
    opts.update(kw)
    return Exercise(name=name, kind=WorkKind.MAX, reps=reps, **opts)  # type: ignore[arg-type]


def routine(*exercises: Exercise, prepare: float = 5.0, breath: Breath | None = None) -> Routine:
    return Routine(
        id="test",
        name="Test routine",
        defaults=Defaults(prepare=prepare, breath=breath),
        exercises=exercises,
    )


def timeline(*exercises: Exercise, prepare: float = 5.0) -> Timeline:
    return compile(routine(*exercises, prepare=prepare))


@dataclass
class Run:
    """Events with the fake monotonic time at which each came out."""

    engine: Engine
    now: float
    events: list[Event] = field(default_factory=list)
    seen_at: list[float] = field(default_factory=list)

    def take(self, events: list[Event]) -> list[Event]:
        self.events.extend(events)
        self.seen_at.extend([self.now] * len(events))
        return events

    def starts(self) -> list[SegmentStarted]:
        return [e for e in self.events if isinstance(e, SegmentStarted)]


def drive(
    engine: Engine, origin: float = 1000.0, *, open_after: float | None = None, limit: int = 10**6
) -> Run:
    """Run to the end, waking exactly at each next_wakeup(). Open segments are ended with
    done() `open_after` seconds in (their estimate when None)."""
    run = Run(engine, origin)
    run.take(engine.start(origin))
    for _ in range(limit):
        if engine.state in ("finished", "stopped"):
            return run
        seg = engine.segment
        assert seg is not None
        wake = engine.next_wakeup(run.now)
        if seg.is_open:
            due = run.now - engine.elapsed(run.now) + (open_after or seg.estimate)
            if wake is None or wake > due:
                run.now = max(run.now, due)
                run.take(engine.done(run.now))
                continue
        assert wake is not None
        assert wake >= run.now - 1e-9, "next_wakeup went back in time"
        run.now = max(run.now, wake)
        run.take(engine.advance(run.now))
    raise AssertionError("the session never ended")
