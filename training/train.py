"""Windows of feature frames, their targets, the MLP fit and hard-negative mining.

A window is the last `window_frames` embeddings ending at one 80 ms frame. Targets: a
positive clip's windows ending 0.0-0.4 s after the phrase ends are its intent; windows
ending before the phrase is mostly said, or long after it (when the head should have fired
and gone quiet), are background; the in-between windows are left out. Every window of a
background clip is background.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from assistant.hearing.spotter.features import CHUNK_SAMPLES, EMBEDDING_SIZE, SAMPLE_RATE_HZ
from assistant.hearing.spotter.head import BACKGROUND, Decider, Head, sliding_windows

FRAME_S = CHUNK_SAMPLES / SAMPLE_RATE_HZ
POSITIVE_AFTER_END_S = (0.0, 0.4)
"""Windows ending this long after the phrase's end are positives."""
BACKGROUND_AFTER_END_S = 1.2
"""Windows ending later than this after the phrase's end are background again."""
MOSTLY_SAID = 0.6
"""Windows ending before this fraction of the phrase are background."""
IGNORED = -1
#: MLPs in the committed head (`python -m training`'s default; see TrainSettings.members).
COMMITTED_MEMBERS = 3


@dataclass(frozen=True)
class ClipInfo:
    """What training needs to know of a clip besides its audio."""

    label: str
    text: str
    source: str
    speaker: str
    split: str
    speech_start_s: float | None
    speech_end_s: float | None
    duration_s: float


@dataclass(frozen=True)
class TrainSettings:
    """How the head is fitted."""

    seed: int = 1
    window_frames: int = 16
    """Embeddings (80 ms each) under one decision."""
    hidden_units: int = 64
    epochs: int = 8
    l2: float = 1e-2
    background_weight: float = 12.0
    """The background class's total weight, in units of one intent's total weight."""
    refractory_s: float = 1.0
    members: int = 1
    """MLPs fitted with seeds seed, seed+1, ...; their logits are averaged (one wider MLP)."""


def frame_targets(info: ClipInfo, frames: int, label_index: dict[str, int]) -> np.ndarray:
    """The target label index (or IGNORED) of each frame's window of one clip."""
    background = label_index[BACKGROUND]
    if info.label == BACKGROUND or info.speech_end_s is None or info.speech_start_s is None:
        return np.full(frames, background, dtype=np.int64)
    end_s = FRAME_S * np.arange(1, frames + 1)
    after_end_s = end_s - info.speech_end_s
    mostly_said_s = info.speech_start_s + MOSTLY_SAID * (info.speech_end_s - info.speech_start_s)
    targets = np.full(frames, IGNORED, dtype=np.int64)
    targets[end_s < mostly_said_s] = background
    targets[after_end_s > BACKGROUND_AFTER_END_S] = background
    low, high = POSITIVE_AFTER_END_S
    targets[(after_end_s >= low) & (after_end_s <= high)] = label_index[info.label]
    return targets


def clip_windows(embeddings: np.ndarray, priming: np.ndarray, window_frames: int) -> np.ndarray:
    """The windows ending at each frame of a clip streamed from a reset (history = priming)."""
    history = priming[len(priming) - (window_frames - 1) :]
    return sliding_windows(np.concatenate((history, embeddings)), window_frames)


