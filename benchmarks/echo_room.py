"""The simulated room of the echo benchmark: the assistant's cues through a delayed,
reverberant echo path, a walker saying "stop" over them, household noise; all seeded.

A stream is what one session's microphone hears while the assistant says a run of cues:
`played` is what the speaker played (the reference a canceller is given), `echo` what of it
reached the microphone, `walker` the walker's speech alone, `noise` the room's noise alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from assistant.audio.chunks import Samples
from assistant.core.events import SAMPLE_RATE_HZ

Floats = npt.NDArray[np.float64]

#: Silence between two cues (seconds): the session's cues come one after another.
GAP_S = 0.8
#: The stream starts with this much silence before the first cue (seconds).
LEAD_IN_S = 0.5
#: Reverberation tail length (seconds) of the impulse response.
TAIL_S = 0.5


@dataclass(frozen=True)
class Room:
    """An echo path: a delay (ms), a gain relative to the played signal, reverberation."""

    name: str
    delay_ms: float
    gain: float
    rt60_s: float
    """Time for the reverberant tail to decay by 60 dB; 0 means a pure delay."""
    drr_db: float = 6.0
    """Direct-to-reverberant energy ratio of the impulse response."""

    def impulse_response(self, seed: int) -> Floats:
        """Direct path at the delay, then a decaying-noise tail; unit energy times gain^2."""
        rate = SAMPLE_RATE_HZ
        delay = int(round(self.delay_ms * rate / 1000))
        if self.rt60_s <= 0:
            response = np.zeros(delay + 1)
            response[delay] = 1.0
            return self.gain * response
        rng = np.random.default_rng(seed)
        times = np.arange(1, int(TAIL_S * rate)) / rate
        tail = rng.standard_normal(len(times)) * np.exp(-6.9 * times / self.rt60_s)
        tail *= np.sqrt(10 ** (-self.drr_db / 10) / np.sum(tail**2))
        response = np.concatenate([np.zeros(delay), [1.0], tail])
        return self.gain * response / np.sqrt(np.sum(response**2))


@dataclass(frozen=True)
class Playback:
    """One cue the speaker played: from sample `start`, its samples and its text."""

    start: int
    samples: Samples
    text: str

    @property
    def end(self) -> int:
        return self.start + len(self.samples)


@dataclass(frozen=True)
class WalkerWord:
    """A word the walker said over a cue: where it lies in the stream (samples), its source."""

    start: int
    end: int
    source: str


@dataclass
class Stream:
    """What one microphone heard: every part kept apart, so figures can be exact."""

    played: Floats
    echo: Floats
    walker: Floats
    noise: Floats
    playbacks: list[Playback]
    words: list[WalkerWord] = field(default_factory=list)

    @property
    def mic(self) -> Samples:
        """The microphone signal, int16 as a device delivers it."""
        total = self.echo + self.walker + self.noise
        return np.clip(np.round(total), -32768, 32767).astype(np.int16)

    @property
    def seconds(self) -> float:
        return len(self.played) / SAMPLE_RATE_HZ


def convolve(signal: Floats, response: Floats) -> Floats:
    """Linear convolution by FFT, cut to the signal's length."""
    size = 1 << int(np.ceil(np.log2(len(signal) + len(response))))
    spectrum = np.fft.rfft(signal, size) * np.fft.rfft(response, size)
    return np.fft.irfft(spectrum, size)[: len(signal)]


def cue_stream(cues: list[tuple[str, Samples]], room: Room, seed: int) -> Stream:
    """The cues played one after another, with their echo through `room`; no walker yet."""
    rate = SAMPLE_RATE_HZ
    gap, cursor = int(GAP_S * rate), int(LEAD_IN_S * rate)
    playbacks = []
    for text, samples in cues:
        playbacks.append(Playback(cursor, samples, text))
        cursor += len(samples) + gap
    played = np.zeros(cursor, dtype=np.float64)
    for playback in playbacks:
        played[playback.start : playback.end] = playback.samples
    echo = convolve(played, room.impulse_response(seed))
    zeros = np.zeros(len(played))
    return Stream(played, echo, zeros.copy(), zeros.copy(), playbacks)


def add_noise(stream: Stream, noise: Floats, rms: float, seed: int) -> None:
    """Household noise (a random stretch of `noise`, looped if short) scaled to `rms`."""
    rng = np.random.default_rng(seed)
    reps = int(np.ceil(len(stream.played) / len(noise))) + 1
    looped = np.tile(noise, reps)
    offset = int(rng.integers(0, len(noise)))
    piece = looped[offset : offset + len(stream.played)]
    stream.noise += piece * rms / max(_rms(piece), 1e-9)


def add_floor(stream: Stream, rms: float, seed: int) -> None:
    """A microphone's self-noise: white, at `rms` (int16 units)."""
    rng = np.random.default_rng(seed)
    stream.noise += rng.standard_normal(len(stream.played)) * rms


def add_word(stream: Stream, word: Samples, at: int, snr_db: float, source: str) -> None:
    """The walker's word at sample `at`, at `snr_db` over the echo heard during it."""
    end = min(at + len(word), len(stream.played))
    spoken = word[: end - at].astype(np.float64)
    echo_rms = _rms(stream.echo[at:end])
    gain = echo_rms * 10 ** (snr_db / 20) / max(_active_rms(spoken), 1e-9)
    stream.walker[at:end] += spoken * gain
    stream.words.append(WalkerWord(at, end, source))


def _rms(samples: Floats) -> float:
    return float(np.sqrt(np.mean(samples**2))) if len(samples) else 0.0


def _active_rms(samples: Floats) -> float:
    """RMS over the loud part of a word (10 ms frames within 30 dB of the loudest)."""
    frames = samples[: len(samples) // 160 * 160].reshape(-1, 160)
    if len(frames) == 0:
        return _rms(samples)
    energy = np.mean(frames**2, axis=1)
    loud = energy >= energy.max() * 1e-3
    return float(np.sqrt(np.mean(energy[loud])))
