"""Audio as chunks: recordings read, resampled and written; file sources that look like a mic.

Everything inside RetroWalk is 16 kHz mono 16-bit PCM (`SAMPLE_RATE_HZ`). A recording of any
common format (libsndfile reads it), rate or channel count is mixed down and resampled on
the way in; what RetroWalk writes is 16-bit PCM WAV.
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


def read_audio(path: str | Path, rate_hz: int = SAMPLE_RATE_HZ) -> Samples:
    """Read a recording (WAV of any sample format, FLAC, OGG, MP3...) as mono int16 at `rate_hz`.

    libsndfile (through soundfile) reads the file; channels are averaged and the rate is
    converted with libsoxr, in floating point so that nothing clips on the way."""
    import soundfile

    if not Path(path).exists():
        raise AudioDeviceError(f"{path}: no such audio file")
    if Path(path).is_dir():
        raise AudioDeviceError(f"{path}: a folder, not an audio file")
    try:
        samples, source_rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    except (soundfile.LibsndfileError, RuntimeError, OSError) as err:
        raise AudioDeviceError(
            f"{path}: not a recording RetroWalk can read ({_first_line(err)}); "
            "use a WAV, FLAC, OGG or MP3 file"
        ) from err
    mono = samples.mean(axis=1)
    if source_rate != rate_hz and len(mono):
        import soxr

        mono = soxr.resample(mono, source_rate, rate_hz)
    return np.clip(np.round(mono * 32767.0), -32768, 32767).astype(np.int16)


def read_wav(path: str | Path, rate_hz: int = SAMPLE_RATE_HZ) -> Samples:
    """Read one of the project's own WAV files (rendered cues, corpora): `read_audio`."""
    return read_audio(path, rate_hz)


def _first_line(err: Exception) -> str:
    """libsndfile's reason, without the path it repeats, on one line."""
    text = str(err).splitlines()[0] if str(err) else type(err).__name__
    reason = text.split(": ", 1)[-1] if text.startswith("Error opening") else text
    return reason.rstrip(".")


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
    """A recording as the microphone. Each chunk moves the simulated clock by its duration."""

    def __init__(self, samples: Samples, clock: SimulatedClock, chunk_s: float = CHUNK_S) -> None:
        self._samples = samples
        self._clock = clock
        self._chunk_s = chunk_s

    @classmethod
    def from_file(cls, path: str | Path, clock: SimulatedClock) -> WavSource:
        return cls(read_audio(path), clock)

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
