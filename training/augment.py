"""Augmentation: speech placed in context, room reverberation, gain, noise and babble at an SNR.

Reverberation uses a synthetic room impulse response (exponentially decaying noise after a
direct path, RT60 0.2-0.8 s); mixing reuses the benchmarks' level and SNR helpers (through
training.product), so that training and benchmarks measure SNR the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.signal import fftconvolve

from training import product
from training.product import SAMPLE_RATE_HZ, Samples

Floats = npt.NDArray[np.float64]

RT60_RANGE_S = (0.2, 0.8)
SNR_RANGE_DB = (0.0, 20.0)
#: Speech level before mixing, in dBFS: a quiet far talker to a loud near one.
LEVEL_RANGE_DBFS = (-38.0, -14.0)
#: Below any real background: keeps padded silence from being a give-away of padding.
NOISE_FLOOR_SNR_DB = (30.0, 45.0)


@dataclass(frozen=True)
class Recipe:
    """What is done to one clip (drawn from its own random generator, recorded for checks)."""

    reverb_rt60_s: float | None
    noise: str | None
    snr_db: float
    level_dbfs: float


def room_impulse_response(rt60_s: float, rng: np.random.Generator) -> Floats:
    """A room: a direct path then noise decaying by 60 dB in `rt60_s` seconds."""
    length = int(rt60_s * SAMPLE_RATE_HZ)
    times_s = np.arange(length) / SAMPLE_RATE_HZ
    # ln(1000) = 6.91: amplitude falls by 60 dB over rt60_s.
    tail = rng.standard_normal(length) * np.exp(-6.91 * times_s / rt60_s)
    # Reflections need a few milliseconds to arrive after the direct sound.
    tail[: int(0.003 * SAMPLE_RATE_HZ)] = 0.0
    direct_to_reverberant = 10 ** (rng.uniform(-3.0, 9.0) / 10)
    tail *= 1.0 / np.sqrt(direct_to_reverberant * float(np.sum(tail**2)) + 1e-12)
    response = tail
    response[0] = 1.0
    return response / float(np.sqrt(np.sum(response**2)))


def reverberate(signal: Samples | Floats, rt60_s: float, rng: np.random.Generator) -> Floats:
    """`signal` as heard in a room of `rt60_s`, its tail kept (longer by the reverb time)."""
    response = room_impulse_response(rt60_s, rng)
    return np.asarray(fftconvolve(np.asarray(signal, dtype=np.float64), response))


def place(speech: Floats, lead_s: float, trail_s: float, min_s: float) -> tuple[Floats, float]:
    """Speech with `lead_s` and `trail_s` of silence around it (the lead grown to `min_s` in
    all); returns the clip and where the speech starts in it, in seconds."""
    lead = int(lead_s * SAMPLE_RATE_HZ)
    trail = int(trail_s * SAMPLE_RATE_HZ)
    lead += max(int(min_s * SAMPLE_RATE_HZ) - (lead + len(speech) + trail), 0)
    clip = np.zeros(lead + len(speech) + trail)
    clip[lead : lead + len(speech)] = speech
    return clip, lead / SAMPLE_RATE_HZ


class NoiseBank:
    """Named background recordings of one split, looped from random starts."""

    def __init__(self, beds: dict[str, Floats]) -> None:
        self.beds = {name: bed for name, bed in beds.items() if len(bed)}
        self.names = sorted(self.beds)
        self.talks: list[Samples] = []
        """Single talkers of the split (prose renderings): talk said just before a phrase."""

    def add(self, name: str, bed: Floats) -> None:
        """One more background (ignored when empty or silent)."""
        if len(bed) and float(np.max(np.abs(bed))) > 0.0:
            self.beds[name] = bed
            self.names = sorted(self.beds)

    def draw(self, length: int, rng: np.random.Generator) -> tuple[str, Floats]:
        """A random bed's name and `length` samples of it (unit level not guaranteed)."""
        name = self.names[int(rng.integers(len(self.names)))]
        return name, product.loop_to_length(self.beds[name], length, rng)


def draw_recipe(rng: np.random.Generator, bank: NoiseBank, reverb_share: float = 0.5,
                noise_share: float = 0.8) -> Recipe:
    """A random recipe: reverberation some of the time, a background most of the time."""
    rt60 = float(rng.uniform(*RT60_RANGE_S)) if rng.random() < reverb_share else None
    noisy = bool(bank.names) and rng.random() < noise_share
    noise = bank.names[int(rng.integers(len(bank.names)))] if noisy else None
    snr = float(rng.uniform(*SNR_RANGE_DB)) if noisy else float(rng.uniform(*NOISE_FLOOR_SNR_DB))
    return Recipe(rt60, noise, snr, float(rng.uniform(*LEVEL_RANGE_DBFS)))


