"""The spotter's frozen front end: openWakeWord's melspectrogram and speech-embedding models.

Both TFLite files ship inside the PyPI wheel ``wyoming-openwakeword`` (1.8.2); they are read
from the installed package (no download) and checked against the SHA-256 recorded here.
Features are computed as openWakeWord streams them: every 80 ms chunk (1,280 samples at
16 kHz) the melspectrogram model sees the chunk plus the 480 samples before it (8 new mel
frames, transformed x/10 + 2), and the embedding model sees the last 76 mel frames, giving
96 values per 80 ms. The melspectrogram model floors quiet frames relative to the loudest
frame of its whole input tensor, so it is always called on one chunk at a time, in training
as at run time; embedding calls are batched (measured: identical to one call per window).
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import importlib.resources
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

MODEL_PACKAGE = "wyoming_openwakeword"
MODEL_PACKAGE_PIN = "wyoming-openwakeword==1.8.2"
MELSPECTROGRAM_FILE = "melspectrogram.tflite"
EMBEDDING_FILE = "embedding_model.tflite"
MODEL_SHA256 = {
    MELSPECTROGRAM_FILE: "96fa0adccb6e8cf95cb14465409a1a2898ee4a96a85bb9ed3c7eb0e68bf163e8",
    EMBEDDING_FILE: "c0aea21eb84a4ce90a08c870da41b7a7173b45269e6a3207c71d67c40f3a59d8",
}

SAMPLE_RATE_HZ = 16_000
CHUNK_SAMPLES = 1_280
"""One feature frame: 80 ms of audio."""
CONTEXT_SAMPLES = 480
"""Audio before each chunk that the melspectrogram model also sees (3 STFT hops)."""
MEL_BANDS = 32
MEL_WINDOW_FRAMES = 76
"""Mel frames (10 ms each) under one embedding."""
EMBEDDING_SIZE = 96
EMBEDDING_BATCH_SAMPLES = 64 * CHUNK_SAMPLES
"""Embedding calls are batched 64 windows at a time: the model's memory grows with the batch."""
PRIMING_SAMPLES = 2 * SAMPLE_RATE_HZ
"""Digital silence streamed at every reset, so that the first real frame already has a full,
steady history (openWakeWord's initial all-ones mel buffer is flushed by then)."""


@contextlib.contextmanager
def _native_stderr_silenced() -> Iterator[None]:
    """Send file descriptor 2 (where native libraries write) to /dev/null for a moment."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 2)
        yield
    finally:
        # The native libraries' C streams are buffered: empty them while they still go nowhere.
        ctypes.CDLL(None).fflush(None)
        os.dup2(saved, 2)
        os.close(saved)


class FrontEndError(RuntimeError):
    """The frozen feature models are missing, altered or cannot be run."""


def read_model(name: str, expected_sha256: str | None = None) -> bytes:
    """Return one frozen model's bytes from the installed package, after checking its hash."""
    try:
        resource = importlib.resources.files(MODEL_PACKAGE) / "models" / name
        content = resource.read_bytes()
    except (ModuleNotFoundError, FileNotFoundError) as err:
        raise FrontEndError(
            f"the spotter's feature model {name} was not found in the installed package"
            f" {MODEL_PACKAGE}; install it with `pip install {MODEL_PACKAGE_PIN}`"
        ) from err
    check_model(name, content, expected_sha256 or MODEL_SHA256[name])
    return content


def check_model(name: str, content: bytes, expected_sha256: str) -> None:
    """Raise FrontEndError when the model's SHA-256 is not the recorded one."""
    found = hashlib.sha256(content).hexdigest()
    if found != expected_sha256:
        raise FrontEndError(
            f"the spotter's feature model {name} has SHA-256 {found}, expected"
            f" {expected_sha256}; reinstall it with `pip install --force-reinstall"
            f" {MODEL_PACKAGE_PIN}`"
        )


