"""The spotter's frozen front end, against the real models: hashes, streaming, audio time."""

from __future__ import annotations

import hashlib
from collections import deque
from pathlib import Path

import numpy as np
import pytest

from assistant.hearing.spotter.features import (
    CHUNK_SAMPLES,
    EMBEDDING_FILE,
    MELSPECTROGRAM_FILE,
    MODEL_SHA256,
    PRIMING_SAMPLES,
    FrontEnd,
    FrontEndError,
    StreamingFeatures,
    read_model,
)
from assistant.hearing.spotter.head import Detector, load_head
from training.features import stream_clip
from training.product import coloured_noise, espeak_speech, normalize_level, to_int16


@pytest.fixture(scope="module")
def front_end() -> FrontEnd:
    return FrontEnd()


def _noisy_speech_like(seconds: float, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    count = int(seconds * 16_000)
    envelope = 3000 * np.abs(np.sin(np.linspace(0, 7, count)))
    return (rng.standard_normal(count) * envelope).astype(np.int16)


def test_the_installed_models_have_the_recorded_hashes() -> None:
    assert len(read_model(MELSPECTROGRAM_FILE)) == 1_092_516
    assert len(read_model(EMBEDDING_FILE)) == 1_330_312


def test_a_corrupted_copy_is_refused_with_what_to_do(tmp_path: Path) -> None:
    copy = tmp_path / MELSPECTROGRAM_FILE
    content = bytearray(read_model(MELSPECTROGRAM_FILE))
    content[5000] ^= 0xFF
    copy.write_bytes(bytes(content))
    with pytest.raises(FrontEndError) as raised:
        FrontEnd(melspectrogram=copy.read_bytes())
    message = str(raised.value)
    assert MELSPECTROGRAM_FILE in message
    assert MODEL_SHA256[MELSPECTROGRAM_FILE] in message
    assert "pip install" in message and "wyoming-openwakeword==1.8.2" in message
    assert hashlib.sha256(bytes(content)).hexdigest() in message


def test_chunk_by_chunk_streaming_equals_what_the_trainer_computes(front_end: FrontEnd) -> None:
    audio = _noisy_speech_like(2.5)
    stream = StreamingFeatures(front_end)
    pieces = [stream.push(audio[i : i + 1280]) for i in range(0, len(audio), 1280)]
    streamed = np.concatenate([piece.embeddings for piece in pieces])
    trained = stream_clip(StreamingFeatures(front_end), audio)
    assert streamed.shape == (len(audio) // CHUNK_SAMPLES, 96)
    assert np.array_equal(streamed, trained)


def test_odd_sized_pushes_give_the_same_frames(front_end: FrontEnd) -> None:
    audio = _noisy_speech_like(2.0)
    stream = StreamingFeatures(front_end)
    whole = stream.push(audio)
    stream.reset()
    cuts = [0, 100, 1380, 4000, 4007, 9000, len(audio)]
    parts = [stream.push(audio[a:b]) for a, b in zip(cuts, cuts[1:], strict=False)]
    assert np.array_equal(np.concatenate([p.embeddings for p in parts]), whole.embeddings)
    assert np.array_equal(np.concatenate([p.end_samples for p in parts]), whole.end_samples)


def test_feature_times_are_audio_times(front_end: FrontEnd) -> None:
    stream = StreamingFeatures(front_end)
    features = stream.push(np.zeros(16_000, np.int16))
    assert np.allclose(features.end_s, 0.08 * np.arange(1, 13))
    assert stream.consumed_samples == 16_000
    stream.reset()
    assert stream.consumed_samples == 0
    assert stream.push(np.zeros(1280, np.int16)).end_samples.tolist() == [1280]


def _reference_openwakeword(front_end: FrontEnd, audio: np.ndarray) -> np.ndarray:
    """openWakeWord's AudioFeatures streaming maths, written out independently."""
    raw: deque[int] = deque(maxlen=160_000)
    mels = np.ones((76, 32))
    frames = []
    for start in range(0, len(audio) // 1280 * 1280, 1280):
        raw.extend(audio[start : start + 1280].tolist())
        spec = front_end.melspectrogram(np.array(list(raw)[-1280 - 480 :], dtype=np.int16))
        mels = np.vstack((mels, spec))[-970:]
        frames.append(front_end.embed(mels[-76:].astype(np.float32)[None])[0])
    return np.array(frames)


def test_frames_equal_openwakewords_own_streaming(front_end: FrontEnd) -> None:
    audio = _noisy_speech_like(1.5, seed=5)
    primed = np.concatenate((np.zeros(PRIMING_SAMPLES, np.int16), audio))
    reference = _reference_openwakeword(front_end, primed)[PRIMING_SAMPLES // 1280 :]
    assert np.array_equal(StreamingFeatures(front_end).push(audio).embeddings, reference)


@pytest.mark.slow
def test_a_clear_stop_is_detected_as_stop(front_end: FrontEnd) -> None:
    # A talker's level (-26 dBFS) over a microphone's faint floor, as the walker is heard.
    speech = normalize_level(espeak_speech("stop", "en-us+m1", 140, 50))
    placed = np.concatenate((np.zeros(8000), speech, np.zeros(16000)))
    audio = to_int16(placed + coloured_noise("pink", len(placed), np.random.default_rng(1)) * 3)
    stream = StreamingFeatures(front_end)
    detector = Detector(load_head(), stream.priming_embeddings)
    found = [detection for start in range(0, len(audio), 1280)
             for detection in detector.push(stream.push(audio[start : start + 1280]))]
    assert [d.label for d in found] == ["stop"]
    word_end_s = 0.5 + len(speech) / 16_000
    assert word_end_s - 0.1 <= found[0].at_s <= word_end_s + 1.0
