"""Clean validation utterances for the evaluation: held-out people and voices, no augmentation.

The evaluation mixes its own noise at chosen SNRs, so these clips carry none: each is the
speech at a talker's level (-26 dBFS) with 0.5-1.0 s of very faint noise before and after (not
digital silence, which no microphone gives).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np

from training import product, sources, texts
from training.clips import Clip, rng_for, speech_bounds_s
from training.layout import Budget, positive_items
from training.product import SAMPLE_RATE_HZ, Samples
from training.synth import SpeechCache
from training.synthesized import voices_for

LEVEL_DBFS = -26.0
PAD_RANGE_S = (0.5, 1.0)
#: The faint floor around the speech, in dBFS.
FLOOR_DBFS = -80.0


def clean_clip(speech: Samples, bounds_s: tuple[float, float], rng: np.random.Generator
               ) -> tuple[Samples, float, float]:
    """Speech at the talker's level between two faint pads; where the speech lies in it."""
    lead = int(rng.uniform(*PAD_RANGE_S) * SAMPLE_RATE_HZ)
    trail = int(rng.uniform(*PAD_RANGE_S) * SAMPLE_RATE_HZ)
    body = product.normalize_level(speech, LEVEL_DBFS)
    signal = np.concatenate([np.zeros(lead), body, np.zeros(trail)])
    floor = product.coloured_noise("pink", len(signal), rng) * 32768 * 10 ** (FLOOR_DBFS / 20)
    offset_s = lead / SAMPLE_RATE_HZ
    return product.to_int16(signal + floor), offset_s + bounds_s[0], offset_s + bounds_s[1]


def _clip(speech: Samples, bounds_s: tuple[float, float], key: str, seed: int, label: str,
          text: str, source: str, speaker: str) -> Clip:
    samples, start_s, end_s = clean_clip(speech, bounds_s, rng_for(seed, f"eval:{key}"))
    positive = label != "background"
    return Clip(samples, label, text, source, speaker, "validation",
                start_s if positive else None, end_s if positive else None)


def real_evaluation_clips(shared: Path, seed: int) -> Iterator[Clip]:
    """Every Speech Commands clip of the validation speakers (commands and other words)."""
    for recording in sources.speech_commands(shared):
        if sources.split_of(recording.speaker) != "validation":
            continue
        samples = product.read_audio(recording.path)
        yield _clip(samples, speech_bounds_s(samples), f"sc:{recording.path}", seed,
                    recording.label, recording.text, "speech_commands", recording.speaker)


def synthesized_evaluation_clips(seed: int, budget: Budget, cache: Path) -> Iterator[Clip]:
    """Every phrase and every sound-alike in the held-out voices (the validation renderings
    of the data set, clean)."""
    items = positive_items(budget) + [("background", text) for text in
                                      texts.negative_texts()[: budget.negative_texts]]
    planned = []
    for label, text in items:
        counts = budget.phrase_voices if label != "background" else budget.negative_voices
        planned += [(label, text, voice, request) for voice, request
                    in voices_for(text, counts, seed) if voice.split == "validation"]
    audio = SpeechCache(cache / "speech").get_many(request for *_, request in planned)
    for label, text, voice, request in planned:
        speech = audio[request]
        if len(speech) == 0:
            continue
        key = f"{voice.speaker}:{request.speed}:{request.pitch}:{text}"
        yield _clip(speech, (0.0, len(speech) / SAMPLE_RATE_HZ), key, seed, label, text,
                    voice.engine, voice.speaker)
