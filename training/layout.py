"""What the data set is made of, per size: how many of each source, and the order they come in.

`budget_for("full")` is sized so that the front end's features of every clip can be computed in
about 15 minutes on two cores (about 20,000 clips of about 2 s); "tiny" is a few dozen clips of
espeak-ng speech, coloured noise and two cues, for tests, with no shared data needed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from training import augment, product, sources, texts
from training.augment import NoiseBank
from training.clips import Clip, Origin, plain_clip, rng_for
from training.synth import SpeechCache
from training.synthesized import (
    VoiceCounts,
    cue_clips,
    phrase_clips,
    prose_clips,
    prose_renderings,
)

#: Modules whose code decides the clips (a change in any of them rebuilds the cached set).
DATASET_MODULES = ("augment.py", "clips.py", "dataset.py", "layout.py", "product.py",
                   "sources.py", "synth.py", "synthesized.py", "texts.py", "voices.py")
CLIP_S = 2.0
BABBLE_S = 60.0
SAMPLE_RATE_HZ = product.SAMPLE_RATE_HZ


@dataclass(frozen=True)
class Budget:
    """How much of each source one size of the data set holds."""

    phrase_voices: VoiceCounts
    phrases_per_intent: int | None
    negative_voices: VoiceCounts
    negative_texts: int | None
    prose_voices: tuple[VoiceCounts, ...]
    prose_texts: int | None
    cue_texts: int | None
    cue_rates_wpm: tuple[int, ...]
    cue_validation_rates_wpm: tuple[int, ...]
    speech_command_copies: int
    other_word_copies: int
    uses_shared_data: bool
    #: Clips per split of noise alone, low-level silence, digital silence, clicks.
    plain_clips: dict[str, int] = field(default_factory=dict)


TINY = Budget(
    phrase_voices=VoiceCounts(1, 1), phrases_per_intent=1,
    negative_voices=VoiceCounts(1, 1), negative_texts=3,
    prose_voices=(VoiceCounts(1, 1),), prose_texts=1,
    cue_texts=2, cue_rates_wpm=(140, 120), cue_validation_rates_wpm=(120,),
    speech_command_copies=0, other_word_copies=0, uses_shared_data=False,
    plain_clips={"noise": 1, "silence": 1, "digital_silence": 1, "clicks": 1},
)
FULL = Budget(
    phrase_voices=VoiceCounts(espeak_train=40, espeak_validation=10, mbrola_train=9,
                              mbrola_validation=3, pico_train=4, pico_validation=4),
    phrases_per_intent=None,
    negative_voices=VoiceCounts(espeak_train=10, espeak_validation=3, mbrola_train=3,
                                mbrola_validation=1, pico_train=1, pico_validation=1),
    negative_texts=None,
    # Every sentence read once for training (espeak-ng, MBROLA, Pico in turn), half of them
    # once more by a held-out voice for validation.
    prose_voices=(VoiceCounts(1, 1), VoiceCounts(0, 0, mbrola_train=1),
                  VoiceCounts(0, 0, pico_train=1, mbrola_validation=1), VoiceCounts(1, 0),
                  VoiceCounts(0, 0, mbrola_train=1, pico_validation=1),
                  VoiceCounts(0, 0, pico_train=1)),
    prose_texts=None,
    cue_texts=None, cue_rates_wpm=(100, 120, 140, 160, 180),
    cue_validation_rates_wpm=(160,),
    speech_command_copies=3, other_word_copies=2, uses_shared_data=True,
    plain_clips={"noise": 300, "silence": 60, "digital_silence": 20, "clicks": 80},
)


def budget_for(size: str) -> Budget:
    """The budget of a size name ("tiny" or "full")."""
    budgets = {"tiny": TINY, "full": FULL}
    if size not in budgets:
        raise ValueError(f"size must be one of {sorted(budgets)}, not {size!r}")
    return budgets[size]


def positive_items(budget: Budget) -> list[tuple[str, str]]:
    """(intent, phrase) for every phrase of the table (the first few per intent if limited)."""
    table = product.command_phrases()
    return [(intent, phrase) for intent, phrases in table.items()
            for phrase in phrases[: budget.phrases_per_intent]]


def basic_banks(shared: Path | None, seed: int, uses_shared: bool) -> dict[str, NoiseBank]:
    """Per split: coloured noise (seeded per split) and, with shared data, the real noises."""
    banks = {}
    for index, split in enumerate(("train", "validation")):
        rng = np.random.default_rng([seed, 7919, index])
        beds = {f"{colour}_noise": product.coloured_noise(colour, 10 * SAMPLE_RATE_HZ, rng)
                for colour in ("white", "pink", "brown")}
        if uses_shared and shared is not None:
            beds |= sources.noise_beds(shared, split)
        banks[split] = NoiseBank(beds)
    return banks


def add_babble(banks: dict[str, NoiseBank], prose: list[str], budget: Budget, seed: int,
               speech: SpeechCache) -> None:
    """A babble bed in each split's bank, talked by that split's prose voices only."""
    for split, bank in banks.items():
        talks = prose_renderings(prose, budget.prose_voices, seed, speech, split)
        rng = np.random.default_rng([seed, 104729, len(split)])
        bank.add("babble", augment.babble(talks, BABBLE_S, rng))
        bank.talks = [talk for talk in talks if len(talk)]


def plain_clips(budget: Budget, seed: int, banks: dict[str, NoiseBank]) -> Iterator[Clip]:
    """Noise alone, faint silence, digital silence and clicks, per split."""
    length = int(CLIP_S * SAMPLE_RATE_HZ)
    for split, bank in banks.items():
        for kind, count in budget.plain_clips.items():
            for index in range(count):
                rng = rng_for(seed, f"{kind}:{split}:{index}")
                text, samples = _plain(kind, bank, length, rng)
                yield plain_clip(samples, Origin("background", text, kind, f"{kind}:{split}",
                                                 split))


def _plain(kind: str, bank: NoiseBank, length: int,
           rng: np.random.Generator) -> tuple[str, np.ndarray]:
    if kind == "noise":
        name, samples = augment.noise_only(bank, length, rng)
        return f"noise:{name}", samples
    if kind == "silence":
        floor = product.coloured_noise("pink", length, rng) * 32768 * 10 ** (
            rng.uniform(-90.0, -65.0) / 20)
        return "silence", product.to_int16(floor)
    if kind == "digital_silence":
        return "digital_silence", np.zeros(length, dtype=np.int16)
    return "clicks", augment.clicks(length, rng)


def all_clips(seed: int, budget: Budget, shared: Path | None, cache: Path,
              kathleen_split: str) -> Iterator[Clip]:
    """Every clip of a budget, source by source, in a stable order."""
    speech = SpeechCache(cache / "speech")
    real = shared if budget.uses_shared_data else None
    if budget.uses_shared_data and real is None:
        raise FileNotFoundError("the full data set needs the shared data (../shared/data "
                                "or RETROWALK_SHARED_DATA)")
    banks = basic_banks(real, seed, budget.uses_shared_data)
    prose = texts.prose_sentences(real)[: budget.prose_texts]
    add_babble(banks, prose, budget, seed, speech)
    prose_groups = [prose[i :: len(budget.prose_voices)] for i in range(len(budget.prose_voices))]
    prose_out = [clip for group, counts in zip(prose_groups, budget.prose_voices, strict=True)
                 for clip in prose_clips(group, counts, seed, speech, banks)]
    yield from phrase_clips(positive_items(budget), budget.phrase_voices, seed, speech, banks)
    negatives = [("background", text) for text in texts.negative_texts()[: budget.negative_texts]]
    yield from phrase_clips(negatives, budget.negative_voices, seed, speech, banks)
    yield from prose_out
    cue_texts = product.cue_texts()[: budget.cue_texts]
    yield from cue_clips(cue_texts, list(budget.cue_rates_wpm),
                         budget.cue_validation_rates_wpm, seed, speech, banks)
    yield from plain_clips(budget, seed, banks)
    if real is not None:
        yield from sources.speech_command_clips(real, seed, budget.speech_command_copies,
                                                budget.other_word_copies, banks)
        yield from sources.wake_word_clips(real, seed, cache, banks)
        yield from sources.kathleen_clips(real, seed, kathleen_split, banks)


def long_negatives(seed: int, budget: Budget, shared: Path | None, cache: Path,
                   kathleen_split: str, split: str) -> Iterator[tuple[str, np.ndarray]]:
    """Long non-command audio of one split (see dataset.long_negative_audio)."""
    from training.negatives import long_negative_streams

    yield from long_negative_streams(seed, budget, shared if budget.uses_shared_data else None,
                                     cache, kathleen_split, split)
