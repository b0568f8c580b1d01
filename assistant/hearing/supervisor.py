"""The hearing watchdog: fed the microphone's chunks and the clock, it says when the assistant
can no longer hear, and why (safety rule 3).

Lost hearing, besides a microphone that delivers nothing (`MicrophoneSource`'s stall):

- **a dead signal**: every sample the same value (digital silence, or a constant level) for
  `flat_signal_s`. A working microphone always carries some noise; PulseAudio gives exact
  zeros when a USB microphone is unplugged and the stream moves to another source, and
  a muted input gives zeros too.
- **recognition lagging**: audio that reached the program more than `lag_limit_s` ago is
  not recognized yet (the loop, or the recognizer, cannot keep up with the microphone).
  Measured from each block's arrival, not from sample counts, so a brief dropout of the
  device (audio lost, then hearing again) does not add up to lag.
- **a recognizer that stops returning**: one call busy for more than `stall_limit_s`.

Pure: no clock of its own, no threads; the loop passes every time in.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assistant.core.events import AudioChunk

#: A dead signal for this long is lost hearing: long enough that no real room (whose
#: microphone always hisses a little) is mistaken for it, short enough that the walker is
#: told to stop within a few steps.
FLAT_SIGNAL_S = 3.0
#: Recognition further than this behind the clock is lost hearing: a "stop" would be acted
#: on too late (the issue saw 2.6 s live while cues rendered inside the loop).
LAG_LIMIT_S = 1.0
#: One recognizer call busy for longer than this: it has stopped returning.
STALL_LIMIT_S = 1.0
#: Chunk times add up in floating point: 30 chunks of 0.1 s are 3 s, not 2.9999999999999996.
_TIME_TOLERANCE_S = 1e-6


@dataclass(frozen=True)
class HearingLimits:
    """When hearing counts as lost; None turns a check off."""

    flat_signal_s: float | None = FLAT_SIGNAL_S
    """Seconds of digital silence or a constant value on the microphone."""
    lag_limit_s: float | None = LAG_LIMIT_S
    """Seconds that recognition may trail the clock."""
    stall_limit_s: float | None = STALL_LIMIT_S
    """Seconds one recognizer call may take."""


@dataclass(frozen=True)
class RecognitionProgress:
    """How far recognition has got: since when the oldest audio not yet recognized has
    waited (when it reached the program; None: all is recognized), and since when the
    recognizer has been busy with one chunk (None: it is waiting for audio)."""

    waiting_since_s: float | None
    busy_since_s: float | None = None


class HearingSupervisor:
    """Watches the signal and the recognition's progress; `signal_lost()` and
    `recognition_lost(now_s, progress)` say why hearing is lost, or None while it is not."""

    def __init__(self, limits: HearingLimits = HearingLimits()) -> None:
        self.limits = limits
        self._flat_value: int | None = None
        self._flat_since_s: float | None = None
        self._signal_end_s = 0.0

    def heard(self, chunk: AudioChunk) -> None:
        """Note a chunk as the microphone delivered it (before any echo cleaning)."""
        if len(chunk.samples) == 0:
            return
        self._signal_end_s = chunk.end_s
        value = _flat_value(chunk)
        if value is None:
            self._flat_value, self._flat_since_s = None, None
        elif value != self._flat_value or self._flat_since_s is None:
            self._flat_value, self._flat_since_s = value, chunk.start_s

    def signal_lost(self) -> str | None:
        """Why the microphone's signal counts as dead (one line for the log), or None."""
        limit_s = self.limits.flat_signal_s
        if limit_s is None or self._flat_since_s is None:
            return None
        flat_s = self._signal_end_s - self._flat_since_s
        if flat_s < limit_s - _TIME_TOLERANCE_S:
            return None
        what = "digital silence" if self._flat_value == 0 else f"one value ({self._flat_value})"
        return (f"The microphone has delivered only {what} for {flat_s:.1f} s: it was "
                "probably unplugged or muted")

    def recognition_lost(self, now_s: float, progress: RecognitionProgress) -> str | None:
        """Why recognition counts as lost at `now_s` (lagging or stuck), or None."""
        busy_s = None if progress.busy_since_s is None else now_s - progress.busy_since_s
        stall_s = self.limits.stall_limit_s
        if stall_s is not None and busy_s is not None and busy_s > stall_s + _TIME_TOLERANCE_S:
            return f"The recognizer has not returned for {busy_s:.1f} s"
        lag_s = self.limits.lag_limit_s
        if lag_s is None or progress.waiting_since_s is None:
            return None
        behind_s = now_s - progress.waiting_since_s
        if behind_s <= lag_s + _TIME_TOLERANCE_S:
            return None
        # A stuck call shows as lag first (its chunk's audio is older than the call).
        still = "" if busy_s is None else f" (the recognizer has been busy for {busy_s:.1f} s)"
        return f"Recognition is {behind_s:.1f} s behind the clock{still}"


def _flat_value(chunk: AudioChunk) -> int | None:
    """The one value every sample of `chunk` has, or None when the signal moves."""
    samples = chunk.samples
    if len(samples) == 0:
        return None
    first = int(samples[0])
    return first if bool(np.all(samples == first)) else None
