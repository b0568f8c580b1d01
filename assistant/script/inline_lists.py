"""A trap of YAML's inline lists: `start: [Walk backward now, slowly., Small steps.]` is
three cues, "Walk backward now", "slowly." and "Small steps.", since YAML splits an inline
list at every comma. `retrowalk check` warns when an inline cue list looks split that way.
"""

from __future__ import annotations

from collections.abc import Sequence

#: What a spoken sentence ends with (closing quotes and brackets aside).
_SENTENCE_ENDS = (".", "!", "?", "…")
_CLOSERS = "\"')]»”’"


def is_fragment(text: str) -> bool:
    """A piece of a sentence: it starts in lower case, or it does not end a sentence."""
    stripped = text.strip()
    return bool(stripped) and (stripped[0].islower()
                               or not stripped.rstrip(_CLOSERS).endswith(_SENTENCE_ENDS))


def looks_split(texts: Sequence[str]) -> bool:
    """An inline list of two or more cues of which one is a fragment of a sentence."""
    return len(texts) > 1 and any(is_fragment(text) for text in texts)


def split_warning(texts: Sequence[str]) -> str:
    """The warning for an inline cue list that looks split at its commas."""
    shown = " / ".join(f'"{text}"' for text in texts)
    return (f"this inline list is {len(texts)} cues, as YAML splits [...] at every comma: "
            f"{shown}; if that is not meant, write one cue a line (- Walk backward now, "
            "slowly.) or put each cue in quotes")
