"""The spotter's trained head: a small numpy MLP over the last embeddings, and its decisions.

One multi-class softmax head scores every intent of the phrase table plus "background" on
each 80 ms frame; a label fires when its score stays at or above its own threshold for its
own number of consecutive frames, and then nothing fires during a refractory time. Weights,
labels, thresholds and frame counts live in one .npz file next to this module. Pure: the
only I/O is loading that file; time is the audio's (feature frame end times).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.hearing.spotter.features import EMBEDDING_SIZE, Features

HEAD_FILE = Path(__file__).with_name("head.npz")
DATA_CARD_FILE = Path(__file__).with_name("DATA_CARD.md")
BACKGROUND = "background"


@dataclass(frozen=True)
class Detection:
    """A spoken command heard: its label, the score that fired it, and when (audio time)."""

    label: str
    score: float
    at_s: float


@dataclass(frozen=True)
class Head:
    """An MLP (ReLU hidden layers, softmax output) with its per-label decision settings."""

    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]
    labels: tuple[str, ...]
    thresholds: np.ndarray
    """Per label: the score a frame must reach (background's is unused: 2.0)."""
    consecutive: np.ndarray
    """Per label: how many frames in a row must reach the threshold."""
    window_frames: int
    """How many of the last embeddings (80 ms each) one decision looks at."""
    refractory_s: float
    """After a detection, nothing fires again for this long (seconds of audio)."""
    mean: np.ndarray
    scale: np.ndarray
    """Input standardisation: (window - mean) / scale."""

    def scores(self, windows: np.ndarray) -> np.ndarray:
        """Softmax scores (k x labels) of k flattened windows (k x window_frames*96)."""
        # float64: thresholds of confident labels sit within 1e-7 of 1.0, beyond float32.
        values = (np.asarray(windows, dtype=np.float64) - self.mean) / self.scale
        for weight, bias in zip(self.weights[:-1], self.biases[:-1], strict=True):
            values = np.maximum(values @ weight + bias, 0.0)
        logits = values @ self.weights[-1] + self.biases[-1]
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return np.asarray(exp / exp.sum(axis=1, keepdims=True), dtype=np.float64)

    def with_decisions(self, thresholds: np.ndarray, consecutive: np.ndarray) -> Head:
        """The same network with other per-label thresholds and frame counts."""
        return Head(
            self.weights, self.biases, self.labels, np.asarray(thresholds, np.float64),
            np.asarray(consecutive, np.int64), self.window_frames, self.refractory_s,
            self.mean, self.scale,
        )

    def save(self, path: Path) -> None:
        """Write the head to one .npz file."""
        arrays: dict[str, np.ndarray] = {
            "labels": np.array(self.labels), "thresholds": self.thresholds,
            "consecutive": self.consecutive, "window_frames": np.array(self.window_frames),
            "refractory_s": np.array(self.refractory_s), "mean": self.mean,
            "scale": self.scale, "layers": np.array(len(self.weights)),
        }
        arrays |= {f"weight_{i}": w for i, w in enumerate(self.weights)}
        arrays |= {f"bias_{i}": b for i, b in enumerate(self.biases)}
        np.savez(path, allow_pickle=False, **arrays)


def load_head(path: Path = HEAD_FILE) -> Head:
    """Read a head written by Head.save (the committed one by default)."""
    with np.load(path, allow_pickle=False) as data:
        layers = int(data["layers"])
        return Head(
            weights=tuple(data[f"weight_{i}"].astype(np.float32) for i in range(layers)),
            biases=tuple(data[f"bias_{i}"].astype(np.float32) for i in range(layers)),
            labels=tuple(str(label) for label in data["labels"]),
            thresholds=data["thresholds"].astype(np.float64),
            consecutive=data["consecutive"].astype(np.int64),
            window_frames=int(data["window_frames"]),
            refractory_s=float(data["refractory_s"]),
            mean=data["mean"].astype(np.float32),
            scale=data["scale"].astype(np.float32),
        )


def sliding_windows(embeddings: np.ndarray, window_frames: int) -> np.ndarray:
    """Flattened windows of the last window_frames embeddings ending at each frame from the
    (window_frames - 1)-th on: (len - window_frames + 1) x (window_frames * 96)."""
    count = len(embeddings) - window_frames + 1
    if count <= 0:
        return np.zeros((0, window_frames * EMBEDDING_SIZE), dtype=np.float32)
    view = np.lib.stride_tricks.sliding_window_view(embeddings, (window_frames, EMBEDDING_SIZE))
    return np.ascontiguousarray(view.reshape(count, window_frames * EMBEDDING_SIZE))


class Decider:
    """The per-frame decision rule: consecutive frames over threshold, then a refractory time."""

    def __init__(self, head: Head):
        """Decide with the head's labels, thresholds, frame counts and refractory time."""
        self._head = head
        self._active = np.array([label != BACKGROUND for label in head.labels])
        self.reset()

    def reset(self) -> None:
        """Forget runs and refractory time."""
        self._runs = np.zeros(len(self._head.labels), dtype=np.int64)
        self._quiet_until_s = -np.inf

    def step(self, scores: np.ndarray, at_s: float) -> Detection | None:
        """Take one frame's scores (ending at at_s); return a detection when one fires."""
        over = (scores >= self._head.thresholds) & self._active
        self._runs = np.where(over, self._runs + 1, 0)
        ready = self._runs >= self._head.consecutive
        if at_s < self._quiet_until_s or not ready.any():
            return None
        best = int(np.argmax(np.where(ready, scores, -1.0)))
        self._runs[:] = 0
        self._quiet_until_s = at_s + self._head.refractory_s
        return Detection(self._head.labels[best], float(scores[best]), at_s)


class Detector:
    """Streams feature frames through the head and the decision rule."""

    def __init__(self, head: Head, priming: np.ndarray):
        """Use the head; priming holds the embeddings of the stream's reset (its history)."""
        self._head = head
        self._priming = np.asarray(priming[-(head.window_frames - 1) :], dtype=np.float32)
        self._decider = Decider(head)
        self.reset()

    def reset(self) -> None:
        """Start again, as after a stream reset."""
        self._history = self._priming.copy()
        self._decider.reset()

    def push(self, features: Features) -> list[Detection]:
        """Score the new frames; return what fired, in order."""
        if len(features.embeddings) == 0:
            return []
        frames = np.concatenate((self._history, features.embeddings))
        self._history = frames[-(self._head.window_frames - 1) :]
        scores = self._head.scores(sliding_windows(frames, self._head.window_frames))
        return list(self._fire(scores, features.end_s))

    def _fire(self, scores: np.ndarray, end_s: np.ndarray) -> Iterator[Detection]:
        """Run the decision rule over frames."""
        for row, at_s in zip(scores, end_s, strict=True):
            detection = self._decider.step(row, float(at_s))
            if detection is not None:
                yield detection
