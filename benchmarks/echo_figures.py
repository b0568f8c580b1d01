"""Figures of the echo benchmark: echo return loss enhancement, the walker's speech kept
through double talk, and what the real recognizer made of the cleaned audio."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from assistant.audio.chunks import Samples
from assistant.core.events import SAMPLE_RATE_HZ, AudioChunk, Intent, SessionEvent, Transcript
from assistant.core.intents import load_phrase_table
from assistant.core.ports import Recognizer
from assistant.hearing.decider import IntentDecider
from assistant.hearing.own_words import ECHO_TAIL_S
from assistant.run.listening import listen
from benchmarks.echo_cancellers import CHUNK, Canceller, GuardCanceller
from benchmarks.echo_room import Floats, Playback, Stream

#: Lags (samples) searched between the cleaned signal and the clean walker: WebRTC's output
#: lags its input by 128 samples (8 ms, measured), EchoGuard's not at all.
MIN_LAG, MAX_LAG = -32, 160
#: A "stop" counts as heard when its intent comes this long after the word ends, at most.
HEARD_WITHIN_S = 2.0
#: The span after a cue's end still counted as its stretch (the reverberant echo tail).
ECHO_SPAN_TAIL = int(0.2 * SAMPLE_RATE_HZ)


def cue_mask(stream: Stream, since: int = 0, until: int | None = None) -> np.ndarray:
    """Samples where a cue is echoing and the walker is silent, from `since` to `until`."""
    mask = np.zeros(len(stream.played), dtype=bool)
    for playback in stream.playbacks:
        mask[playback.start : playback.end + ECHO_SPAN_TAIL] = True
    for word in stream.words:
        mask[word.start : word.end + ECHO_SPAN_TAIL] = False
    mask[:since] = False
    if until is not None:
        mask[until:] = False
    return mask


def erle_db(stream: Stream, cleaned: Samples, mask: np.ndarray) -> float:
    """Microphone energy over cleaned energy where `mask`; the cleaned energy is counted as
    at least one int16 unit per sample, since suppression can leave exact zeros."""
    if not mask.any():
        return float("nan")
    mic = stream.mic[: len(cleaned)].astype(np.float64)[mask[: len(cleaned)]]
    out = cleaned.astype(np.float64)[mask[: len(cleaned)]]
    return float(10 * np.log10(np.sum(mic**2) / max(float(np.sum(out**2)), len(out))))


#: Edges (seconds from the first cue's start) of the stretches the convergence is shown in.
CONVERGENCE_EDGES_S = (0.0, 0.5, 1.0, 2.0, 3.0, 5.0, 8.0, 11.0)


def convergence(stream: Stream, cleaned: Samples,
                edges_s: tuple[float, ...] = CONVERGENCE_EDGES_S) -> list[float]:
    """ERLE over successive stretches of the first cue, timed from its start."""
    first = stream.playbacks[0].start
    spans = zip(edges_s[:-1], edges_s[1:], strict=True)
    return [erle_db(stream, cleaned, cue_mask(stream, first + int(a * SAMPLE_RATE_HZ),
                                              first + int(b * SAMPLE_RATE_HZ)))
            for a, b in spans]


def onset_mask(stream: Stream, length_s: float = 0.5) -> np.ndarray:
    """The first `length_s` of every cue but the first: where a re-fitting canceller is weak."""
    mask = np.zeros(len(stream.played), dtype=bool)
    for playback in stream.playbacks[1:]:
        mask[playback.start : playback.start + int(length_s * SAMPLE_RATE_HZ)] = True
    return mask & cue_mask(stream)


@dataclass(frozen=True)
class Kept:
    """How much of one word of the walker survived cleaning."""

    correlation: float
    """Peak normalized correlation of the cleaned signal with the clean walker (0..1)."""
    kept_db: float
    """The walker's level in the cleaned signal (its projection), relative to the clean word."""


def walker_kept(stream: Stream, cleaned: Samples) -> list[Kept]:
    """For each walker word: correlation and level of the cleaned signal against the word."""
    kept = []
    for word in stream.words:
        low, high = word.start - MIN_LAG, min(word.end, len(cleaned)) - MAX_LAG
        clean = stream.walker[low:high]
        best = (0.0, 0.0)
        for lag in range(MIN_LAG, MAX_LAG + 1):
            out = cleaned[low + lag : high + lag].astype(np.float64)
            dot = float(out @ clean)
            corr = dot / np.sqrt(max(float(out @ out) * float(clean @ clean), 1e-9))
            if corr > best[0]:
                best = (corr, dot / max(float(clean @ clean), 1e-9))
        kept.append(Kept(best[0], float(20 * np.log10(max(best[1], 1e-6)))))
    return kept


