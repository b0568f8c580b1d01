"""The spotter head's arithmetic and decision rule, on a small hand-made head."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from assistant.hearing.spotter.features import Features
from assistant.hearing.spotter.head import Decider, Detector, Head, load_head, sliding_windows

LABELS = ("background", "stop", "yes")


def _head(thresholds=(2.0, 0.6, 0.9), consecutive=(1, 2, 1), window_frames=2) -> Head:
    """A head whose logits are the first three values of the newest embedding, times 10."""
    size = window_frames * 96
    weight = np.zeros((size, 3), np.float32)
    for label in range(3):
        weight[(window_frames - 1) * 96 + label, label] = 10.0
    return Head((weight,), (np.zeros(3, np.float32),), LABELS,
                np.array(thresholds, np.float32), np.array(consecutive, np.int64),
                window_frames, 1.0, np.zeros(size, np.float32), np.ones(size, np.float32))


def _frames(winners: list[int]) -> np.ndarray:
    """Embeddings whose newest frame makes the given label win clearly."""
    frames = np.zeros((len(winners), 96), np.float32)
    frames[np.arange(len(winners)), winners] = 1.0
    return frames


def test_scores_are_a_softmax() -> None:
    scores = _head().scores(sliding_windows(_frames([0, 1, 2]), 2))
    assert scores.shape == (2, 3)
    assert np.allclose(scores.sum(axis=1), 1.0)
    assert scores.argmax(axis=1).tolist() == [1, 2]


def test_a_label_fires_after_its_frames_in_a_row_then_is_quiet() -> None:
    decider = Decider(_head())
    strong = np.array([0.0, 0.99, 0.0])
    fired = [decider.step(strong, 0.08 * (i + 1)) for i in range(20)]
    times = [round(d.at_s, 2) for d in fired if d is not None]
    # Two frames in a row, then 1 s of refractory time, then two frames again.
    assert times == [0.16, 1.20]
    assert all(d.label == "stop" for d in fired if d is not None)


def test_a_broken_run_starts_again_and_background_never_fires() -> None:
    decider = Decider(_head())
    rows = [[0.0, 0.7, 0.0], [1.0, 0.1, 0.0], [0.0, 0.7, 0.0], [1.0, 0.0, 0.0]]
    assert [decider.step(np.array(r), 0.08 * i) for i, r in enumerate(rows)] == [None] * 4


def test_the_detector_streams_in_audio_time(tmp_path: Path) -> None:
    head = _head()
    head.save(tmp_path / "head.npz")
    loaded = load_head(tmp_path / "head.npz")
    assert loaded.labels == LABELS and loaded.window_frames == 2
    detector = Detector(loaded, _frames([0, 0, 0]))
    frames = _frames([0, 2, 0, 0])
    ends = 1280 * np.arange(1, 5, dtype=np.int64)
    found = detector.push(Features(frames[:2], ends[:2])) + detector.push(
        Features(frames[2:], ends[2:]))
    assert [(d.label, round(d.at_s, 2)) for d in found] == [("yes", 0.16)]
