"""The double-talk streams of the echo benchmark: runs of cues with the walker's "stop" over
them, and the same words with no echo at all (what the recognizer hears at best)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from assistant.audio.chunks import Samples
from assistant.core.events import SAMPLE_RATE_HZ
from benchmarks.echo_data import household_noise
from benchmarks.echo_room import (
    Room,
    Stream,
    WalkerWord,
    add_floor,
    add_noise,
    add_word,
    cue_stream,
)

#: Cues shorter than this (seconds) carry no stop: the word must lie inside the cue.
MIN_CUE_S = 2.5
#: Cues per stream; the first carries no stop (the canceller's first cue of the session).
CUES_PER_STREAM = 5
#: Real clips per stream; the other words are synthesized.
REAL_PER_STREAM = 3
#: Audio kept around each word in the echo-free stream (seconds before, after).
ALONE_BEFORE_S, ALONE_AFTER_S = 1.0, 2.0


def stop_streams(cues: list[tuple[str, Samples]], words: list[tuple[str, Samples]],
                 rooms: tuple[Room, ...], room_noise: dict[int, str | None],
                 snrs_db: tuple[float, ...], seed: int, floor_rms: float,
                 noise_rms: float) -> Iterator[tuple[int, float, Stream, Stream]]:
    """For each room and level: (room index, level, the stream, the walker-alone stream)."""
    long_cues = [cue for cue in cues if len(cue[1]) >= MIN_CUE_S * SAMPLE_RATE_HZ]
    real = [w for w in words if w[0].startswith("real:")]
    synthetic = [w for w in words if not w[0].startswith("real:")]
    condition = 0
    for index, noise_name in room_noise.items():
        noise = household_noise(noise_name) if noise_name else None
        for snr_db in snrs_db:
            chosen = [long_cues[(condition * 5 + j) % len(long_cues)]
                      for j in range(CUES_PER_STREAM)]
            stream = cue_stream(chosen, rooms[index], seed + index)
            add_floor(stream, floor_rms, seed + 300 + condition)
            if noise is not None:
                add_noise(stream, noise, noise_rms, seed + 400 + condition)
            spoken = _words_for(condition, real, synthetic)
            _place_words(stream, spoken, snr_db, seed + 500 + condition)
            yield index, snr_db, stream, walker_alone(stream)
            condition += 1


def _words_for(condition: int, real: list[tuple[str, Samples]],
               synthetic: list[tuple[str, Samples]]) -> list[tuple[str, Samples]]:
    """This stream's words: its own real clips (none reused), then synthesized ones."""
    own = real[condition * REAL_PER_STREAM : (condition + 1) * REAL_PER_STREAM]
    wanted = CUES_PER_STREAM - 1 - len(own)
    return own + [synthetic[(condition + j) % len(synthetic)] for j in range(wanted)]


def _place_words(stream: Stream, spoken: list[tuple[str, Samples]], snr_db: float,
                 seed: int) -> None:
    """One word inside each cue after the first, at a random point of it."""
    rng = np.random.default_rng(seed)
    for playback, (source, word) in zip(stream.playbacks[1:], spoken, strict=False):
        room = max(len(playback.samples) - len(word), 0)
        at = playback.start + int(rng.uniform(0.15, 0.85) * room)
        add_word(stream, word, at, snr_db, source)


def walker_alone(stream: Stream) -> Stream:
    """The same words and noise with no echo: a window around each word, one after another."""
    before, after = int(ALONE_BEFORE_S * SAMPLE_RATE_HZ), int(ALONE_AFTER_S * SAMPLE_RATE_HZ)
    walker, noise, words, cursor = [], [], [], 0
    for word in stream.words:
        low, high = max(word.start - before, 0), min(word.end + after, len(stream.walker))
        walker.append(stream.walker[low:high])
        noise.append(stream.noise[low:high])
        words.append(WalkerWord(cursor + word.start - low, cursor + word.end - low, word.source))
        cursor += high - low
    joined = np.concatenate(walker)
    zeros = np.zeros(len(joined))
    return Stream(zeros, zeros.copy(), joined, np.concatenate(noise), [], words)
