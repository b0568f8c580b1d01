"""A synthesized walker: espeak-ng speaks phrases to 16 kHz audio, placed on a timeline.

Used by `retrowalk demo`, the tests and the benchmarks.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.audio.chunks import Samples, mix_at, silence
from assistant.core.events import SAMPLE_RATE_HZ
from assistant.speaking.espeak import SpeakerStyle, synthesize


@dataclass(frozen=True)
class SpokenPhrase:
    """A phrase the walker says at `at_s` seconds into the recording."""

    at_s: float
    text: str
    style: SpeakerStyle = SpeakerStyle()


def walker_recording(phrases: list[SpokenPhrase], total_s: float) -> tuple[Samples, list[float]]:
    """A recording of `total_s` seconds with each phrase spoken at its time.

    Returns the samples and, for each phrase, the time its last word ends (for latency)."""
    recording = silence(total_s)
    ends_s: list[float] = []
    for phrase in phrases:
        spoken = synthesize(phrase.text, phrase.style)
        recording = mix_at(recording, spoken, phrase.at_s)
        ends_s.append(phrase.at_s + len(spoken) / SAMPLE_RATE_HZ)
    return recording[: int(total_s * SAMPLE_RATE_HZ)], ends_s
