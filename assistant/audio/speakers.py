"""Speakers (`assistant.core.ports.Speaker`): real ones through sounddevice, and a virtual room.

`SoundDeviceSpeaker` keeps one output stream open; its callback only copies the current
cue's next block (or silence), so `play()` starts and `stop()` silences within one block.
`VirtualRoom` is the simulated hallway: the walker's recording plus, with `echo_gain`, the
assistant's own voice as the microphone would pick it up; `RoomSpeaker` plays into it and
`RoomMicrophone` listens to it, advancing the simulated clock like
`assistant.audio.chunks.WavSource`.
Both speakers log what they really played (`played`), which the echo guard needs.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from assistant.audio.chunks import CHUNK_S, Samples, resample
from assistant.audio.microphone import load_sounddevice
from assistant.core.clock import Clock, SimulatedClock
from assistant.core.errors import AudioDeviceError
from assistant.core.events import SAMPLE_RATE_HZ, AudioChunk

_LOGGER = logging.getLogger(__name__)

#: 10 ms blocks at 16 kHz: stop() takes effect within one block plus the device's latency.
BLOCK_SIZE = 160
#: Output buffer asked of the device. Measured through PulseAudio: "low" (~25 ms) cut off in
#: 27 ms but underran (gaps, and a moving echo) when the machine was busy; 50 ms cuts off
#: in about 70 ms.
LATENCY_S = 0.05
#: open() returns once the stream has run this long: through PulseAudio, a microphone
#: opened while the output stream was younger than ~2 s heard an echo the guard could not
#: follow (0 dB instead of 43 dB on the first cue). See docs/audio.md.
SETTLE_S = 2.0
#: How much longer open() waits for a stream that does not start.
STARTUP_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class PlayedAudio:
    """One cue as it was played: from `start_s` on the session clock, cut at `stopped_s`."""

    samples: Samples
    rate_hz: int
    start_s: float
    stopped_s: float | None = None

    @property
    def end_s(self) -> float:
        """When the sound ended: its natural end, or the moment it was cut."""
        natural_end_s = self.start_s + len(self.samples) / self.rate_hz
        return natural_end_s if self.stopped_s is None else min(self.stopped_s, natural_end_s)

    @property
    def heard_samples(self) -> Samples:
        """The part that actually reached the room."""
        return self.samples[: max(int(round((self.end_s - self.start_s) * self.rate_hz)), 0)]


def as_int16(samples: object, rate_hz: int) -> Samples:
    """Any array-like of samples as 16 kHz mono int16."""
    array = np.asarray(samples)
    if array.ndim > 1:
        array = array.mean(axis=1)
    if array.dtype.kind == "f":
        array = np.clip(np.round(array * 32767.0), -32768, 32767)
    return resample(array.astype(np.int16), rate_hz, SAMPLE_RATE_HZ)


class SoundDeviceSpeaker:
    """Plays int16 audio on a sound device, interruptibly (sounddevice OutputStream)."""

    def __init__(self, device: int | str | None = None, block_size: int = BLOCK_SIZE,
                 latency_s: float | str = LATENCY_S) -> None:
        self.device = device
        self.block_size = block_size
        self.latency_s = latency_s
        self.played: list[PlayedAudio] = []
        self.underflows = 0
        self._lock = threading.Lock()
        self._buffer: Samples | None = None
        self._position = 0
        self._stream: Any = None
        self._frames_out = 0
        self._settled = threading.Event()

    def play(self, samples: object, rate_hz: int, at_s: float) -> None:
        """Start playing at once, replacing anything playing; returns immediately."""
        audio = as_int16(samples, rate_hz)
        if self._stream is None:
            # Opening takes a while (PulseAudio: up to a second); the cue starts after it,
            # and the echo guard needs to know when it really started.
            opening_from_s = time.monotonic()
            self.open()
            at_s += time.monotonic() - opening_from_s
        with self._lock:
            self._cut_current()
            self._buffer, self._position = audio, 0
            self.played.append(PlayedAudio(audio, SAMPLE_RATE_HZ, at_s))

    def stop(self) -> None:
        """Silence within one block; the log records how much was really played."""
        with self._lock:
            self._cut_current()

    def is_playing(self, now_s: float) -> bool:
        with self._lock:
            return self._buffer is not None

    def close(self) -> None:
        self.stop()
        if self._stream is not None:
            self._stream.abort()
            self._stream.close()
            self._stream = None

    def _cut_current(self) -> None:
        """Called with the lock held: end the current cue where the callback got to."""
        if self._buffer is None:
            return
        last = self.played[-1]
        stopped_s = last.start_s + self._position / SAMPLE_RATE_HZ
        self.played[-1] = dataclasses.replace(last, stopped_s=stopped_s)
        self._buffer = None

    def _callback(self, outdata: Any, frames: int, _time: Any, status: Any) -> None:
        # Runs on the audio thread: copy the next block or silence, nothing else.
        self._frames_out += frames
        if self._frames_out >= SETTLE_S * SAMPLE_RATE_HZ:
            self._settled.set()
        if status.output_underflow:
            self.underflows += 1
        with self._lock:
            buffer = self._buffer
            if buffer is None:
                outdata.fill(0)
                return
            block = buffer[self._position : self._position + frames]
            outdata[: len(block), 0] = block
            outdata[len(block) :, 0] = 0
            self._position += len(block)
            if self._position >= len(buffer):
                self._buffer = None

    def open(self) -> None:
        """Open the device and wait until it has run for SETTLE_S. Call it before the first
        cue: device errors then surface at start-up, and the first cue is not delayed."""
        if self._stream is not None:
            return
        sounddevice = load_sounddevice()
        try:
            self._stream = sounddevice.OutputStream(
                samplerate=SAMPLE_RATE_HZ, channels=1, dtype="int16", device=self.device,
                blocksize=self.block_size, latency=self.latency_s, callback=self._callback,
            )
            self._stream.start()
        except (sounddevice.PortAudioError, ValueError) as err:
            self._stream = None
            raise AudioDeviceError(
                f"The speaker could not be opened (device {self.device or 'default'}): {err}; "
                "run 'retrowalk devices' to list devices, or use 'retrowalk start --console'"
            ) from err
        if not self._settled.wait(SETTLE_S + STARTUP_TIMEOUT_S):
            _LOGGER.warning("the speaker's stream has not settled after %g s",
                            SETTLE_S + STARTUP_TIMEOUT_S)


class VirtualRoom:
    """A simulated hallway: the walker's recording, and the assistant's voice played into it."""

    def __init__(self, walker_samples: Samples, echo_gain: float = 0.0,
                 rate_hz: int = SAMPLE_RATE_HZ) -> None:
        self.walker_samples = walker_samples
        self.echo_gain = echo_gain
        self.rate_hz = rate_hz
        self._assistant: list[tuple[int, Samples]] = []

    def add_assistant(self, samples: Samples, at_s: float) -> None:
        """The assistant starts saying `samples` at `at_s`."""
        self._assistant.append((int(round(at_s * self.rate_hz)), samples))

    def cut_assistant(self, at_s: float) -> None:
        """The assistant's current sound stops at `at_s`: the room hears nothing after it."""
        if not self._assistant:
            return
        start, samples = self._assistant[-1]
        keep = max(int(round(at_s * self.rate_hz)) - start, 0)
        self._assistant[-1] = (start, samples[:keep])

    def assistant_span(self, start: int, length: int) -> Samples:
        """What the assistant played over `length` samples from sample index `start`."""
        span = np.zeros(length, dtype=np.int32)
        for offset, samples in self._assistant:
            low, high = max(start, offset), min(start + length, offset + len(samples))
            if low < high:
                span[low - start : high - start] += samples[low - offset : high - offset]
        return np.clip(span, -32768, 32767).astype(np.int16)

    def microphone_chunk(self, start_s: float, n: int) -> Samples:
        """What the microphone hears: the walker plus `echo_gain` times the assistant."""
        start = int(round(start_s * self.rate_hz))
        walker = np.zeros(n, dtype=np.float64)
        piece = self.walker_samples[start : start + n]
        walker[: len(piece)] = piece
        heard = walker + self.echo_gain * self.assistant_span(start, n)
        return np.clip(np.round(heard), -32768, 32767).astype(np.int16)

    def room_audio(self) -> Samples:
        """Everything the room heard, walker and assistant at full level (for --audio-out)."""
        length = max([len(self.walker_samples)]
                     + [offset + len(samples) for offset, samples in self._assistant])
        mixed = np.zeros(length, dtype=np.int32)
        mixed[: len(self.walker_samples)] = self.walker_samples
        mixed += self.assistant_span(0, length)
        return np.clip(mixed, -32768, 32767).astype(np.int16)


