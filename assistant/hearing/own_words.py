"""The assistant's own answer words: "yes" in "Say yes to go on" is not the walker's yes.

While a cue plays and for its echo tail, an intent that the cue itself says (one of that
intent's phrases, as whole words) is taken for the cue's echo, even if the echo guard let it
through. Safety intents are never held back: a false stop is safe, a missed one is not.
"""

from __future__ import annotations

from assistant.core.intents import PhraseTable, normalize
from assistant.core.names import IMMEDIATE_INTENTS, IntentName

#: Seconds after a cue during which what is heard may still hold its echo.
ECHO_TAIL_S = 1.0


class OwnWords:
    """Remembers which intents the playing cue says, until its echo tail has passed."""

    def __init__(self, table: PhraseTable, tail_s: float = ECHO_TAIL_S) -> None:
        """Match cues against this language's phrases."""
        self._table = table
        self._tail_s = tail_s
        self._cue_text = ""
        self._intents: frozenset[IntentName] = frozenset()
        self._until_s = -1.0

    def cue_playing(self, text: str, now_s: float) -> None:
        """Call while a cue is playing, as often as convenient."""
        if text != self._cue_text:
            self._cue_text, self._intents = text, self._intents_said_in(text)
        self._until_s = now_s + self._tail_s

    def is_own(self, intent: IntentName, at_s: float) -> bool:
        """Whether `intent`, heard at `at_s`, may be the assistant's own words."""
        return (intent not in IMMEDIATE_INTENTS and intent in self._intents
                and at_s <= self._until_s)

    def _intents_said_in(self, text: str) -> frozenset[IntentName]:
        words = f" {normalize(text)} "
        return frozenset(intent for phrase, intent in self._table.phrase_to_intent.items()
                         if f" {phrase} " in words)
