"""The listening loop's ears: the recognizer on its own thread, and the watchdog over it all.

Every chunk goes to the watchdog as the microphone delivered it and, cleaned of the echo, to
the recognizer; then the watchdog is asked whether hearing is lost. When it is, the error
raised is the one a failing microphone (`AudioDeviceError`) or recognizer
(`RecognizerError`) raises, so the session ends by the same path as when no audio blocks
come for 2 s: the walker is told to stop and stand still (`safe_path.end_safely`, the
`hearing_lost` trigger and alert).
"""

from __future__ import annotations

from assistant.core.clock import Clock
from assistant.core.errors import AudioDeviceError, RecognizerError
from assistant.core.events import AudioChunk, Transcript
from assistant.core.ports import Recognizer
from assistant.hearing.supervisor import HearingLimits, HearingSupervisor
from assistant.run.recognition import SIMULATED_WAIT_S, BackgroundRecognition

#: A live microphone: every check on.
LIVE_LIMITS = HearingLimits()
#: A recording as the microphone: synthesized walkers are digitally silent between words, so
#: a dead signal is not lost hearing unless asked (`simulate` with a flat-signal limit).
SIMULATED_LIMITS = HearingLimits(flat_signal_s=None)


class HearingWatch:
    """Hears chunks through the recognizer's thread; raises as soon as hearing is lost."""

    def __init__(self, recognizer: Recognizer, clock: Clock,
                 limits: HearingLimits = SIMULATED_LIMITS,
                 wait_s: float | None = SIMULATED_WAIT_S) -> None:
        self._clock = clock
        self._supervisor = HearingSupervisor(limits)
        self._recognition = BackgroundRecognition(recognizer, clock, wait_s)

    def hear(self, raw: AudioChunk, cleaned: AudioChunk) -> list[Transcript]:
        """What was recognized so far; `raw` is the microphone's chunk, `cleaned` the same
        with the echo removed. Raises AudioDeviceError or RecognizerError on lost hearing."""
        self._supervisor.heard(raw)
        received_s = raw.received_s if raw.received_s is not None else self._clock.now_s()
        transcripts = self._recognition.accept(cleaned, received_s)
        dead = self._supervisor.signal_lost()
        if dead is not None:
            raise AudioDeviceError(dead)
        lagging = self._supervisor.recognition_lost(self._clock.now_s(),
                                                    self._recognition.progress())
        if lagging is not None:
            raise RecognizerError(lagging)
        return transcripts

    def close(self) -> None:
        """Let the recognizer's thread end."""
        self._recognition.close()
