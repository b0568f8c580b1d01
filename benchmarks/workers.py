"""Listening to many streams on several cores: each worker loads the recognizer once.

Streams are built (mixed with their noise) inside the workers, so the mixing runs in
parallel too. Results come back in order, without the audio.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from benchmarks.evaluate import StreamSpec
from benchmarks.pipeline import ListenRun, listen_to, load_recognizer
from benchmarks.streams import NoiseBank, Stream

_STATE: dict[str, Any] = {}


def _start(engine: str, bank: NoiseBank) -> None:
    _STATE.update(engine=engine, bank=bank, recognizer=load_recognizer(engine))


def _listen(spec: StreamSpec) -> tuple[StreamSpec, Stream, ListenRun]:
    stream = spec.build(_STATE["bank"])
    run = listen_to(stream.samples, _STATE["engine"], _STATE["recognizer"])
    # The audio stays here: the caller needs only the timeline and the events.
    return spec, dataclasses.replace(stream, samples=stream.samples[:0]), run


def listen_streams(specs: Iterable[StreamSpec], engine: str, bank: NoiseBank,
                   workers: int) -> Iterator[tuple[StreamSpec, Stream, ListenRun]]:
    """Build and listen to every stream, `workers` at a time; results in the specs' order."""
    if workers <= 1:
        _start(engine, bank)
        yield from (_listen(spec) for spec in specs)
        return
    with ProcessPoolExecutor(workers, initializer=_start, initargs=(engine, bank)) as pool:
        pending: deque[Future[tuple[StreamSpec, Stream, ListenRun]]] = deque()
        for spec in specs:
            pending.append(pool.submit(_listen, spec))
            # A few streams queued per worker: busy workers, bounded memory.
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
