"""The tuning negatives heard as the product hears them: through its staggered lanes.

In quiet the product starts each lane afresh (assistant/hearing/spotter/lanes.py), so a word
alone after a pause is scored from a fresh start, three times over at different offsets; a
long stream scored from one start (as training streams clips) sees it once and differently.
Measured on the wake-word stream: words that never fired on one stream fired `ready` through
the lanes. Thresholds are therefore picked on the lanes' own scores: the audio is cut where
each lane starts afresh, each piece streamed from a reset (features cached by content), and
every frame keeps its time on the stream's 80 ms grid, for the utterance gate's mask and for
merging the lanes of one stream (an event all three fire counts once).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from assistant.hearing.recognizers.spotter_engine import dithered
from assistant.hearing.spotter.features import CHUNK_SAMPLES, SAMPLE_RATE_HZ
from assistant.hearing.spotter.head import Head
from assistant.hearing.spotter.lanes import LANES, ResetSchedule, is_quiet
from training.features import compute_features
from training.train import stream_scores


@dataclass
class LaneStream:
    """One lane's pieces of one tuning stream: embeddings from each fresh start, and where
    each piece begins on the stream's frame grid."""

    name: str
    pieces: list[np.ndarray]
    first_frames: list[int]
    released: np.ndarray | None = None
    """Per frame of the whole stream: whether the utterance gate would release a detection."""

    def scores(self, head: Head, priming: np.ndarray) -> np.ndarray:
        """The head's scores of every frame of this lane, in time order."""
        return np.concatenate([stream_scores(head, piece, priming) for piece in self.pieces])

    def frame_indices(self) -> np.ndarray:
        """Each scored frame's index on the stream's 80 ms grid."""
        return np.concatenate([first + np.arange(len(piece)) for first, piece
                               in zip(self.first_frames, self.pieces, strict=True)])

    def gated(self, series: np.ndarray) -> np.ndarray:
        """A score series with the frames the utterance gate would hold back set to 0."""
        if self.released is None:
            return series
        return series * self.released[self.frame_indices()]


def lane_pieces(samples: np.ndarray, lanes: int = LANES) -> list[list[tuple[int, int]]]:
    """Per lane, the (start, end) sample ranges between its fresh starts, 80 ms chunk by chunk
    as the product decides them."""
    schedule = ResetSchedule(lanes)
    whole = len(samples) // CHUNK_SAMPLES * CHUNK_SAMPLES
    starts = [0] * lanes
    pieces: list[list[tuple[int, int]]] = [[] for _ in range(lanes)]
    for begin in range(0, whole, CHUNK_SAMPLES):
        end = begin + CHUNK_SAMPLES
        quiet = is_quiet(samples[begin:end])
        for lane in schedule.after_chunk(CHUNK_SAMPLES / SAMPLE_RATE_HZ, quiet):
            pieces[lane].append((starts[lane], end))
            starts[lane] = end
    for lane in range(lanes):
        if starts[lane] < whole:
            pieces[lane].append((starts[lane], whole))
    return pieces


def lane_streams(streams: list[tuple[str, np.ndarray]], cache_root: Path,
                 workers: int) -> list[LaneStream]:
    """Every lane of every named stream (stream by stream, lane by lane), features cached."""
    cut = [(name, samples, lane_pieces(samples))
           for name, samples in ((name, dithered(audio, np.random.default_rng(0)))
                                 for name, audio in streams)]

    def audio() -> Iterator[np.ndarray]:
        for _, samples, lanes in cut:
            for pieces in lanes:
                yield from (samples[start:end] for start, end in pieces)

    count = sum(len(pieces) for *_, lanes in cut for pieces in lanes)
    features = iter(tqdm(compute_features(audio(), cache_root, workers), total=count,
                         desc="tuning negatives, lane by lane", unit="piece", mininterval=5))
    found = []
    for name, _, lanes in cut:
        for pieces in lanes:
            embeddings = [next(features) for _ in pieces]
            firsts = [start // CHUNK_SAMPLES for start, _ in pieces]
            found.append(LaneStream(name, embeddings, firsts))
    return found


def per_stream(lanes: list[LaneStream], series: list[np.ndarray]) -> dict[str, np.ndarray]:
    """Each stream's score series as its lanes together fire it: per frame of the stream's
    grid, the highest of its lanes' scores (one event heard by three lanes counts once)."""
    merged: dict[str, np.ndarray] = {}
    for lane, scores in zip(lanes, series, strict=True):
        indices = lane.frame_indices()
        frames = int(indices.max(initial=-1)) + 1
        current = merged.setdefault(lane.name, np.zeros(frames))
        if len(current) < frames:
            current = merged[lane.name] = np.pad(current, (0, frames - len(current)))
        np.maximum.at(current, indices, scores)
    return merged