class SpeakingDecider(IntentDecider):
    """The product's decider, told (as the runner tells it) when the assistant is speaking:
    from a cue's start to `ECHO_TAIL_S` after its end."""

    def __init__(self, playbacks: list[Playback]) -> None:
        super().__init__(load_phrase_table("en"))
        self._spans = [(p.start / SAMPLE_RATE_HZ, p.end / SAMPLE_RATE_HZ + ECHO_TAIL_S)
                       for p in playbacks]

    def decide(self, transcript: Transcript, assistant_speaking: bool = False) -> Intent | None:
        """The intent of the transcript, with the runner's barge-in rule during cues."""
        speaking = assistant_speaking or any(a <= transcript.at_s <= b for a, b in self._spans)
        return super().decide(transcript, assistant_speaking=speaking)


@dataclass(frozen=True)
class HeardIntent:
    """An intent the recognizer gave, and whether the guard's transcript check rejected it."""

    name: str
    at_s: float
    rejected: bool


def cleaned_chunks(stream: Stream, canceller: Canceller, cleaned: list[Samples],
                   checker: GuardCanceller | None = None) -> Iterator[AudioChunk]:
    """The stream cleaned chunk by chunk, as the runner's loop does; `checker` (a guard run
    on the raw microphone) serves only the transcript check of another canceller."""
    pending = sorted(stream.playbacks, key=lambda p: p.start)
    mic = stream.mic
    for start in range(0, len(mic) - len(mic) % CHUNK, CHUNK):
        while pending and pending[0].start < start + CHUNK:
            playback = pending.pop(0)
            canceller.start_cue(playback)
            if checker is not None:
                checker.start_cue(playback)
        piece, played = mic[start : start + CHUNK], stream.played[start : start + CHUNK]
        if checker is not None:
            checker.process(start, piece, played)
        out = canceller.process(start, piece, played)
        cleaned.append(out)
        yield AudioChunk(out, SAMPLE_RATE_HZ, start / SAMPLE_RATE_HZ)


def recognize(stream: Stream, canceller: Canceller, recognizer: Recognizer | None,
              checker: GuardCanceller | None = None) -> tuple[Samples, list[HeardIntent]]:
    """Clean the stream and (with a recognizer) listen to it through `assistant.listening`;
    each intent is checked by the guard's transcript check at the moment it is given."""
    cleaned: list[Samples] = []
    chunks = cleaned_chunks(stream, canceller, cleaned, checker)
    heard: list[HeardIntent] = []
    judge = checker or (canceller if isinstance(canceller, GuardCanceller) else None)

    def emit(event: SessionEvent) -> None:
        if event.type == "intent":
            text = str(event.fields.get("text", ""))
            rejected = judge is not None and judge.is_probably_echo(text, event.t_s)
            heard.append(HeardIntent(str(event.fields["intent"]), event.t_s, rejected))

    if recognizer is None:
        for _chunk in chunks:
            pass
    else:
        listen(chunks, recognizer, SpeakingDecider(stream.playbacks), emit)
    out = np.concatenate(cleaned)
    # A canceller that holds the microphone is realigned, so figures compare like with like.
    lag = canceller.latency
    if lag:
        out = np.concatenate([out[lag:], np.zeros(lag, dtype=out.dtype)])
    return out, heard


def stops_heard(stream: Stream, heard: list[HeardIntent], checked: bool) -> tuple[int, int]:
    """(walker words answered by a "stop" intent, intents that answer no word)."""
    accepted = [h for h in heard if not (checked and h.rejected)]
    windows = [(w.start / SAMPLE_RATE_HZ, w.end / SAMPLE_RATE_HZ + HEARD_WITHIN_S)
               for w in stream.words]
    hits = sum(any(h.name == "stop" and a <= h.at_s <= b for h in accepted) for a, b in windows)
    stray = sum(not any(a <= h.at_s <= b for a, b in windows) for h in accepted)
    return hits, stray


def as_floats(samples: Samples) -> Floats:
    """int16 samples as float64, for arithmetic without overflow."""
    return samples.astype(np.float64)
