"""WebRTC's echo canceller (AEC3) for the echo guard, through the `livekit` wheel's audio
processing module (its bundled liblivekit_ffi.so holds WebRTC's APM).

AEC3 wants, for every 10 ms microphone frame, the 10 ms the speaker played first
(`process_reverse_stream`), then the microphone frame (`process_stream`); it finds the echo
path's delay and its reverberant tail itself. The reference is kept in audio time, as
`EchoGuard.add_playback` gets it, and given `lead_s` early: a speaker's timestamp can come
after its echo reaches the microphone (each device has its own latency), and AEC3 can only
cancel an echo heard after its reference. A cue is announced once it has started, so the
microphone is held `lead_s` too: the reference ahead of every frame is then known. Silence
is the far end when nothing plays.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from assistant.audio.echo import EchoGuard
from assistant.core.events import SAMPLE_RATE_HZ, AudioChunk

_LOGGER = logging.getLogger(__name__)

#: How early the reference reaches AEC3 (seconds), which is also how long the microphone
#: is held. AEC3 cannot cancel an echo that comes before its reference: with none, the pure
#: delay 0 of `simulate` was left at 3 dB. Measured on the benchmark's rooms (docs/audio.md),
#: 20-150 ms held all cancel 35-57 dB; 50 ms was best in the reverberant ones, and covers a
#: speaker stamp up to 50 ms late (the PulseAudio room's echo comes 30-100 ms after it).
LEAD_S = 0.05
#: AEC3's own delay from input to output (samples at 16 kHz; measured by correlation).
AEC3_DELAY = 128
#: Playbacks older than this are forgotten (seconds).
HORIZON_S = 60.0


class CancellerUnavailable(RuntimeError):
    """WebRTC's audio processing could not be loaded (livekit missing or its library broken)."""


@dataclass
class _Reference:
    start: int
    samples: npt.NDArray[np.int16]
    end: int


class WebRtcEchoCanceller:
    """AEC3 on 10 ms frames: the played reference first, then the microphone."""

    def __init__(self, rate_hz: int = SAMPLE_RATE_HZ, lead_s: float = LEAD_S,
                 noise_suppression: bool = False) -> None:
        self.rate_hz = rate_hz
        self.held = 0
        """Samples of silence the output started with: how much it lags the microphone."""
        self.frame = rate_hz // 100
        self.lead = int(round(lead_s * rate_hz))
        self._rtc, self._apm = _load_apm(noise_suppression)
        self._references: list[_Reference] = []
        self._pending = np.zeros(0, dtype=np.int16)
        self._pending_start: int | None = None
        self._output = np.zeros(0, dtype=np.int16)

    def add_playback(self, samples: npt.NDArray[np.int16], start_s: float) -> None:
        """The speaker started playing `samples` at `start_s` (audio time)."""
        start = int(round(start_s * self.rate_hz))
        self._references.append(_Reference(start, samples.astype(np.int16), start + len(samples)))
        horizon = start - int(HORIZON_S * self.rate_hz)
        self._references = [r for r in self._references if r.end >= horizon]

    def mark_stopped(self, at_s: float) -> None:
        """The last playback was cut at `at_s`: the rest of it never reached the room."""
        if self._references:
            last = self._references[-1]
            last.end = min(last.end, max(int(round(at_s * self.rate_hz)), last.start))

    @property
    def latency(self) -> int:
        """How much later than the microphone the cleaned audio comes out (samples)."""
        return self.held + AEC3_DELAY

    def clean(self, chunk: AudioChunk) -> AudioChunk:
        """The chunk with the echo taken out by AEC3, as long as it came in. Microphone frames
        wait until the reference `lead` after them is known (cues are announced as they start,
        after the chunk before them was cleaned), so the output lags by `latency_s`."""
        start = int(round(chunk.start_s * self.rate_hz))
        if self._pending_start is None or self._pending_start + len(self._pending) != start:
            self._pending, self._pending_start = np.zeros(0, dtype=np.int16), start
        self._pending = np.concatenate([self._pending, chunk.samples.astype(np.int16)])
        ready = len(self._pending) - self.lead
        whole = max(ready, 0) // self.frame * self.frame
        frames = [self._process(self._pending_start + offset,
                                self._pending[offset : offset + self.frame])
                  for offset in range(0, whole, self.frame)]
        self._pending, self._pending_start = self._pending[whole:], self._pending_start + whole
        self._output = np.concatenate([self._output, *frames])
        length = len(chunk.samples)
        if len(self._output) < length:  # the start: silence until the first frames are out
            pad = length - len(self._output)
            if self.held == 0:
                # Pad for the longest wait at once (a part frame waits for the next chunk
                # too), so the output never has to shift later on.
                aligned = length % self.frame == 0 and self.lead % self.frame == 0
                pad = max(pad, self.lead + (0 if aligned else self.frame - 1))
            self.held += pad
            self._output = np.concatenate([np.zeros(pad, dtype=np.int16), self._output])
        out, self._output = self._output[:length], self._output[length:]
        return AudioChunk(out, chunk.rate_hz, chunk.start_s, chunk.received_s)

    def _process(self, start: int, mic: npt.NDArray[np.int16]) -> npt.NDArray[np.int16]:
        """One 10 ms frame: the reference playing `lead` samples later, then the microphone."""
        reverse = self._frame(self._reference(start + self.lead))
        self._apm.process_reverse_stream(reverse)
        near = self._frame(mic)
        self._apm.process_stream(near)
        return np.frombuffer(near.data, dtype=np.int16).copy()

    def _frame(self, samples: npt.NDArray[np.int16]) -> Any:
        frame = self._rtc.AudioFrame.create(self.rate_hz, 1, self.frame)
        np.frombuffer(frame.data, dtype=np.int16)[:] = samples
        return frame

    def _reference(self, start: int) -> npt.NDArray[np.int16]:
        """What the speaker played over one frame from sample `start` (silence if nothing)."""
        span = np.zeros(self.frame, dtype=np.int16)
        for reference in self._references:
            low, high = max(start, reference.start), min(start + self.frame, reference.end)
            if low < high:
                span[low - start : high - start] = \
                    reference.samples[low - reference.start : high - reference.start]
        return span


def _load_apm(noise_suppression: bool) -> tuple[Any, Any]:
    """livekit's `rtc` module and a new APM with AEC3 on; `CancellerUnavailable` if not."""
    try:
        from livekit import rtc

        apm = rtc.AudioProcessingModule(echo_cancellation=True,
                                        noise_suppression=noise_suppression,
                                        high_pass_filter=False, auto_gain_control=False)
        # The delay hint only seeds AEC3's own estimate: the lead is what it will find.
        apm.set_stream_delay_ms(0)
    except (ImportError, OSError, RuntimeError, AttributeError) as err:
        raise CancellerUnavailable(f"WebRTC's echo canceller (livekit) did not load: {err}") \
            from err
    return rtc, apm


def load_canceller(lead_s: float = LEAD_S) -> WebRtcEchoCanceller | None:
    """AEC3 if livekit loads; otherwise None, with one warning saying the guard cleans alone."""
    try:
        return WebRtcEchoCanceller(lead_s=lead_s)
    except CancellerUnavailable as err:
        _LOGGER.warning("%s; the echo guard cleans the microphone on its own", err)
        return None


def guard_with_aec3(lead_s: float = LEAD_S) -> EchoGuard:
    """The echo guard cleaning with AEC3 where livekit loads, else on its own."""
    return EchoGuard(canceller=load_canceller(lead_s))
