"""The recognizer on its own thread, beside the listening loop.

The loop hands each chunk over and goes on keeping time, so a recognizer that lags or stops
returning is seen (`HearingSupervisor`) and the walker told to stop, instead of the loop
hanging with it. The hand-over queue is bounded: a full one means recognition is more than
`MAX_WAITING_S` behind, which is lag, so hearing is lost (`RecognizerError`); nothing is
dropped silently.

Live, the loop never waits for the recognizer. Simulated, it does (`wait_s`, in real
seconds), so that each chunk's transcripts come back with that chunk, exactly as if the
recognizer ran in the loop: the session's log stays deterministic. A recognizer that misses
that wait once is stuck: the loop stops waiting and the simulated clock runs on, as a real
one would.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections import deque

from assistant.audio.chunks import CHUNK_S
from assistant.core.clock import Clock
from assistant.core.errors import RecognizerError, RetroWalkError
from assistant.core.events import AudioChunk, Transcript
from assistant.core.ports import Recognizer
from assistant.hearing.supervisor import RecognitionProgress
from assistant.run.safe_path import HearingFailure

_LOGGER = logging.getLogger(__name__)

#: Chunks that may wait for the recognizer: 2 s, twice the lag limit.
MAX_WAITING_CHUNKS = 20
MAX_WAITING_S = MAX_WAITING_CHUNKS * CHUNK_S
#: Simulated sessions: real seconds a working recognizer may take over one chunk.
SIMULATED_WAIT_S = 10.0
#: Real seconds `close` waits for the worker to finish the chunk it is on.
CLOSE_WAIT_S = 2.0


class BackgroundRecognition:
    """Runs `recognizer.accept` on a worker thread; `accept` hands a chunk over and returns
    the transcripts ready so far; `progress()` is what the hearing watchdog reads."""

    def __init__(self, recognizer: Recognizer, clock: Clock, wait_s: float | None = None,
                 max_waiting: int = MAX_WAITING_CHUNKS) -> None:
        self._recognizer = recognizer
        self._clock = clock
        self._wait_s = wait_s
        self._inbox: queue.Queue[AudioChunk | None] = queue.Queue(maxsize=max_waiting)
        self._ready: list[Transcript] = []
        self._failure: BaseException | None = None
        self._changed = threading.Condition()
        #: When each chunk handed over and not yet recognized reached the program.
        self._waiting: deque[float] = deque()
        self._busy_since_s: float | None = None
        self._handed, self._done, self._stuck_at = 0, 0, -1
        self._thread = threading.Thread(target=self._work, name="recognizer", daemon=True)
        self._thread.start()

    def accept(self, chunk: AudioChunk, received_s: float) -> list[Transcript]:
        """Hand `chunk` over (`received_s`: when it reached the program, on the clock); the
        transcripts of the chunks recognized since the last call.

        Raises what the recognizer raised (a foreign exception as `HearingFailure`), and
        `RecognizerError` when too much audio waits for it."""
        self._raise_failure()
        with self._changed:
            self._waiting.append(received_s)
        try:
            self._inbox.put_nowait(chunk)
        except queue.Full as err:
            with self._changed:
                self._waiting.pop()
            raise RecognizerError(
                f"Recognition fell behind: over {MAX_WAITING_S:g} s of audio waits for it"
            ) from err
        self._handed += 1
        if self._wait_s is not None:
            self._wait_until_caught_up(self._wait_s)
        return self._take()

    def progress(self) -> RecognitionProgress:
        """Since when the oldest audio not yet recognized has waited, and since when one
        call has been busy."""
        with self._changed:
            oldest_s = self._waiting[0] if self._waiting else None
            return RecognitionProgress(oldest_s, self._busy_since_s)

    def close(self) -> None:
        """End the worker once it is idle, waiting for it a moment (real time): a thread cut
        off inside a native recognizer at exit can abort the process. A stuck one is left
        (its thread is a daemon)."""
        try:
            self._inbox.put_nowait(None)
        except queue.Full:
            pass
        if self._done != self._stuck_at:
            self._thread.join(CLOSE_WAIT_S)

    def _wait_until_caught_up(self, wait_s: float) -> None:
        with self._changed:
            if self._done == self._stuck_at:
                return  # it missed the wait before and has not moved since: do not wait again
            caught_up = self._changed.wait_for(
                lambda: self._done >= self._handed or self._failure is not None, wait_s)
            if not caught_up:
                self._stuck_at = self._done
                _LOGGER.warning("the recognizer took over %g s on one chunk: going on without "
                                "waiting for it", wait_s)

    def _take(self) -> list[Transcript]:
        self._raise_failure()
        with self._changed:
            ready, self._ready = self._ready, []
        return ready

    def _raise_failure(self) -> None:
        with self._changed:
            failure = self._failure
        if failure is None:
            return
        if isinstance(failure, RetroWalkError):
            raise failure
        raise HearingFailure("the recognizer", failure) from failure

    def _work(self) -> None:
        while True:
            chunk = self._inbox.get()
            if chunk is None:
                return
            with self._changed:
                self._busy_since_s = self._clock.now_s()
            try:
                transcripts = list(self._recognizer.accept(chunk))
            except BaseException as err:  # handed to the loop, which ends safely
                with self._changed:
                    self._failure, self._busy_since_s = err, None
                    self._changed.notify_all()
                return
            with self._changed:
                self._ready.extend(transcripts)
                self._waiting.popleft()
                self._busy_since_s = None
                self._done += 1
                self._changed.notify_all()
