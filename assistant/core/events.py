"""Small typed values passed between the hops of the data path, and the event log's records.

microphone -> AudioChunk -> recognizer -> Transcript -> intents -> Intent -> session
-> Cue -> voice; everything that happens is also a SessionEvent, fed to one `emit`.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt

from assistant.core.errors import RetroWalkError
from assistant.core.names import IntentName

_LOGGER = logging.getLogger(__name__)

#: The one sample rate of the data path: 16 kHz mono, 16-bit PCM.
SAMPLE_RATE_HZ = 16_000


@dataclass(frozen=True)
class AudioChunk:
    """A piece of mono 16-bit audio, and where it starts on the session's clock."""

    samples: npt.NDArray[np.int16]
    rate_hz: int
    start_s: float
    #: When its last samples reached the program, on the session's clock (a microphone's
    #: blocks are stamped as they arrive); None where it was made from a recording.
    received_s: float | None = None

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.rate_hz

    @property
    def end_s(self) -> float:
        return self.start_s + self.duration_s

#: How a transcript marks a word outside the phrase list: Vosk's grammar token, which the
#: PocketSphinx recognizer writes too, and the intent decider reads.
UNKNOWN_WORD = "[unk]"


@dataclass(frozen=True)
class Transcript:
    """What a recognizer heard. Partial results change while the walker is still speaking."""

    text: str
    final: bool
    engine: str
    at_s: float
    #: 0..1, higher is surer; None where the engine gives no confidence.
    confidence: float | None = None
    #: Seconds of voiced audio (speech with a pitch) just before a final; None if unknown.
    voiced_s: float | None = None


@dataclass(frozen=True)
class Intent:
    """A command the walker gave: one of the contract's intent names, and the words behind it."""

    name: IntentName
    text: str
    at_s: float


class CueKind(StrEnum):
    """Why a cue is said: tells the voice what may be cut off and what the history records."""

    START = "start"
    ENCOURAGEMENT = "encouragement"
    REMAINING = "remaining"
    END = "end"
    PROMPT = "prompt"
    ANSWER = "answer"
    SAFETY = "safety"
    SUMMARY = "summary"
    REPEAT = "repeat"
    INFO = "info"


@dataclass(frozen=True)
class Cue:
    """Something the assistant says."""

    text: str
    kind: CueKind = CueKind.INFO
    wording: Callable[[], str] | None = field(default=None, compare=False, repr=False)
    """Words the cue afresh when it starts to play, for a cue that tells a time: queued
    behind others, it is then still true. None: `text` as it is."""


@dataclass(frozen=True)
class SessionEvent:
    """One line of the event log: `t` in seconds on the session's clock, a type, and fields."""

    type: str
    t_s: float
    fields: Mapping[str, Any] = field(default_factory=dict)

    def to_record(self) -> dict[str, Any]:
        """The contract's JSON object: `t` and `type` first, then the fields."""
        return {"t": round(self.t_s, 3), "type": self.type, **self.fields}

    def to_json_line(self) -> str:
        return json.dumps(self.to_record(), ensure_ascii=False)


def state_event(t_s: float, source: str, dest: str, trigger: str) -> SessionEvent:
    return SessionEvent("state", t_s, {"from": source, "to": dest, "trigger": trigger})


def cue_event(t_s: float, text: str, interrupted: bool) -> SessionEvent:
    return SessionEvent("cue", t_s, {"text": text, "interrupted": interrupted})


def heard_event(transcript: Transcript) -> SessionEvent:
    """What a recognizer heard; `score` (the engine's 0..1 confidence, the spotter's head
    score) extends the contract and is left out where the engine gives none."""
    fields: dict[str, Any] = {"text": transcript.text, "engine": transcript.engine,
                              "final": transcript.final}
    if transcript.confidence is not None:
        fields["score"] = round(transcript.confidence, 3)
    return SessionEvent("heard", transcript.at_s, fields)


def intent_event(t_s: float, intent: str, text: str) -> SessionEvent:
    return SessionEvent("intent", t_s, {"intent": intent, "text": text})


def alert_event(t_s: float, channel: str, ok: bool, detail: str,
                extra: Mapping[str, Any] | None = None) -> SessionEvent:
    """One alert attempt; `extra` extends the contract (`kind`, `attempt`, `simulated`...)."""
    return SessionEvent("alert", t_s, {"channel": channel, "ok": ok, "detail": detail,
                                       **(extra or {})})


def error_event(t_s: float, message: str) -> SessionEvent:
    return SessionEvent("error", t_s, {"message": message})


#: The one callback every hop reports through; it feeds the log, the history and the alerts.
EventCallback = Callable[[SessionEvent], None]


class EventFanout:
    """Sends each event to every subscriber: the log file, the history, the alerter, a screen.

    Thread-safe: alert delivery reports from its own thread, and events keep one order.
    Subscribers are isolated: one that raises is reported (a warning line and an `error`
    event to the others, once per distinct failure) and the others still get the event, so
    a full disk or a locked database never silences the alerter or stops the session."""

    def __init__(self, *subscribers: EventCallback) -> None:
        self._subscribers: list[tuple[EventCallback, str]] = [
            (subscriber, _subscriber_name(subscriber)) for subscriber in subscribers
        ]
        self._lock = threading.RLock()
        self._reported: set[tuple[str, str]] = set()
        self.events: list[SessionEvent] = []
        #: How many events each failing subscriber (by name) did not take.
        self.missed: dict[str, int] = {}

    def subscribe(self, subscriber: EventCallback, name: str | None = None) -> None:
        """Add a subscriber; `name` says what it is in a failure report ("the event log")."""
        with self._lock:
            self._subscribers.append((subscriber, name or _subscriber_name(subscriber)))

    def emit(self, event: SessionEvent) -> None:
        """Hand `event` to every subscriber; never raises for a subscriber's failure."""
        with self._lock:
            self.events.append(event)
            for failed, message in self._deliver(event, skip=None):
                self._report(event.t_s, failed, message)

    def _deliver(self, event: SessionEvent, skip: str | None) -> list[tuple[str, str]]:
        failures = []
        for subscriber, name in list(self._subscribers):
            if name == skip:
                continue
            try:
                subscriber(event)
            except Exception as err:  # isolation: a side job must never stop the session
                self.missed[name] = self.missed.get(name, 0) + 1
                failures.append((name, f"{type(err).__name__}: {err}" if not isinstance(
                    err, RetroWalkError) else str(err)))
                _LOGGER.debug("subscriber %s failed", name, exc_info=True)
        return failures

    def _report(self, t_s: float, name: str, message: str) -> None:
        if (name, message) in self._reported:
            return
        self._reported.add((name, message))
        _LOGGER.warning("%s failed (%s); the session goes on", name, message)
        notice = error_event(t_s, f"{name} failed: {message}")
        self.events.append(notice)
        # Told to the others only; a second failure here is counted, not reported again.
        self._deliver(notice, skip=name)


def _subscriber_name(subscriber: EventCallback) -> str:
    owner = getattr(subscriber, "__self__", None)
    return type(owner).__name__ if owner is not None else getattr(
        subscriber, "__qualname__", repr(subscriber))
