"""Utterances placed on one continuous recording, with noise under all of it at a known SNR.

A stream is what a microphone would hear in a hallway: a command, a pause, another command,
with the dishwasher running throughout. Each utterance is brought to the same speech level
first, so that the SNR holds for every one of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from assistant.audio.chunks import Samples
from assistant.core.events import SAMPLE_RATE_HZ
from benchmarks.corpus import Utterance
from benchmarks.noise import (
    COLOURS,
    Floats,
    coloured_noise,
    loop_to_length,
    normalize_level,
    scale_noise_for_snr,
    to_int16,
)

#: Silence before the first utterance, so the recognizer has settled.
LEAD_S = 0.5
#: From the end of one utterance to the start of the next: room for an end-of-utterance
#: final result, and for a late intent to be charged to the right utterance.
GAP_S = 1.2


@dataclass(frozen=True)
class Placement:
    """An utterance on the stream's timeline (seconds from the stream's start)."""

    key: str
    expected: str | None
    text: str
    origin: str
    speaker: str
    start_s: float
    word_end_s: float
    #: Intents up to here (the next utterance's start) are charged to this utterance.
    window_end_s: float


@dataclass
class Stream:
    """A recording to listen to, and what was said in it."""

    name: str
    noise: str
    snr_db: float | None
    samples: Samples
    placements: list[Placement] = field(default_factory=list)

    @property
    def duration_s(self) -> float:
        return len(self.samples) / SAMPLE_RATE_HZ


#: Makes `length` samples of a named noise (unit level is fine: it is scaled for the SNR).
NoiseMaker = Callable[[str, int, np.random.Generator], Floats]


def layout(utterances: list[Utterance], gap_s: float = GAP_S) -> tuple[Floats, list[Placement]]:
    """The clean speech track (each utterance at the common level) and where each one is."""
    rate = SAMPLE_RATE_HZ
    starts = []
    cursor = LEAD_S
    for item in utterances:
        starts.append(cursor)
        cursor += item.duration_s + gap_s
    track = np.zeros(int(round(cursor * rate)) + 1, dtype=np.float64)
    placements = []
    for index, (item, start_s) in enumerate(zip(utterances, starts, strict=True)):
        at = int(round(start_s * rate))
        track[at : at + len(item.samples)] += normalize_level(item.samples)
        window_end_s = starts[index + 1] if index + 1 < len(starts) else cursor
        placements.append(Placement(item.key, item.expected, item.text, item.origin,
                                    item.speaker, start_s, start_s + item.word_end_s,
                                    window_end_s))
    return track, placements


def build_stream(name: str, utterances: list[Utterance], noise: str, snr_db: float | None,
                 make_noise: NoiseMaker, seed: int = 0, gap_s: float = GAP_S) -> Stream:
    """Utterances in a row with `noise` under them at `snr_db` (None: no noise at all)."""
    track, placements = layout(utterances, gap_s)
    if snr_db is not None and noise != "none":
        rng = np.random.default_rng(seed)
        raw_noise = make_noise(noise, len(track), rng)
        track = track + scale_noise_for_snr(track, raw_noise, snr_db)
    return Stream(name, noise, snr_db, to_int16(track), placements)


class NoiseBank:
    """Every noise of the benchmark by name: coloured, babble, and the real recordings."""

    def __init__(self, real: dict[str, Samples], babble_talkers: list[Samples]) -> None:
        self._real = real
        self._talkers = babble_talkers

    @property
    def names(self) -> list[str]:
        names = list(COLOURS)
        if len(self._talkers) >= 2:
            names.append("babble")
        return names + sorted(self._real)

    def make(self, name: str, length: int, rng: np.random.Generator) -> Floats:
        """`length` samples of the named noise."""
        if name in COLOURS:
            return coloured_noise(name, length, rng)
        if name == "babble":
            return self._babble(length, rng)
        return loop_to_length(self._real[name], length, rng)

    def _babble(self, length: int, rng: np.random.Generator) -> Floats:
        # Four talkers at once: a room full of chatter, no single voice stands out.
        mixed = np.zeros(length, dtype=np.float64)
        for talker in self._talkers[:4]:
            mixed += normalize_level(loop_to_length(talker, length, rng))
        return mixed