def background(bank: NoiseBank, recipe: Recipe, length: int, rng: np.random.Generator) -> Floats:
    """The recipe's noise (or a faint white floor when it has none), `length` samples."""
    if recipe.noise is None:
        return product.coloured_noise("white", length, rng)
    return product.loop_to_length(bank.beds[recipe.noise], length, rng)


def mix(clip: Floats, speech_ref: Floats, bank: NoiseBank, recipe: Recipe,
        rng: np.random.Generator) -> Samples:
    """`clip` at the recipe's level with its background at the recipe's SNR, as int16.

    The SNR is measured against `speech_ref` (the speech alone), as the benchmarks do."""
    gain = _level_gain(speech_ref, recipe.level_dbfs)
    noise = background(bank, recipe, len(clip), rng)
    noise = product.scale_noise_for_snr(speech_ref * gain, noise, recipe.snr_db)
    return product.to_int16(clip * gain + noise)


def _level_gain(speech: Floats, level_dbfs: float) -> float:
    power = product.active_power(speech)
    if power <= 0.0:
        return 1.0
    return float(32768.0 * 10 ** (level_dbfs / 20) / np.sqrt(power))


def noise_only(bank: NoiseBank, length: int, rng: np.random.Generator) -> tuple[str, Samples]:
    """A background alone at a random level (-60 to -20 dBFS), as int16."""
    name, bed = bank.draw(length, rng)
    rms = float(np.sqrt(np.mean(bed**2))) or 1.0
    level = 32768.0 * 10 ** (rng.uniform(-60.0, -20.0) / 20)
    return name, product.to_int16(bed * (level / rms))


def clicks(length: int, rng: np.random.Generator) -> Samples:
    """A few clicks and knocks (decaying bursts) over a faint floor, as int16."""
    signal = product.coloured_noise("pink", length, rng) * 32768.0 * 10 ** (-65 / 20)
    for _ in range(int(rng.integers(1, 6))):
        at = int(rng.integers(0, max(length - 800, 1)))
        size = int(rng.integers(40, 800))
        burst = rng.standard_normal(size) * np.exp(-np.arange(size) / (size / 5))
        signal[at : at + size] += burst * 32768.0 * 10 ** (rng.uniform(-30, -3) / 20)
    return product.to_int16(signal)


def babble(talks: list[Samples], seconds: float, rng: np.random.Generator,
           talkers: int = 4) -> Floats:
    """`talkers` voices talking at once for `seconds`: each a random run of `talks` joined."""
    length = int(seconds * SAMPLE_RATE_HZ)
    total = np.zeros(length)
    if not talks:
        return total
    for _ in range(talkers):
        pieces: list[Floats] = []
        while sum(len(p) for p in pieces) < length:
            talk = talks[int(rng.integers(len(talks)))]
            pieces.append(product.normalize_level(talk, float(rng.uniform(-32.0, -22.0))))
        stream = np.concatenate(pieces)
        start = int(rng.integers(0, len(stream) - length + 1))
        total += stream[start : start + length]
    return total


def talk_before(talk: Samples, phrase: Floats, talk_s: float, gap_s: float,
                rng: np.random.Generator) -> Floats:
    """`talk_s` of `talk` (ending where it ends, or cut off mid-speech), then `gap_s` of
    silence: what a microphone hears just before the phrase. At the phrase's level,
    within 6 dB."""
    whole = np.asarray(talk, dtype=np.float64)
    length = min(int(talk_s * SAMPLE_RATE_HZ), len(whole))
    end = len(whole) if rng.random() < 0.5 else int(rng.integers(length, len(whole) + 1))
    piece = whole[end - length:end].copy()
    fade = min(160, len(piece))  # 10 ms: a cut-off word does not end in a click
    piece[len(piece) - fade:] *= np.linspace(1.0, 0.0, fade)
    own, level = product.active_power(piece), product.active_power(phrase)
    if own > 0.0 and level > 0.0:
        piece *= np.sqrt(level / own) * 10 ** (rng.uniform(-6.0, 6.0) / 20)
    return np.concatenate((piece, np.zeros(int(gap_s * SAMPLE_RATE_HZ))))
