"""From what the recognizer heard to the walker's intents, with asymmetric rules.

Safety intents (stop, dizzy, help, pause) act on the first partial result that holds a safety
phrase: a false stop is safe, a late one is not. Each utterance fires a safety intent at most
once, so the final result of the same utterance does not fire it again. Everything else waits
for the final result; intents that lead back to walking (resume, yes, ready, cancel) must also
clear a confidence bar.

Ordinary talk must not command anything: a transcript that is not exactly one phrase is
ignored, except that a safety phrase at the start or the end of a short utterance still
counts (a walker says "oh stop", or "stop, I need to..."; the recognizer often adds an
unknown word for a breath or a noise beside the command).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from assistant.core.events import UNKNOWN_WORD, Intent, Transcript
from assistant.core.intents import PhraseTable, normalize
from assistant.core.names import IMMEDIATE_INTENTS, RESUMING_INTENTS, IntentName

_LOGGER = logging.getLogger(__name__)

_UNKNOWN_TOKEN = "<unk>"


@dataclass(frozen=True)
class DecisionSettings:
    """Thresholds of the decisions; each field names its unit."""

    min_confidence: float = 0.5
    """Confidence (0..1, the engine's own) a final result needs for a resuming intent.
    A final without any confidence is taken as passing (the engine gives none)."""
    max_extra_words: int = 2
    """Unknown words (count) a short utterance may hold beside a safety phrase at its start
    or end; longer utterances are ordinary talk, where a safety word does not count."""
    max_unknown_before_partial: int = 0
    """Unknown words (count) a partial result may hold before a safety phrase and still act.
    A partial is the start of what may become a long sentence ("[unk] wait ..."), so it is
    held to a stricter rule than a final: by default it must be the phrase itself; the final
    of a short utterance still catches "[unk] stop" half a second later."""
    safety_on_partials: bool = True
    """Act on safety phrases in partial results (True), or wait for finals (False)."""
    min_voiced_s: float = 0.03
    """Seconds of voiced audio (`Transcript.voiced_s`) a final needs for a non-safety intent:
    clatter and running water have none, yet the recognizer may hear "yep" in them."""
    max_unknown_before_barge_in: int = 12
    """Unknown words (count) a partial may hold before a safety phrase while the assistant
    is speaking (barge-in). What the echo guard leaves of the assistant's own voice is
    decoded as unknown words, so the walker's "stop" over a cue ends a partial that began
    with them; a false stop is safe, a missed one over a cue is not."""


class IntentDecider:
    """Decides, transcript by transcript, which intent (if any) the walker gave."""

    def __init__(self, table: PhraseTable, settings: DecisionSettings = DecisionSettings()) -> None:
        self.table = table
        self.settings = settings
        self._fired_this_utterance = False

    def decide(self, transcript: Transcript, assistant_speaking: bool = False) -> Intent | None:
        """The intent of this transcript, or None; call it for every partial and final.

        `assistant_speaking`: a cue is playing (or just ended), so a safety phrase may
        follow the unknown words of its echo within one utterance."""
        if transcript.final:
            found = self._phrase_in(transcript.text)
            already_fired = self._fired_this_utterance
            self._fired_this_utterance = False
            if found is None or already_fired:
                return None
            return self._decide_final(found, transcript)
        if self._fired_this_utterance or not self.settings.safety_on_partials:
            return None
        allowed = (self.settings.max_unknown_before_barge_in if assistant_speaking
                   else self.settings.max_unknown_before_partial)
        found = self._safety_in_partial(transcript.text, allowed)
        if found is None:
            return None
        self._fired_this_utterance = True
        return Intent(found[0], found[1], transcript.at_s)

    def _decide_final(self, found: tuple[IntentName, str], transcript: Transcript) -> Intent | None:
        intent, phrase = found
        voiced_s = transcript.voiced_s
        # Safety is not held to it: a whispered "stop" must still count (measured: 3 of 80
        # real stops had no voiced frame), and a false stop is safe.
        if (intent not in IMMEDIATE_INTENTS and voiced_s is not None
                and voiced_s < self.settings.min_voiced_s):
            _LOGGER.debug("%r heard with no voice in it (%.2f s voiced)", phrase, voiced_s)
            return None
        confidence = transcript.confidence
        if (intent in RESUMING_INTENTS and confidence is not None
                and confidence < self.settings.min_confidence):
            _LOGGER.debug("%r below the confidence bar (%.2f)", phrase, confidence)
            return None
        return Intent(intent, phrase, transcript.at_s)

    def _safety_in_partial(self, text: str, allowed_unknown: int) -> tuple[IntentName, str] | None:
        """A safety phrase ending the partial, after `allowed_unknown` unknown words at most."""
        tokens = _tokens(text)
        leading = next((i for i, t in enumerate(tokens) if t != _UNKNOWN_TOKEN), len(tokens))
        if leading > allowed_unknown:
            return None
        phrase = " ".join(tokens[leading:])
        intent = self.table.phrase_to_intent.get(phrase)
        return (intent, phrase) if intent in IMMEDIATE_INTENTS else None

    def _phrase_in(self, text: str) -> tuple[IntentName, str] | None:
        """The phrase this text is (any intent), or a safety phrase at its start or end."""
        tokens = _tokens(text)
        if not tokens or _UNKNOWN_TOKEN in tokens and len(tokens) == tokens.count(_UNKNOWN_TOKEN):
            return None
        exact = self.table.phrase_to_intent.get(" ".join(tokens))
        if exact is not None:
            return exact, " ".join(tokens)
        if tokens.count(_UNKNOWN_TOKEN) > self.settings.max_extra_words:
            return None
        return self._safety_at_edge(tokens)

    def _safety_at_edge(self, tokens: list[str]) -> tuple[IntentName, str] | None:
        for length in range(len(tokens) - 1, 0, -1):
            for words in (tokens[:length], tokens[-length:]):
                phrase = " ".join(words)
                intent = self.table.phrase_to_intent.get(phrase)
                rest = len(tokens) - length
                if intent in IMMEDIATE_INTENTS and rest <= self.settings.max_extra_words:
                    return intent, phrase
        return None


def _tokens(text: str) -> list[str]:
    """Words of a transcript, with every unknown-word marker made one token."""
    marked = text.replace(UNKNOWN_WORD, f" {_UNKNOWN_TOKEN} ")
    return [_UNKNOWN_TOKEN if part == _UNKNOWN_TOKEN else normalize(part)
            for part in marked.split() if part == _UNKNOWN_TOKEN or normalize(part)]
