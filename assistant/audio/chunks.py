"""Audio as chunks: WAV files read, resampled and written; file sources that look like a mic.

Everything inside RetroWalk is 16 kHz mono 16-bit PCM (`SAMPLE_RATE_HZ`). A WAV of any
rate or channel count is mixed down and resampled on the way in.
"""

from __future__ import annotations

import wave
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import numpy.typing as npt

from assistant.core.clock import SimulatedClock
from assistant.core.errors import AudioDeviceError
from assistant.core.events import SAMPLE_RATE_HZ, AudioChunk

#: 100 ms chunks: short enough for quick barge-in, long enough to keep overhead small.
CHUNK_S = 0.1

Samples = npt.NDArray[np.int16]


def resample(samples: Samples, from_rate_hz: int, to_rate_hz: int = SAMPLE_RATE_HZ) -> Samples:
    """High-quality sample-rate conversion (libsoxr), int16 in and out."""
    if from_rate_hz == to_rate_hz or len(samples) == 0:
        return samples.astype(np.int16, copy=False)
    import soxr

    converted = soxr.resample(samples.astype(np.float32), from_rate_hz, to_rate_hz)
    return np.clip(np.round(converted), -32768, 32767).astype(np.int16)


def read_wav(path: str | Path, rate_hz: int = SAMPLE_RATE_HZ) -> Samples:
    """Read a PCM WAV file of any rate and channel count as mono int16 at `rate_hz`."""
    try:
        with wave.open(str(path), "rb") as wav:
            channels = wav.getnchannels()
            width = wav.getsampwidth()
            source_rate = wav.getframerate()
            frames = wav.readframes(wav.getnframes())
    except FileNotFoundError as err:
        raise AudioDeviceError(f"{path}: no such audio file") from err
    except (wave.Error, EOFError, OSError) as err:
        raise AudioDeviceError(
            f"{path}: not a readable PCM WAV file ({err}); convert it with "
            "'sox IN.any -r 16000 -c 1 -b 16 OUT.wav'"
        ) from err
    samples = _pcm_to_float(frames, width)
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1)
    mono = np.clip(np.round(samples * 32767.0), -32768, 32767).astype(np.int16)
    return resample(mono, source_rate, rate_hz)


def _pcm_to_float(frames: bytes, width: int) -> npt.NDArray[np.float64]:
    if width == 1:
        return (np.frombuffer(frames, dtype=np.uint8).astype(np.float64) - 128.0) / 128.0
    if width == 2:
        return np.frombuffer(frames, dtype="<i2").astype(np.float64) / 32768.0
    if width == 3:
        raw = np.frombuffer(frames, dtype=np.uint8).reshape(-1, 3)
        as_int = (raw[:, 0].astype(np.int32) | (raw[:, 1].astype(np.int32) << 8)
                  | (raw[:, 2].astype(np.int32) << 16))
        as_int = np.where(as_int >= 1 << 23, as_int - (1 << 24), as_int)
        return as_int.astype(np.float64) / float(1 << 23)
    if width == 4:
        return np.frombuffer(frames, dtype="<i4").astype(np.float64) / float(1 << 31)
    raise wave.Error(f"unsupported sample width of {width} bytes")


def write_wav(path: str | Path, samples: Samples, rate_hz: int = SAMPLE_RATE_HZ) -> None:
    """Write mono int16 samples as a PCM WAV file (OSError if the file cannot be made)."""
    # Opened here first: a `wave.open(path)` that fails leaves a half-made writer whose
    # clean-up prints a traceback.
    with open(path, "wb") as file, wave.open(file, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate_hz)
        wav.writeframes(np.asarray(samples, dtype="<i2").tobytes())


def to_chunks(
    samples: Samples, rate_hz: int = SAMPLE_RATE_HZ, chunk_s: float = CHUNK_S, start_s: float = 0.0
) -> Iterator[AudioChunk]:
    """Cut samples into chunks timed by the audio itself."""
    size = max(int(rate_hz * chunk_s), 1)
    for offset in range(0, len(samples), size):
        yield AudioChunk(samples[offset : offset + size], rate_hz, start_s + offset / rate_hz)


class WavSource:
    """A WAV file as the microphone. Each chunk moves the simulated clock by its duration."""

    def __init__(self, samples: Samples, clock: SimulatedClock, chunk_s: float = CHUNK_S) -> None:
        self._samples = samples
        self._clock = clock
        self._chunk_s = chunk_s

    @classmethod
    def from_file(cls, path: str | Path, clock: SimulatedClock) -> WavSource:
        return cls(read_wav(path), clock)

    def chunks(self) -> Iterator[AudioChunk]:
        for chunk in to_chunks(self._samples, SAMPLE_RATE_HZ, self._chunk_s, self._clock.now_s()):
            self._clock.advance(chunk.duration_s)
            yield chunk

    def close(self) -> None:
        pass


def mix_at(base: Samples, overlay: Samples, at_s: float, gain: float = 1.0,
           rate_hz: int = SAMPLE_RATE_HZ) -> Samples:
    """`base` with `overlay` added at `at_s` (scaled by `gain`), lengthened if needed."""
    start = int(round(at_s * rate_hz))
    end = start + len(overlay)
    mixed = np.zeros(max(len(base), end), dtype=np.int32)
    mixed[: len(base)] = base
    mixed[start:end] += np.round(overlay.astype(np.float64) * gain).astype(np.int32)
    return np.clip(mixed, -32768, 32767).astype(np.int16)


def silence(seconds: float, rate_hz: int = SAMPLE_RATE_HZ) -> Samples:
    return np.zeros(int(round(seconds * rate_hz)), dtype=np.int16)
