"""The `Clip` value and how one piece of audio becomes clips: placed, augmented, windowed.

Each clip draws everything random from its own generator, seeded by the data set's seed and
the clip's key, so a clip does not change when another source is added or removed.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

from training import augment, product
from training.augment import Floats, NoiseBank
from training.product import SAMPLE_RATE_HZ, Samples

#: Clips are at least this long, so that the front end sees context before the phrase.
MIN_CLIP_S = 1.5
LEAD_RANGE_S = (0.2, 0.8)
TRAIL_RANGE_S = (0.45, 0.8)
#: Some phrases are also said soon after other talk (another talker's sentence): the head
#: must hear a command whose window still holds the talk before it (measured: a clear "stop"
#: 0.5-1.1 s after a sentence was missed). Share of phrases with such an extra clip, how long
#: a stretch of talk comes before, and the pause between them.
PRECEDED_SHARE = 0.3
PRECEDING_TALK_S = (0.4, 1.6)
PRECEDING_GAP_S = (0.1, 1.3)
#: Long speech (prose, cues) is cut into windows this long, this far apart.
WINDOW_S = 2.0
WINDOW_HOP_S = 1.0


@dataclass(frozen=True)
class Clip:
    """One training or validation example: 16 kHz mono int16 audio and what it holds."""

    samples: np.ndarray
    """int16, 16 kHz mono, typically 1.5-3 s."""
    label: str
    """An intent name of assistant/phrases/en.yaml, or "background" for any non-command."""
    text: str
    """What is said ("i feel dizzy"), or a description ("noise:running_tap")."""
    source: str
    """Where it comes from: "speech_commands", "espeak-ng", "mbrola", "pico", "cue", ..."""
    speaker: str
    """Speaker or voice id ("sc:0c40e715", "espeak:en-us+f3"); in one split only."""
    split: str
    """"train" or "validation"."""
    speech_start_s: float | None
    """Where the phrase starts in the clip, in seconds (positives), else None."""
    speech_end_s: float | None
    """Where the phrase ends in the clip, in seconds (positives), else None."""


@dataclass(frozen=True)
class Origin:
    """What a piece of audio is, before it becomes a clip."""

    label: str
    text: str
    source: str
    speaker: str
    split: str


def rng_for(seed: int, key: str) -> np.random.Generator:
    """A generator for one clip: the same seed and key give the same draws on any machine."""
    return np.random.default_rng([seed, zlib.crc32(key.encode())])


def speech_bounds_s(samples: Samples) -> tuple[float, float]:
    """Where speech starts and ends in a short recording with its own silences (by energy)."""
    duration_s = len(samples) / SAMPLE_RATE_HZ
    start_s = duration_s - product.word_end_s(samples[::-1].copy())
    return max(start_s, 0.0), product.word_end_s(samples)


def speech_clip(speech: Samples, origin: Origin, rng: np.random.Generator, bank: NoiseBank,
                bounds_s: tuple[float, float] | None = None,
                before: Floats | None = None) -> Clip:
    """A spoken phrase in context: silence around it, maybe a room, a background, a level.

    `bounds_s` is where the speech lies in `speech` (None: it is trimmed, all of it is);
    `before` is other sound said just before it (in the same room, at the same level)."""
    phrase = np.asarray(speech, dtype=np.float64)
    dry = phrase if before is None else np.concatenate((before, phrase))
    offset_s = 0.0 if before is None else len(before) / SAMPLE_RATE_HZ
    recipe = augment.draw_recipe(rng, bank)
    wet = dry if recipe.reverb_rt60_s is None else augment.reverberate(
        dry, recipe.reverb_rt60_s, rng)
    # After the speech comes `trail_s` of its own reverb tail, then silence: the head's windows
    # end up to 0.4 s after the speech, so the trail is longer than that.
    trail = int(float(rng.uniform(*TRAIL_RANGE_S)) * SAMPLE_RATE_HZ)
    wet = np.pad(wet, (0, max(len(dry) + trail - len(wet), 0)))[: len(dry) + trail]
    placed, start_s = augment.place(wet, float(rng.uniform(*LEAD_RANGE_S)), 0.0, MIN_CLIP_S)
    samples = augment.mix(placed, phrase, bank, recipe, rng)
    inner = bounds_s or (0.0, len(phrase) / SAMPLE_RATE_HZ)
    positive = origin.label != "background"
    start_s += offset_s
    return Clip(samples, origin.label, origin.text, origin.source, origin.speaker, origin.split,
                start_s + inner[0] if positive else None,
                start_s + inner[1] if positive else None)


def preceded_clips(speech: Samples, origin: Origin, key: str, seed: int, bank: NoiseBank,
                   bounds_s: tuple[float, float] | None = None) -> list[Clip]:
    """For a share of phrases, one more clip of the phrase said soon after other talk of
    the split (none when the bank has no talk). Its own generator: other clips stay as
    they are."""
    rng = rng_for(seed, f"preceded:{key}")
    if not bank.talks or rng.random() >= PRECEDED_SHARE:
        return []
    talk = bank.talks[int(rng.integers(len(bank.talks)))]
    before = augment.talk_before(talk, np.asarray(speech, dtype=np.float64),
                                 float(rng.uniform(*PRECEDING_TALK_S)),
                                 float(rng.uniform(*PRECEDING_GAP_S)), rng)
    return [speech_clip(speech, origin, rng, bank, bounds_s, before)]


def window_starts(length: int) -> list[int]:
    """Window starts covering `length` samples, the last window ending at the end."""
    size, hop = int(WINDOW_S * SAMPLE_RATE_HZ), int(WINDOW_HOP_S * SAMPLE_RATE_HZ)
    if length <= size:
        return [0]
    starts = list(range(0, length - size, hop))
    return [*starts, length - size]


def long_speech_clips(speech: Samples, origin: Origin, rng: np.random.Generator,
                      bank: NoiseBank, reverb_share: float = 0.5) -> list[Clip]:
    """Background speech (prose, a cue) augmented whole, then cut into overlapping windows."""
    mixed = augmented_long(speech, rng, bank, reverb_share)
    size = int(WINDOW_S * SAMPLE_RATE_HZ)
    return [Clip(mixed[start : start + size].copy(), "background", origin.text, origin.source,
                 origin.speaker, origin.split, None, None)
            for start in window_starts(len(mixed))]


def augmented_long(speech: Samples, rng: np.random.Generator, bank: NoiseBank,
                   reverb_share: float) -> Samples:
    """Long speech with a little silence after it, maybe a room, a background and a level."""
    dry: Floats = np.asarray(speech, dtype=np.float64)
    recipe = augment.draw_recipe(rng, bank, reverb_share=reverb_share)
    wet = dry if recipe.reverb_rt60_s is None else augment.reverberate(
        dry, recipe.reverb_rt60_s, rng)
    placed, _ = augment.place(wet, float(rng.uniform(0.1, 0.5)), float(rng.uniform(*TRAIL_RANGE_S)),
                              MIN_CLIP_S)
    return augment.mix(placed, dry, bank, recipe, rng)


def plain_clip(samples: Samples, origin: Origin) -> Clip:
    """A clip with no speech (noise, silence, clicks), taken as it is."""
    return Clip(np.asarray(samples, dtype=np.int16), origin.label, origin.text, origin.source,
                origin.speaker, origin.split, None, None)
