"""Clips of synthesized speech: every phrase in many voices, sound-alikes, prose, the own cues.

Which voice says what is drawn per text from the seed, then all renderings are fetched at
once (cached, two child processes at a time), then each becomes clips of its voice's split.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from training import product, voices
from training.augment import NoiseBank
from training.clips import (
    Clip,
    Origin,
    long_speech_clips,
    preceded_clips,
    rng_for,
    speech_clip,
)
from training.product import Samples
from training.synth import CUE_VOICE, SpeechCache, SpeechRequest
from training.voices import Voice


@dataclass(frozen=True)
class VoiceCounts:
    """How many renderings of one text, per engine and split."""

    espeak_train: int
    espeak_validation: int
    mbrola_train: int = 0
    mbrola_validation: int = 0
    pico_train: int = 0
    pico_validation: int = 0


def voices_for(text: str, counts: VoiceCounts, seed: int) -> list[tuple[Voice, SpeechRequest]]:
    """The voices (and prosody) that say `text`, drawn from the seed and the text."""
    rng = rng_for(seed, f"voices:{text}")
    plan = [(voices.espeak_voices("train"), counts.espeak_train),
            (voices.espeak_voices("validation"), counts.espeak_validation),
            (voices.mbrola_voices("train"), counts.mbrola_train),
            (voices.mbrola_voices("validation"), counts.mbrola_validation),
            (voices.pico_voices("train"), counts.pico_train),
            (voices.pico_voices("validation"), counts.pico_validation)]
    chosen = [voice for pool, count in plan for voice in voices.pick_voices(pool, count, rng)]
    return [(voice, voices.request_for(voice, text, rng)) for voice in chosen]


def phrase_clips(items: list[tuple[str, str]], counts: VoiceCounts, seed: int,
                 cache: SpeechCache, banks: dict[str, NoiseBank]) -> Iterator[Clip]:
    """Each (label, text) spoken by its drawn voices, one short clip per rendering."""
    planned = [(label, text, voice, request) for label, text in items
               for voice, request in voices_for(text, counts, seed)]
    audio = cache.get_many(request for *_, request in planned)
    for label, text, voice, request in planned:
        speech = audio[request]
        if len(speech) == 0 or (label != "background" and is_product_voice(voice)):
            # Nothing said gives no clip; the assistant's own voice must never be a command.
            continue
        key = f"{voice.speaker}:{request.speed}:{request.pitch}:{text}"
        origin = Origin(label, text, voice.engine, voice.speaker, voice.split)
        yield speech_clip(speech, origin, rng_for(seed, key), banks[voice.split])
        yield from preceded_clips(speech, origin, key, seed, banks[voice.split])


def is_product_voice(voice: Voice) -> bool:
    """Whether `voice` is the one the assistant speaks its cues in."""
    if voice.engine == "pico":
        return voice.name == voices.PRODUCT_PICO_VOICE
    return voice.engine == "espeak-ng" and voice.name in voices.PRODUCT_VOICES


def prose_clips(sentences: list[str], counts: VoiceCounts, seed: int, cache: SpeechCache,
                banks: dict[str, NoiseBank]) -> Iterator[Clip]:
    """Prose read by drawn voices, cut into background windows."""
    planned = [(text, voice, request) for text in sentences
               for voice, request in voices_for(text, counts, seed)]
    audio = cache.get_many(request for *_, request in planned)
    for text, voice, request in planned:
        key = f"prose:{voice.speaker}:{request.speed}:{request.pitch}:{text}"
        origin = Origin("background", f"prose:{text[:60]}", "prose", voice.speaker, voice.split)
        yield from long_speech_clips(audio[request], origin, rng_for(seed, key),
                                     banks[voice.split])


def prose_renderings(sentences: list[str], groups: tuple[VoiceCounts, ...], seed: int,
                     cache: SpeechCache, split: str) -> list[Samples]:
    """The prose as read by the split's voices: sentence i is read by the voices of
    `groups[i % len(groups)]` (the same renderings the prose clips use)."""
    wanted = [request for index, text in enumerate(sentences)
              for voice, request in voices_for(text, groups[index % len(groups)], seed)
              if voice.split == split]
    audio = cache.get_many(wanted)
    return [audio[request] for request in wanted]


def cue_requests(texts: list[str], rates_wpm: list[int]) -> list[SpeechRequest]:
    """Every cue at every rate, in each of the product's own voices."""
    return [SpeechRequest("cue", voice, text, rate, 0)
            for voice in voices.CUE_VOICES for text in texts for rate in rates_wpm]


def cue_clips(texts: list[str], rates_wpm: list[int], validation_rates_wpm: tuple[int, ...],
              seed: int, cache: SpeechCache, banks: dict[str, NoiseBank]) -> Iterator[Clip]:
    """Every cue as the product says it, always through a room, cut into windows.

    The own voice is known, not an unseen speaker: validation holds out speaking rates."""
    requests = cue_requests(texts, rates_wpm)
    audio = cache.get_many(requests)
    for request in requests:
        split = "validation" if request.speed in validation_rates_wpm else "train"
        speaker = f"cue:{cue_voice_name(request.voice)}:{request.speed}wpm"
        origin = Origin("background", f"cue:{request.text}", "cue", speaker, split)
        yield from long_speech_clips(audio[request], origin,
                                     rng_for(seed, f"cue:{request.speed}:{request.text}"),
                                     banks[split], reverb_share=1.0)


def cue_voice_name(voice: str) -> str:
    """How the data card names a cue voice ("pyttsx3 (eSpeak NG)", "SVOX Pico (pico2wave)")."""
    return product.cue_voice_description(CUE_VOICE if voice == "default" else voice)
