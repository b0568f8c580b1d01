"""Several fitted heads merge into one ordinary head whose logits are their mean."""

from __future__ import annotations

import numpy as np

from assistant.hearing.spotter.head import BACKGROUND, Head
from training.train import TrainSettings, fit_ensemble, merge_heads

LABELS = (BACKGROUND, "stop", "yes")
WINDOW = 2


def _settings(seed: int, members: int = 1) -> TrainSettings:
    """A small, quick fit that weighs every label the same."""
    return TrainSettings(seed=seed, window_frames=WINDOW, hidden_units=8, epochs=300,
                         background_weight=1.0, members=members)


def _logits(head: Head, windows: np.ndarray) -> np.ndarray:
    """The output layer's values before the softmax."""
    values = (windows - head.mean) / head.scale
    hidden = np.maximum(values @ head.weights[0] + head.biases[0], 0.0)
    return np.asarray(hidden @ head.weights[1] + head.biases[1], np.float64)


def _data(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Three separable clouds of windows, one per label."""
    rng = np.random.default_rng(seed)
    targets = np.repeat(np.arange(len(LABELS)), 60)
    inputs = rng.normal(size=(len(targets), WINDOW * 96)) + targets[:, None] * 1.5
    return inputs.astype(np.float16), targets


def test_merged_scores_are_the_softmax_of_the_members_mean_logits() -> None:
    inputs, targets = _data(3)
    members = [fit_ensemble(inputs, targets, LABELS, _settings(seed)) for seed in (5, 6)]
    merged = merge_heads(members)
    windows = inputs[:10].astype(np.float32)
    mean_logits = np.mean([_logits(head, windows) for head in members], axis=0)
    expected = np.exp(mean_logits - mean_logits.max(axis=1, keepdims=True))
    expected /= expected.sum(axis=1, keepdims=True)
    assert merged.weights[0].shape == (WINDOW * 96, 16)
    assert np.allclose(merged.scores(windows), expected, atol=1e-5)


def test_an_ensemble_fit_uses_successive_seeds_and_learns() -> None:
    inputs, targets = _data(4)
    alone = [fit_ensemble(inputs, targets, LABELS, _settings(seed)) for seed in (5, 6)]
    together = fit_ensemble(inputs, targets, LABELS, _settings(5, members=2))
    windows = inputs.astype(np.float32)
    assert np.allclose(together.scores(windows), merge_heads(alone).scores(windows))
    assert np.mean(together.scores(windows).argmax(axis=1) == targets) > 0.9
