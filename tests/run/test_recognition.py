"""The recognizer on its own thread: the same transcripts as in the loop (real PocketSphinx on
real synthesized speech), a recognizer that stops returning seen by its progress, a full
hand-over queue treated as lag, a recognizer's failure handed to the loop."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from assistant.audio.chunks import silence, to_chunks
from assistant.core.clock import SimulatedClock
from assistant.core.errors import RecognizerError
from assistant.core.events import AudioChunk, Transcript
from assistant.hearing.recognizers.select import make_recognizer
from assistant.run.recognition import MAX_WAITING_CHUNKS, BackgroundRecognition
from assistant.run.safe_path import HearingFailure
from assistant.speaking.espeak import SpeakerStyle, synthesize


class HangingRecognizer:
    """Hears nothing; from `hang_s` on, its `accept` does not return until released."""

    engine = "hanging"

    def __init__(self, hang_s: float) -> None:
        self.hang_s = hang_s
        self.release = threading.Event()

    def accept(self, chunk: AudioChunk) -> list[Transcript]:
        if chunk.end_s > self.hang_s:
            self.release.wait()
        return []

    def flush(self, at_s: float) -> list[Transcript]:
        return []


class BrokenRecognizer(HangingRecognizer):
    engine = "broken"

    def accept(self, chunk: AudioChunk) -> list[Transcript]:
        if chunk.end_s > self.hang_s:
            raise ValueError("frame of the wrong size")
        return []


def feed(recognition: BackgroundRecognition, clock: SimulatedClock,
         chunks: list[AudioChunk]) -> list[Transcript]:
    """Hand the chunks over as a simulated session does: the clock moves, then the chunk."""
    heard: list[Transcript] = []
    for chunk in chunks:
        clock.advance(chunk.duration_s)
        heard += recognition.accept(chunk, clock.now_s())
    return heard


def speech() -> list[AudioChunk]:
    words = synthesize("stop", SpeakerStyle("en-us", 140))
    return list(to_chunks(np.concatenate([silence(1.0), words, silence(1.5)])))


def test_background_recognition_hears_what_the_loop_would() -> None:
    chunks = speech()
    inline = make_recognizer("pocketsphinx")
    expected = [t for chunk in chunks for t in inline.accept(chunk)]
    clock = SimulatedClock()
    recognition = BackgroundRecognition(make_recognizer("pocketsphinx"), clock, wait_s=30.0)
    assert feed(recognition, clock, chunks) == expected
    assert any("stop" in t.text for t in expected)
    assert recognition.progress().waiting_since_s is None  # all recognized
    recognition.close()


def test_a_recognizer_that_stops_returning_shows_in_its_progress() -> None:
    clock = SimulatedClock()
    recognizer = HangingRecognizer(hang_s=2.0)
    recognition = BackgroundRecognition(recognizer, clock, wait_s=0.5)
    try:
        feed(recognition, clock, list(to_chunks(silence(3.0))))
        progress = recognition.progress()
        assert progress.waiting_since_s == pytest.approx(2.1)  # the chunk it hung on
        assert progress.busy_since_s == pytest.approx(2.1)  # when its call began
    finally:
        recognizer.release.set()
        recognition.close()


def test_a_full_hand_over_queue_is_lag() -> None:
    clock = SimulatedClock()
    recognizer = HangingRecognizer(hang_s=0.0)
    recognition = BackgroundRecognition(recognizer, clock, wait_s=None)
    try:
        # One chunk is with the recognizer (hung), MAX_WAITING_CHUNKS wait: the next is lag.
        chunks = list(to_chunks(silence(0.1 * (MAX_WAITING_CHUNKS + 5))))
        with pytest.raises(RecognizerError, match="fell behind"):
            feed(recognition, clock, chunks)
    finally:
        recognizer.release.set()
        recognition.close()


def test_a_recognizer_failure_reaches_the_loop_with_its_chunk() -> None:
    clock = SimulatedClock()
    recognition = BackgroundRecognition(BrokenRecognizer(hang_s=1.0), clock, wait_s=30.0)
    with pytest.raises(HearingFailure, match="wrong size"):
        feed(recognition, clock, list(to_chunks(silence(3.0))))
    assert clock.now_s() == pytest.approx(1.1)  # raised at the chunk that failed
