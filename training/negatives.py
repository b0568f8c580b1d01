"""Long non-command audio per split: read speech, wake words, other words, prose, own cues, noise.

For hard-negative mining (train) and false activations per hour (validation): each stream is
one long int16 array of pieces joined by short pauses, at a talker's level (-26 dBFS), without
added noise (the caller mixes what it measures), except the cues, which are always heard
through a room as the microphone hears the assistant.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from training import augment, layout, product, sources, texts
from training.clips import rng_for
from training.layout import Budget
from training.product import SAMPLE_RATE_HZ, Samples
from training.synth import SpeechCache
from training.synthesized import cue_requests, prose_renderings

LEVEL_DBFS = -26.0
PAUSE_RANGE_S = (0.3, 1.2)


def join(pieces: Iterable[Samples | np.ndarray], rng: np.random.Generator) -> Samples:
    """Pieces brought to one level and joined by pauses of faint noise."""
    parts: list[np.ndarray] = []
    for piece in pieces:
        if len(piece) == 0:
            continue
        pause = int(rng.uniform(*PAUSE_RANGE_S) * SAMPLE_RATE_HZ)
        parts.append(product.coloured_noise("pink", pause, rng) * 3.0)
        parts.append(product.normalize_level(piece, LEVEL_DBFS))
    if not parts:
        return np.zeros(0, dtype=np.int16)
    return product.to_int16(np.concatenate(parts))


#: The stream of cues that say a safety word themselves ("Stopping now.", "Help is being
#: called."): the assistant says them only once the walker is halted or the session ends, so
#: a safety intent heard in them changes nothing, and safety thresholds are not tuned on them.
HALTED_CUES = "cues_while_halted"


def says_safety_word(text: str) -> bool:
    """Whether a cue says a word that begins with a one-word safety phrase ("Stopping")."""
    words = product.safety_words()
    return any(word.startswith(words) for word in product.normalize(text).split())


def cue_stream(seed: int, budget: Budget, speech: SpeechCache, split: str,
               halted: bool) -> Iterator[Samples]:
    """Every cue at the split's rates (those that say a safety word, or the others), each
    through its own random room."""
    rates = [rate for rate in budget.cue_rates_wpm
             if (rate in budget.cue_validation_rates_wpm) == (split == "validation")]
    texts = [text for text in product.cue_texts()[: budget.cue_texts]
             if says_safety_word(text) == halted]
    requests = cue_requests(texts, rates)
    audio = speech.get_many(requests)
    for request in requests:
        rng = rng_for(seed, f"long-cue:{request.speed}:{request.text}")
        rt60_s = float(rng.uniform(*augment.RT60_RANGE_S))
        yield product.to_int16(augment.reverberate(audio[request], rt60_s, rng))


def shared_streams(seed: int, shared: Path, cache: Path, kathleen_split: str,
                   split: str) -> Iterator[tuple[str, Samples]]:
    """Streams of real recordings: kathleen (in her split), wake words, other words."""
    rng = rng_for(seed, f"long-shared:{split}")
    kathleen = sources.kathleen_in_split(shared, kathleen_split, split)
    if kathleen:
        yield "kathleen", join((product.read_audio(r.path) for r in kathleen), rng)
    yield "wake_words", join((samples for _, s, samples in sources.wake_word_audio(shared, cache)
                              if s == split), rng)
    others = [r for r in sources.speech_commands(shared)
              if r.label == "background" and sources.split_of(r.speaker) == split]
    yield "speech_commands_other_words", join((product.read_audio(r.path) for r in others), rng)


def long_negative_streams(seed: int, budget: Budget, shared: Path | None, cache: Path,
                          kathleen_split: str, split: str) -> Iterator[tuple[str, Samples]]:
    """Every long negative stream of one split, as (description, samples)."""
    speech = SpeechCache(cache / "speech")
    rng = rng_for(seed, f"long:{split}")
    if shared is not None:
        yield from shared_streams(seed, shared, cache, kathleen_split, split)
    sentences = texts.prose_sentences(shared)[: budget.prose_texts]
    prose = prose_renderings(sentences, budget.prose_voices, seed, speech, split)
    if prose:
        yield "prose", join(prose, rng)
    yield "cues", join(cue_stream(seed, budget, speech, split, halted=False), rng)
    yield HALTED_CUES, join(cue_stream(seed, budget, speech, split, halted=True), rng)
    banks = layout.basic_banks(shared, seed, budget.uses_shared_data)
    for name in banks[split].names:
        bed = banks[split].beds[name]
        yield f"noise:{name}", join([bed[: 60 * SAMPLE_RATE_HZ]], rng)
