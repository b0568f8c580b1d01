"""Feature frames for training, computed by the product's own streaming front end and cached.

Every clip is streamed from a fresh reset through assistant.hearing.spotter.features'
StreamingFeatures, exactly as the live recognizer streams the microphone, in at most two
worker processes; the embeddings are cached on disk under the SHA-256 of the clip's samples.
"""

from __future__ import annotations

import hashlib
import multiprocessing
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from assistant.hearing.spotter.features import (
    EMBEDDING_SIZE,
    MODEL_SHA256,
    FrontEnd,
    StreamingFeatures,
)

# A new front end (other model files, other priming) must not reuse old features.
_FRONT_END_TAG = hashlib.sha256("".join(sorted(MODEL_SHA256.values())).encode()).hexdigest()[:8]
_VERSION = f"v1-{_FRONT_END_TAG}"

_stream: StreamingFeatures | None = None
_cache_root: Path | None = None


def clip_key(samples: np.ndarray) -> str:
    """The cache identity of a clip: the SHA-256 of its int16 samples."""
    return hashlib.sha256(np.ascontiguousarray(samples, dtype=np.int16).tobytes()).hexdigest()


def stream_clip(stream: StreamingFeatures, samples: np.ndarray) -> np.ndarray:
    """The embeddings (frames x 96) of one clip streamed from a reset."""
    stream.reset()
    return stream.push(np.asarray(samples, dtype=np.int16)).embeddings


def _cache_path(root: Path, key: str) -> Path:
    """Where a clip's embeddings are cached."""
    return root / _VERSION / key[:2] / f"{key}.npy"


def _init_worker(cache_root: Path | None) -> None:
    """Load the front end once per worker process."""
    global _stream, _cache_root
    _stream = StreamingFeatures(FrontEnd())
    _cache_root = cache_root


def _features_of(samples: np.ndarray) -> np.ndarray:
    """One clip's embeddings, from the cache when it has them."""
    assert _stream is not None
    if _cache_root is None:
        return stream_clip(_stream, samples)
    path = _cache_path(_cache_root, clip_key(samples))
    if path.exists():
        return np.load(path)
    embeddings = stream_clip(_stream, samples)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".{multiprocessing.current_process().pid}.tmp.npy")
    np.save(temporary, embeddings)
    temporary.replace(path)
    return embeddings


def compute_features(
    clips: Iterable[np.ndarray], cache_root: Path | None, workers: int = 2
) -> Iterator[np.ndarray]:
    """Yield each clip's embeddings, in order, computed in up to `workers` processes."""
    if workers <= 1:
        _init_worker(cache_root)
        yield from (_features_of(samples) for samples in clips)
        return
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers, initializer=_init_worker, initargs=(cache_root,)) as pool:
        yield from pool.imap(_features_of, clips, chunksize=8)


def priming_embeddings() -> np.ndarray:
    """The embeddings of the stream's priming silence (the history before every clip)."""
    return StreamingFeatures(FrontEnd()).priming_embeddings.astype(np.float32)


def empty_features() -> np.ndarray:
    """No frames."""
    return np.zeros((0, EMBEDDING_SIZE), dtype=np.float32)
