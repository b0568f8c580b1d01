"""The recognizer alone, no session: audio chunks in, `heard` and `intent` events out.

Used by `retrowalk listen`, the tests and the benchmarks. Every time is audio time.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from assistant.audio.chunks import Samples, to_chunks
from assistant.core.events import (
    SAMPLE_RATE_HZ,
    AudioChunk,
    EventCallback,
    EventFanout,
    SessionEvent,
    Transcript,
    heard_event,
    intent_event,
)
from assistant.core.intents import load_phrase_table
from assistant.core.ports import Recognizer
from assistant.hearing.decider import DecisionSettings, IntentDecider


def listen(chunks: Iterable[AudioChunk], recognizer: Recognizer, decider: IntentDecider,
           emit: EventCallback) -> None:
    """Recognize every chunk; emit a `heard` event per transcript (partials too) and an
    `intent` event per intent, both at the audio time; flush at the end of the audio."""
    end_s = 0.0
    for chunk in chunks:
        end_s = chunk.end_s
        _report(recognizer.accept(chunk), decider, emit)
    _report(recognizer.flush(end_s), decider, emit)


def _report(transcripts: list[Transcript], decider: IntentDecider,
            emit: EventCallback) -> None:
    for transcript in transcripts:
        emit(heard_event(transcript))
        intent = decider.decide(transcript)
        if intent is not None:
            emit(intent_event(intent.at_s, intent.name, intent.text))


def listen_samples(samples: Samples, engine: str = "auto", language: str = "en",
                   vosk_model: str | Path | None = None, recognizer: Recognizer | None = None,
                   settings: DecisionSettings | None = None) -> list[SessionEvent]:
    """Recognize 16 kHz mono samples (a file, a benchmark clip); the events, in order.

    Pass `recognizer` to reuse a loaded one (models load slowly); else one is made."""
    if recognizer is None:
        from assistant.hearing.recognizers.select import make_recognizer

        recognizer = make_recognizer(engine, language, vosk_model)
    fanout = EventFanout()
    decider = IntentDecider(load_phrase_table(language), settings or DecisionSettings())
    listen(to_chunks(samples, SAMPLE_RATE_HZ), recognizer, decider, fanout.emit)
    return fanout.events