class FrontEnd:
    """Both frozen models, loaded and checked once; not thread-safe (one per stream/process)."""

    def __init__(self, melspectrogram: bytes | None = None, embedding: bytes | None = None):
        """Load the models (the installed ones unless bytes are given), checking their hashes."""
        from ai_edge_litert.interpreter import Interpreter

        models = {MELSPECTROGRAM_FILE: melspectrogram, EMBEDDING_FILE: embedding}
        for name, content in models.items():
            if content is None:
                models[name] = read_model(name)
            else:
                check_model(name, content, MODEL_SHA256[name])
        self._mel = Interpreter(model_content=models[MELSPECTROGRAM_FILE], num_threads=1)
        self._embedding = Interpreter(model_content=models[EMBEDDING_FILE], num_threads=1)
        self._mel_input_samples = -1
        self._embedding_batch = -1
        with _native_stderr_silenced():
            # The first run applies TFLite's CPU delegate, which prints an INFO line on the
            # process's own stderr: users should not see it.
            self.melspectrogram(np.zeros(CHUNK_SAMPLES + CONTEXT_SAMPLES, dtype=np.int16))

    def melspectrogram(self, samples: np.ndarray) -> np.ndarray:
        """Mel frames (frames x 32, transformed x/10 + 2) of one stretch of int16-valued audio."""
        batch = samples.astype(np.float32)[None, :]
        if batch.shape[1] != self._mel_input_samples:
            self._mel.resize_tensor_input(0, list(batch.shape), strict=True)
            self._mel.allocate_tensors()
            self._mel_input_samples = batch.shape[1]
        self._mel.set_tensor(self._mel.get_input_details()[0]["index"], batch)
        self._mel.invoke()
        spectrogram = self._mel.get_tensor(self._mel.get_output_details()[0]["index"])
        # openWakeWord's transform, to match Google's TensorFlow front end.
        return np.asarray(spectrogram[0, 0] / 10.0 + 2.0, dtype=np.float32)

    def embed(self, windows: np.ndarray) -> np.ndarray:
        """Embeddings (k x 96) of k windows of 76 mel frames (k x 76 x 32)."""
        batch = np.ascontiguousarray(windows, dtype=np.float32)[..., None]
        if batch.shape[0] != self._embedding_batch:
            self._embedding.resize_tensor_input(0, list(batch.shape), strict=True)
            self._embedding.allocate_tensors()
            self._embedding_batch = batch.shape[0]
        self._embedding.set_tensor(self._embedding.get_input_details()[0]["index"], batch)
        self._embedding.invoke()
        output = self._embedding.get_tensor(self._embedding.get_output_details()[0]["index"])
        return np.asarray(output.reshape(batch.shape[0], EMBEDDING_SIZE), dtype=np.float32)


@dataclass(frozen=True)
class Features:
    """Feature frames computed from one push: embeddings and the audio time each one ends at."""

    embeddings: np.ndarray
    """k x 96 float32."""
    end_samples: np.ndarray
    """k int64: audio samples consumed since the last reset when each frame was complete."""

    @property
    def end_s(self) -> np.ndarray:
        """The frames' end times in seconds of audio."""
        return self.end_samples / SAMPLE_RATE_HZ


class StreamingFeatures:
    """openWakeWord's streaming features: push audio of any length, get one frame per 80 ms.

    ``priming_embeddings`` are the frames of the priming silence: the history that a head's
    window reaches back into at the first frames after a reset.
    """

    def __init__(self, front_end: FrontEnd):
        """Start a stream on the given models, already reset (primed with silence)."""
        self._front_end = front_end
        self._primed: tuple[np.ndarray, np.ndarray] | None = None
        self._context: np.ndarray
        self._mels: np.ndarray
        self.reset()

    def reset(self) -> None:
        """Forget all audio (call between clips): the state after the priming silence."""
        if self._primed is None:
            self._pending = np.zeros(0, dtype=np.int16)
            self._context = np.zeros(0, dtype=np.int16)
            # openWakeWord starts its mel buffer with ones.
            self._mels = np.ones((MEL_WINDOW_FRAMES, MEL_BANDS), dtype=np.float32)
            self._consumed = 0
            primed = self.push(np.zeros(PRIMING_SAMPLES, dtype=np.int16))
            self.priming_embeddings = primed.embeddings
            self._primed = (self._context.copy(), self._mels.copy())
        self._context = self._primed[0].copy()
        self._mels = self._primed[1].copy()
        self._pending = np.zeros(0, dtype=np.int16)
        self._consumed = 0

    @property
    def consumed_samples(self) -> int:
        """Audio samples pushed since the last reset (the stream's clock)."""
        return self._consumed + len(self._pending)

    def push(self, samples: np.ndarray) -> Features:
        """Add int16 audio; return the frames of every 80 ms chunk it completes."""
        audio = np.concatenate((self._pending, np.asarray(samples, dtype=np.int16)))
        whole = len(audio) // CHUNK_SAMPLES * CHUNK_SAMPLES
        self._pending = audio[whole:]
        ends = self._consumed + np.arange(CHUNK_SAMPLES, whole + 1, CHUNK_SAMPLES, dtype=np.int64)
        self._consumed += whole
        batches = [self._embed_chunks(audio[start : min(start + EMBEDDING_BATCH_SAMPLES, whole)])
                   for start in range(0, whole, EMBEDDING_BATCH_SAMPLES)]
        if not batches:
            return Features(np.zeros((0, EMBEDDING_SIZE), np.float32), ends)
        return Features(np.concatenate(batches), ends)

    def _embed_chunks(self, audio: np.ndarray) -> np.ndarray:
        """Stream whole chunks through the melspectrogram, then embed their windows at once."""
        starts = range(0, len(audio), CHUNK_SAMPLES)
        windows = [self._mel_window(audio[i : i + CHUNK_SAMPLES]) for i in starts]
        return self._front_end.embed(np.stack(windows))

    def _mel_window(self, chunk: np.ndarray) -> np.ndarray:
        """Stream one chunk through the melspectrogram; return the last 76 mel frames."""
        mels = self._front_end.melspectrogram(np.concatenate((self._context, chunk)))
        self._context = np.concatenate((self._context, chunk))[-CONTEXT_SAMPLES:]
        self._mels = np.concatenate((self._mels, mels))[-MEL_WINDOW_FRAMES:]
        return self._mels
