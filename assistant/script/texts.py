"""What a script's texts may hold: a length that fits spoken cues, no control characters;
and how a caregiver's text is shown on a terminal without disturbing it."""

from __future__ import annotations

import re
import unicodedata

#: The longest text a script may hold: a spoken cue of about a minute, well past any sane cue.
MAX_TEXT_CHARS = 600
#: Format characters that reorder or hide text on a terminal (bidirectional overrides).
_HIDING_FORMATS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
#: An unquoted whole number written with a leading zero: YAML 1.1 reads 030 as octal (24).
LEADING_ZERO = re.compile(r"[-+]?0[0-9_]+")


def control_character(text: str) -> str | None:
    """The first control character in `text` ("U+001B"), or None; tabs and line breaks are
    allowed, escape sequences and bidirectional overrides are not."""
    for char in text:
        if char in "\t\n":
            continue
        if unicodedata.category(char) == "Cc" or char in _HIDING_FORMATS:
            return f"U+{ord(char):04X}"
    return None


def printable(text: str) -> str:
    """`text` with its control characters shown as escapes, safe to print on a terminal."""
    return "".join(char if control_character(char) is None or char in "\t\n"
                   else f"\\u{ord(char):04x}" for char in text)


def text_problem(value: str, max_chars: int = MAX_TEXT_CHARS) -> str | None:
    """What is wrong with a text of a script (too long, a control character), or None."""
    if len(value) > max_chars:
        return (f"is {len(value)} characters long; at most {max_chars} fit one spoken cue, "
                "split it into shorter ones")
    found = control_character(value)
    if found:
        return (f"holds the control character {found}, which cannot be spoken and may "
                "disturb a terminal; remove it")
    return None
