"""Noise for the benchmarks, and mixing speech with it at a known signal-to-noise ratio.

Coloured noise (white, pink, brown) is generated with numpy; babble is overlapping speech;
household noise is the real recordings of the shared data. SNR is measured over the active
part of the speech (its loud frames), as a listener would judge it, not over the silences.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from assistant.audio.chunks import Samples
from assistant.core.events import SAMPLE_RATE_HZ

Floats = npt.NDArray[np.float64]

#: 20 ms analysis frames: short enough to follow syllables.
FRAME_S = 0.02
#: Frames quieter than this below the loudest frame are pauses, not speech.
ACTIVE_RANGE_DB = 35.0
#: The level every utterance is brought to before noise is added (-23 dBFS, a broadcast norm).
SPEECH_LEVEL_DBFS = -23.0

COLOURS = ("white", "pink", "brown")


def coloured_noise(colour: str, length: int, rng: np.random.Generator) -> Floats:
    """White, pink (1/f power) or brown (1/f^2 power) noise with unit RMS."""
    exponent = {"white": 0.0, "pink": 0.5, "brown": 1.0}[colour]
    spectrum = np.fft.rfft(rng.standard_normal(length))
    freqs_hz = np.fft.rfftfreq(length, 1.0 / SAMPLE_RATE_HZ)
    # Below 20 Hz nothing is audible; keeping it would let brown noise drift like a DC offset.
    shaping = np.where(freqs_hz < 20.0, 0.0, 1.0 / np.maximum(freqs_hz, 20.0) ** exponent)
    noise = np.fft.irfft(spectrum * shaping, n=length)
    return noise / max(float(np.sqrt(np.mean(noise**2))), 1e-12)


def loop_to_length(noise: Samples | Floats, length: int, rng: np.random.Generator) -> Floats:
    """A real recording repeated from a random start to fill `length` samples."""
    if len(noise) == 0:
        raise ValueError("empty noise recording")
    start = int(rng.integers(0, len(noise)))
    reps = (start + length) // len(noise) + 1
    return np.tile(np.asarray(noise, dtype=np.float64), reps)[start : start + length]


def active_power(speech: Samples | Floats) -> float:
    """Mean power of the speech's active frames (those within ACTIVE_RANGE_DB of the loudest)."""
    signal = np.asarray(speech, dtype=np.float64)
    size = int(FRAME_S * SAMPLE_RATE_HZ)
    count = len(signal) // size
    if count == 0:
        return float(np.mean(signal**2)) if len(signal) else 0.0
    powers = np.mean(signal[: count * size].reshape(count, size) ** 2, axis=1)
    loudest = float(powers.max())
    if loudest <= 0.0:
        return 0.0
    active = powers[powers >= loudest * 10 ** (-ACTIVE_RANGE_DB / 10)]
    return float(active.mean())


def snr_db(speech: Samples | Floats, noise: Samples | Floats) -> float:
    """Signal-to-noise ratio: active speech power over the noise's mean power, in dB."""
    noise_power = float(np.mean(np.asarray(noise, dtype=np.float64) ** 2))
    return 10.0 * float(np.log10(active_power(speech) / max(noise_power, 1e-20)))


def normalize_level(speech: Samples | Floats, level_dbfs: float = SPEECH_LEVEL_DBFS) -> Floats:
    """Scale speech so its active part is at `level_dbfs` (full scale = 32768)."""
    signal = np.asarray(speech, dtype=np.float64)
    power = active_power(signal)
    if power <= 0.0:
        return signal
    target_rms = 32768.0 * 10 ** (level_dbfs / 20)
    return signal * (target_rms / np.sqrt(power))


def scale_noise_for_snr(speech: Samples | Floats, noise: Floats, wanted_snr_db: float) -> Floats:
    """`noise` scaled so that `snr_db(speech, result)` is `wanted_snr_db`."""
    noise_power = float(np.mean(noise**2))
    if noise_power <= 0.0:
        return noise
    target_power = active_power(speech) / 10 ** (wanted_snr_db / 10)
    return noise * np.sqrt(target_power / noise_power)


def to_int16(signal: Floats) -> Samples:
    """Float samples to int16; a mix that would clip is scaled down as a whole (SNR kept)."""
    peak = float(np.max(np.abs(signal))) if len(signal) else 0.0
    if peak > 32767.0:
        signal = signal * (32767.0 / peak)
    return np.round(signal).astype(np.int16)