def training_arrays(
    infos: Sequence[ClipInfo], embeddings: Sequence[np.ndarray], priming: np.ndarray,
    labels: Sequence[str], window_frames: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Stack the targeted windows of the given clips: inputs (float16) and label indices."""
    label_index = {label: i for i, label in enumerate(labels)}
    inputs, targets = [], []
    for info, frames in zip(infos, embeddings, strict=True):
        clip_targets = frame_targets(info, len(frames), label_index)
        keep = clip_targets != IGNORED
        if keep.any():
            inputs.append(clip_windows(frames, priming, window_frames)[keep].astype(np.float16))
            targets.append(clip_targets[keep])
    if not inputs:
        return np.zeros((0, window_frames * EMBEDDING_SIZE), np.float16), np.zeros(0, np.int64)
    return np.concatenate(inputs), np.concatenate(targets)


def class_weights(
    targets: np.ndarray, labels: Sequence[str], background_weight: float
) -> np.ndarray:
    """Per-sample weights: every intent weighs the same in total, background a few intents."""
    counts = np.bincount(targets, minlength=len(labels)).astype(np.float64)
    per_class = np.where(counts > 0, 1.0 / np.maximum(counts, 1.0), 0.0)
    per_class[labels.index(BACKGROUND)] *= background_weight
    weights = per_class[targets]
    return weights * (len(targets) / weights.sum())


def fit_head(
    inputs: np.ndarray, targets: np.ndarray, labels: Sequence[str], settings: TrainSettings
) -> Head:
    """Fit the MLP (deterministic for the seed); thresholds start at 0.5, one frame."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    mean, scale = _standardisation(inputs, settings.window_frames)
    model = MLPClassifier(
        hidden_layer_sizes=(settings.hidden_units,), alpha=settings.l2, batch_size=512,
        learning_rate_init=1e-3, max_iter=settings.epochs, random_state=settings.seed,
        n_iter_no_change=settings.epochs + 1, tol=0.0, shuffle=True,
    )
    standardised = ((inputs.astype(np.float32) - mean) / scale).astype(np.float32)
    weights = class_weights(targets, list(labels), settings.background_weight)
    with warnings.catch_warnings():
        # A fixed number of epochs is the point: the budget, not convergence, ends the fit.
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(standardised, targets, sample_weight=weights)
    return _head_from(model, labels, settings, mean, scale)


def fit_ensemble(
    inputs: np.ndarray, targets: np.ndarray, labels: Sequence[str], settings: TrainSettings
) -> Head:
    """Fit `members` MLPs with successive seeds and merge them into one head."""
    heads = [fit_head(inputs, targets, labels, replace(settings, seed=settings.seed + member))
             for member in range(settings.members)]
    return merge_heads(heads)


def merge_heads(heads: Sequence[Head]) -> Head:
    """One MLP whose logits are the mean of the given one-hidden-layer heads' logits.

    The hidden layers sit side by side and the output layer averages them, so the product
    runs the ensemble as one ordinary head (same file format, one matrix product wider).
    """
    if len(heads) == 1:
        return heads[0]
    first = heads[0]
    if any(len(head.weights) != 2 for head in heads):
        raise ValueError("only one-hidden-layer heads can be merged")
    hidden_w = np.concatenate([head.weights[0] for head in heads], axis=1)
    hidden_b = np.concatenate([head.biases[0] for head in heads])
    out_w = np.concatenate([head.weights[1] for head in heads], axis=0) / len(heads)
    out_b = np.mean([head.biases[1] for head in heads], axis=0)
    return Head(
        (hidden_w, out_w.astype(np.float32)), (hidden_b, out_b.astype(np.float32)),
        first.labels, first.thresholds, first.consecutive, first.window_frames,
        first.refractory_s, first.mean, first.scale,
    )


def _standardisation(inputs: np.ndarray, window_frames: int) -> tuple[np.ndarray, np.ndarray]:
    """Per embedding value mean and spread, shared by every position in the window."""
    per_value = inputs.reshape(len(inputs) * window_frames, EMBEDDING_SIZE).astype(np.float32)
    mean = per_value.mean(axis=0)
    scale = per_value.std(axis=0) + 1e-3
    return np.tile(mean, window_frames), np.tile(scale, window_frames)


def _head_from(
    model: Any, labels: Sequence[str], settings: TrainSettings, mean: np.ndarray,
    scale: np.ndarray,
) -> Head:
    """Copy sklearn's weights into a numpy Head, one output column per label."""
    weights = [np.asarray(w, np.float32) for w in model.coefs_]
    biases = [np.asarray(b, np.float32) for b in model.intercepts_]
    present = [int(c) for c in model.classes_]
    last_w = np.zeros((weights[-1].shape[0], len(labels)), np.float32)
    # A label without training windows never wins.
    last_b = np.full(len(labels), -30.0, np.float32)
    last_w[:, present], last_b[present] = weights[-1], biases[-1]
    thresholds = np.where(np.array(labels) == BACKGROUND, 2.0, 0.5).astype(np.float64)
    return Head(
        tuple(weights[:-1] + [last_w]), tuple(biases[:-1] + [last_b]), tuple(labels),
        thresholds, np.ones(len(labels), np.int64), settings.window_frames,
        settings.refractory_s, mean.astype(np.float32), scale.astype(np.float32),
    )


def stream_scores(head: Head, embeddings: np.ndarray, priming: np.ndarray) -> np.ndarray:
    """The head's scores on every frame of one stream (from a reset)."""
    return head.scores(clip_windows(embeddings, priming, head.window_frames))


def hard_negatives(
    head: Head, streams: Sequence[np.ndarray], priming: np.ndarray, level: float = 0.5
) -> np.ndarray:
    """Windows of long negative streams where any intent scores at least `level` (float16)."""
    found = []
    background = head.labels.index(BACKGROUND)
    for embeddings in streams:
        windows = clip_windows(embeddings, priming, head.window_frames)
        scores = head.scores(windows)
        scores[:, background] = 0.0
        found.append(windows[scores.max(axis=1) >= level].astype(np.float16))
    return np.concatenate(found) if found else np.zeros((0, head.window_frames * 96), np.float16)


def detections(head: Head, scores: np.ndarray) -> list[tuple[str, float, float]]:
    """Run the real decision rule over one stream's scores: (label, score, at_s) fired."""
    decider = Decider(head)
    fired = []
    for frame, row in enumerate(scores):
        detection = decider.step(row, FRAME_S * (frame + 1))
        if detection is not None:
            fired.append((detection.label, detection.score, detection.at_s))
    return fired