class RoomSpeaker:
    """A Speaker that plays into a VirtualRoom; `stop()` cuts at the clock's current time."""

    def __init__(self, room: VirtualRoom, clock: Clock) -> None:
        self.room = room
        self.clock = clock
        self.played: list[PlayedAudio] = []

    def play(self, samples: object, rate_hz: int, at_s: float) -> None:
        """The room hears `samples` from `at_s`; a cue still playing is cut there."""
        self._cut_at(at_s)
        audio = as_int16(samples, rate_hz)
        self.room.add_assistant(audio, at_s)
        self.played.append(PlayedAudio(audio, SAMPLE_RATE_HZ, at_s))

    def stop(self) -> None:
        """Silence from the clock's current time on."""
        self._cut_at(self.clock.now_s())

    def _cut_at(self, at_s: float) -> None:
        if self.played and self.is_playing(at_s):
            self.room.cut_assistant(at_s)
            self.played[-1] = dataclasses.replace(self.played[-1], stopped_s=at_s)

    def is_playing(self, now_s: float) -> bool:
        return bool(self.played) and self.played[-1].start_s <= now_s < self.played[-1].end_s

    def close(self) -> None:
        pass


class RoomMicrophone:
    """An AudioSource listening to a VirtualRoom: 0.1 s chunks, each advancing the clock."""

    def __init__(self, room: VirtualRoom, clock: SimulatedClock, chunk_s: float = CHUNK_S,
                 until_s: float | None = None) -> None:
        self.room = room
        self.clock = clock
        self.chunk_s = chunk_s
        self.until_s = until_s

    def chunks(self) -> Iterator[AudioChunk]:
        """Chunks until the walker's recording ends, or (past it, in silence) until `until_s`."""
        size = int(round(self.chunk_s * self.room.rate_hz))
        while self.clock.now_s() < self._end_s() - 1e-9:
            start_s = self.clock.now_s()
            samples = self.room.microphone_chunk(start_s, size)
            self.clock.advance(size / self.room.rate_hz)
            yield AudioChunk(samples, self.room.rate_hz, start_s)

    def _end_s(self) -> float:
        # Read each time: a simulated walker may add to the recording as the session runs.
        recording_s = len(self.room.walker_samples) / self.room.rate_hz
        return recording_s if self.until_s is None else max(recording_s, self.until_s)

    def close(self) -> None:
        pass
