"""Is there a voice in what was heard? A check that clatter and running water fail.

PocketSphinx, asked to choose among short phrases, hears "yep" or "nope" in the clatter of
dishes or a running tap. Such sounds have no pitch: no frame of them repeats itself at a
voice's period (2.5 to 14 ms), while every spoken word has voiced frames. The recognizer is
wrapped so that each final result carries the seconds of voiced audio in the utterance; the
decider then refuses non-safety intents without enough voice (a false stop stays safe).
Only PocketSphinx and Vosk are wrapped: the frame test misses much of a real, quiet or noisy
"yes" (0.01-0.06 s of voiced frames), which the trained spotter hears and which its training
against real noise already keeps apart from clatter.
"""

from __future__ import annotations

import dataclasses
from collections import deque

import numpy as np
import numpy.typing as npt

from assistant.core.events import AudioChunk, Transcript
from assistant.core.ports import Recognizer

FRAME_S = 0.03
HOP_S = 0.01
#: A frame louder than this (int16 RMS) may be voiced; quieter ones are not looked at.
MIN_FRAME_RMS = 300.0
#: Normalized autocorrelation at a voice period above which a frame counts as voiced.
MIN_PERIODICITY = 0.5
#: How far back an utterance's voice is looked for, before its final result.
WINDOW_S = 2.0


def voiced_seconds(samples: npt.NDArray[np.int16], rate_hz: int) -> float:
    """Seconds of frames in `samples` that repeat at a voice's pitch period (70-400 Hz)."""
    frame, hop = int(FRAME_S * rate_hz), int(HOP_S * rate_hz)
    if len(samples) < frame:
        return 0.0
    starts = np.arange(0, len(samples) - frame + 1, hop)
    frames = samples.astype(np.float64)[starts[:, None] + np.arange(frame)]
    frames -= frames.mean(axis=1, keepdims=True)
    loud = np.sqrt((frames**2).mean(axis=1)) >= MIN_FRAME_RMS
    if not loud.any():
        return 0.0
    spectrum = np.fft.rfft(frames[loud], n=2 * frame, axis=1)
    autocorrelation = np.fft.irfft(np.abs(spectrum) ** 2, axis=1)[:, :frame]
    shortest, longest = int(rate_hz / 400), int(rate_hz / 70)
    peaks = autocorrelation[:, shortest:longest].max(axis=1) / autocorrelation[:, 0]
    return float((peaks > MIN_PERIODICITY).sum()) * HOP_S


class VoicedRecognizer:
    """Wraps a recognizer: its results carry `voiced_s`, the voice heard just before them."""

    def __init__(self, inner: Recognizer) -> None:
        self.inner = inner
        self.engine = inner.engine
        self.model_dir = getattr(inner, "model_dir", None)  # for `describe_recognizer`
        self._recent: deque[tuple[float, float]] = deque()  # (chunk end, voiced seconds)

    def accept(self, chunk: AudioChunk) -> list[Transcript]:
        if self._recent and chunk.start_s < self._recent[-1][0] - 1e-6:
            self._recent.clear()  # a new recording: its clock starts again
        self._recent.append((chunk.end_s, voiced_seconds(chunk.samples, chunk.rate_hz)))
        while self._recent and self._recent[0][0] < chunk.end_s - WINDOW_S:
            self._recent.popleft()
        return [self._annotate(t) for t in self.inner.accept(chunk)]

    def flush(self, at_s: float) -> list[Transcript]:
        return [self._annotate(t) for t in self.inner.flush(at_s)]

    def _annotate(self, transcript: Transcript) -> Transcript:
        voiced = sum(seconds for _, seconds in self._recent)
        return dataclasses.replace(transcript, voiced_s=voiced)
