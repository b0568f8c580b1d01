"""The spotter benchmark's audio: validation speakers and held-out voices, quiet or in noise.

Real people are the Speech Commands speakers of the validation split (stop, yes, no, and the
words that are not commands); synthesized speech is every phrase of the table in held-out
voices. Each utterance is placed with a lead and a tail, then left quiet or mixed with the
validation part of a real household noise at a chosen SNR.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from training import product, sources, voices
from training.clips import rng_for, speech_bounds_s
from training.synth import SpeechCache

LEAD_S = 0.6
TAIL_S = 1.4
CONDITIONS = ("quiet", "10 dB", "5 dB")
SNR_DB = {"10 dB": 10.0, "5 dB": 5.0}
SYNTH_VOICES_PER_PHRASE = 5
RATE = product.SAMPLE_RATE_HZ


@dataclass(frozen=True)
class Utterance:
    """One clean utterance: audio, what it is, who said it, where the speech lies."""

    samples: np.ndarray
    label: str
    """An intent, or "background" for a word that is not a command."""
    text: str
    group: str
    """"people" or "synthesized"."""
    speaker: str
    speech_start_s: float
    speech_end_s: float


def people(shared: Path) -> list[Utterance]:
    """Speech Commands clips of the validation speakers."""
    found = []
    for recording in sources.speech_commands(shared):
        if sources.split_of(recording.speaker) != "validation":
            continue
        samples = product.read_audio(recording.path)
        start_s, end_s = speech_bounds_s(samples)
        found.append(Utterance(samples, recording.label, recording.text, "people",
                               recording.speaker, start_s, end_s))
    return found


def synthesized(seed: int, cache: Path) -> list[Utterance]:
    """Every phrase of the table in held-out voices (espeak-ng, MBROLA, Pico)."""
    held_out = (voices.espeak_voices("validation") + voices.mbrola_voices("validation")
                + voices.pico_voices("validation"))
    planned = []
    for intent, phrases in product.command_phrases("en").items():
        for phrase in phrases:
            rng = rng_for(seed, f"spotter-eval:{phrase}")
            for voice in voices.pick_voices(held_out, SYNTH_VOICES_PER_PHRASE, rng):
                planned.append((intent, voice, voices.request_for(voice, phrase, rng)))
    audio = SpeechCache(cache / "speech").get_many(request for *_, request in planned)
    found = []
    for intent, voice, request in planned:
        speech = audio[request]
        if len(speech):
            samples = product.to_int16(product.normalize_level(speech))
            found.append(Utterance(samples, intent, request.text, "synthesized", voice.speaker,
                                   0.0, len(speech) / RATE))
    return found


def sound_alikes(seed: int) -> list[Utterance]:
    """The data set's sound-alike negatives ("top", "stopping", ...) in held-out voices."""
    from training.dataset import DatasetSettings, evaluation_clips

    found = []
    for clip in evaluation_clips(DatasetSettings(seed=seed, size="full")):
        if clip.label == "background" and clip.source != "speech_commands":
            found.append(Utterance(clip.samples, "background", f"synth:{clip.text}",
                                   "synthesized", clip.speaker, 0.0, len(clip.samples) / RATE))
    return found


def noise_beds(shared: Path) -> list[np.ndarray]:
    """The validation part of each real household noise."""
    return list(sources.noise_beds(shared, "validation").values())


def in_condition(
    utterance: Utterance, condition: str, beds: list[np.ndarray], index: int
) -> tuple[np.ndarray, float]:
    """The utterance placed with a lead and a tail, in a condition; and its speech end (s)."""
    rng = np.random.default_rng([index, len(condition)])
    lead, tail = int(LEAD_S * RATE), int(TAIL_S * RATE)
    speech = utterance.samples.astype(np.float64)
    placed = np.concatenate((np.zeros(lead), speech, np.zeros(tail)))
    # A faint floor, as any microphone has (digital silence is its own, rarer case).
    floor = product.coloured_noise("pink", len(placed), rng) * 3.0
    if condition == "quiet":
        return product.to_int16(placed + floor), LEAD_S + utterance.speech_end_s
    bed = beds[index % len(beds)]
    noise = product.loop_to_length(bed, len(placed), rng)
    active = speech[int(utterance.speech_start_s * RATE) : int(utterance.speech_end_s * RATE)]
    noise = product.scale_noise_for_snr(active if len(active) else speech, noise,
                                        SNR_DB[condition])
    return product.to_int16(placed + noise + floor), LEAD_S + utterance.speech_end_s
