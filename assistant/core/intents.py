"""Phrases to intents, per language, from data files in `assistant/phrases/`.

The same table serves the recognizer (its grammar is the phrase list) and typed console
commands, so "I feel dizzy" works whether it is said or typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from assistant.core.errors import ScriptError
from assistant.core.names import IntentName

# Letters of any script (Korean phrases too), digits and apostrophes.
_WORD = re.compile(r"[\w']+")


def normalize(text: str) -> str:
    """Lower case, words only, single spaces; curly apostrophes made plain."""
    return " ".join(_WORD.findall(text.lower().replace("\u2019", "'")))


@dataclass(frozen=True)
class PhraseTable:
    """Every phrase of one language and the intent it means."""

    language: str
    phrase_to_intent: dict[str, IntentName]

    @property
    def phrases(self) -> list[str]:
        return sorted(self.phrase_to_intent)

    def phrases_for(self, intent: IntentName) -> list[str]:
        return sorted(p for p, name in self.phrase_to_intent.items() if name == intent)

    def vocabulary(self) -> list[str]:
        """Every word that occurs in a phrase (for a recognizer's dictionary check)."""
        return sorted({word for phrase in self.phrase_to_intent for word in phrase.split()})

    def find(self, text: str) -> tuple[IntentName, str] | None:
        """The intent of a phrase contained (as whole words) in free text, for typed commands.

        "oh I feel dizzy now" finds `dizzy`. A safety intent wins over any other (a false stop
        is safe, a missed one is not); among the rest, the longest phrase wins."""
        words = f" {normalize(text)} "
        found = [
            (_SAFETY_RANK.get(intent, 0), len(phrase), phrase, intent)
            for phrase, intent in self.phrase_to_intent.items()
            if f" {phrase} " in words
        ]
        if not found:
            return None
        _, _, phrase, intent = max(found)
        return intent, phrase


#: Which safety intent wins when one text holds several: the one that does the most.
_SAFETY_RANK = {IntentName.HELP: 4, IntentName.DIZZY: 3, IntentName.STOP: 2, IntentName.PAUSE: 1}


@cache
def load_phrase_table(language: str = "en") -> PhraseTable:
    """Load `assistant/phrases/<language>.yaml`; a missing or bad table is a clear error."""
    try:
        text = resources.files("assistant.phrases").joinpath(f"{language}.yaml").read_text("utf-8")
    except FileNotFoundError as err:
        raise ScriptError(
            f"no phrase table for language {language!r}; available: {', '.join(languages())}"
        ) from err
    data = yaml.safe_load(text) or {}
    table: dict[str, IntentName] = {}
    for name, phrases in data.items():
        intent = IntentName(name)
        for phrase in phrases:
            key = normalize(str(phrase))
            if key in table and table[key] != intent:
                raise ScriptError(f"phrase {key!r} is given for both {table[key]} and {intent}")
            table[key] = intent
    return PhraseTable(language, table)


def languages() -> list[str]:
    """Languages that have a phrase table."""
    folder = resources.files("assistant.phrases")
    names = [entry.name for entry in folder.iterdir()]
    return sorted(name.removesuffix(".yaml") for name in names if name.endswith(".yaml"))
