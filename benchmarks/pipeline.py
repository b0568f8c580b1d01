"""The one door to RetroWalk's listening pipeline, so that the benchmarks measure the real code.

`assistant.run.listening.listen_samples` (recognizer -> intent decider -> `heard`/`intent` events,
`t` in audio seconds) is what `retrowalk listen` and sessions use; the benchmarks call it too.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from assistant.audio.chunks import Samples
from assistant.core.events import SAMPLE_RATE_HZ, SessionEvent

ENGINES = ("pocketsphinx", "vosk")


class PipelineMissing(RuntimeError):
    """The listening pipeline (or an engine) is not available on this machine."""


@dataclass(frozen=True)
class ListenRun:
    """Events from one recording, and what listening to it cost."""

    events: list[SessionEvent]
    audio_s: float
    cpu_s: float
    wall_s: float


def load_recognizer(engine: str) -> Any:
    """The engine's recognizer, loaded once and reused for every stream of a run (a stream
    ends with `flush`, which closes its last utterance; the next stream starts afresh)."""
    from assistant.hearing.recognizers.select import make_recognizer

    return make_recognizer(engine=engine, language="en")


def listen_to(samples: Samples, engine: str, recognizer: Any = None) -> ListenRun:
    """Run the real pipeline over `samples`; its events and this process's CPU time for it."""
    try:
        from assistant.run.listening import listen_samples
    except ImportError as err:
        raise PipelineMissing(f"assistant.run.listening is not available: {err}") from err
    # Benchmarks (not core code) may read real time: the cost of listening is the point.
    cpu_start, wall_start = time.process_time(), time.perf_counter()
    events = list(listen_samples(samples, engine=engine, recognizer=recognizer))
    cpu_s, wall_s = time.process_time() - cpu_start, time.perf_counter() - wall_start
    return ListenRun(events, len(samples) / SAMPLE_RATE_HZ, cpu_s, wall_s)


def engine_problem(engine: str) -> str | None:
    """Why `engine` cannot be benchmarked here (None if it can)."""
    try:
        from assistant.hearing.recognizers.select import make_recognizer
    except ImportError as err:
        return f"the recognizers are not available: {err}"
    try:
        make_recognizer(engine=engine, language="en")
    except Exception as err:  # noqa: BLE001 - any failure means "not here", with its reason
        return str(err).splitlines()[0] if str(err) else type(err).__name__
    return None
