"""Isolated utterances: a word that leads back to walking counts only when said on its own.

"Yes" inside "yes, I saw it on the news" must not resume a walk. A voice-activity detector
marks speech and silence; a held detection is released once the stretch of speech around it
has ended (silence for `min_silence_after_s`) and was no longer than `max_utterance_s`, and
dropped when that stretch is longer. Pure: fed speech probabilities with audio times.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class IsolationSettings:
    """How alone a word must be; each field names its unit."""

    min_silence_after_s: float = 0.3
    """Silence (seconds) that ends an utterance; shorter pauses are gaps between words."""
    max_utterance_s: float = 1.8
    """The longest utterance (seconds of speech and short gaps) an answer may be."""
    speech_probability: float = 0.5
    """A voice-activity frame at or above this probability is speech."""
    detection_lag_s: float = 0.6
    """How long after its utterance's last speech a detection may come (the head decides
    on frames that end up to about half a second after the word)."""


class UtteranceGate:
    """Holds detections until the utterance around them ends; releases the isolated ones."""

    def __init__(self, settings: IsolationSettings = IsolationSettings()) -> None:
        """Start in silence."""
        self.settings = settings
        self.reset()

    def reset(self) -> None:
        """Forget everything (a new recording, or a replay of recent audio)."""
        self._start_s: float | None = None  # start of the open utterance, None in silence
        self._last_speech_s = -1.0
        self._closed: tuple[float, float] | None = None  # the last utterance that ended
        self._held: list[object] = []

    @property
    def holding(self) -> bool:
        """Whether a detection is waiting for its utterance to end."""
        return bool(self._held)

    def hold(self, item: object, at_s: float) -> list[object]:
        """Keep `item`, detected at `at_s`, until its utterance is over; returns it at once
        (or nothing, dropping it) when that utterance has already ended."""
        settings = self.settings
        if self._start_s is None and self._closed is not None:
            start_s, end_s = self._closed
            if at_s - end_s <= settings.detection_lag_s:
                return [item] if end_s - start_s <= settings.max_utterance_s else []
        if self._start_s is None:  # the detector heard a word the voice detector missed
            self._start_s = max(at_s - settings.detection_lag_s, 0.0)
            self._last_speech_s = at_s
        self._held.append(item)
        return []

    def frame(self, speech_probability: float, start_s: float, end_s: float) -> list[object]:
        """Feed one voice-activity frame; return the held items whose utterance ended alone."""
        settings = self.settings
        if speech_probability >= settings.speech_probability:
            if self._start_s is None:
                self._start_s = start_s
            self._last_speech_s = end_s
            return []
        if self._start_s is None or end_s - self._last_speech_s < settings.min_silence_after_s:
            return []
        self._closed = (self._start_s, self._last_speech_s)
        isolated = self._last_speech_s - self._start_s <= settings.max_utterance_s
        released = self._held if isolated else []
        self._start_s, self._held = None, []
        return released
