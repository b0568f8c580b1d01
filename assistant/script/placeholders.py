"""Times in a script's own cues, filled in when the cue is said, so that they stay true.

A phase's cues may say `{duration}`, the phase's length as it stands ("three minutes"; the
cool-down's is shorter when the walker chose to end early), and `{walked}`, the backward
walking done so far today ("ten minutes"). So "First, {duration} of easy walking forward."
is still true after the caregiver changes `duration_s`, and "That was {walked} of backward
walking." after `retrowalk progress --apply` has made the walks longer. `retrowalk check`
refuses any other `{...}`, which would otherwise be spoken as it is written. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

#: The placeholders a phase's cue may hold, and what each is replaced with.
PLACEHOLDERS = {
    "duration": "the phase's length, e.g. three minutes",
    "walked": "the backward walking done so far today, e.g. ten minutes",
}
_TOKEN = re.compile(r"\{([^{}]*)\}")


def unknown_placeholder_problem(text: str, allowed: frozenset[str]) -> str | None:
    """What is wrong with the `{...}` in `text`, or None when there is nothing wrong."""
    unknown = [name for name in _TOKEN.findall(text) if name not in allowed]
    if not unknown:
        return None
    if not allowed:
        return (f"{{{unknown[0]}}} would be spoken as it is written: this text has no "
                "placeholders")
    known = ", ".join(f"{{{name}}} ({PLACEHOLDERS[name]})" for name in sorted(allowed))
    return f"{{{unknown[0]}}} is not a placeholder; a cue may say {known}"


def fill_placeholders(text: str, values: Mapping[str, str]) -> str:
    """`text` with each known placeholder replaced; a sentence it begins starts in capitals."""
    if "{" not in text:
        return text
    filled = _TOKEN.sub(lambda match: values.get(match.group(1), match.group(0)), text)
    starts_with_one = _TOKEN.match(text) is not None
    return filled[:1].upper() + filled[1:] if starts_with_one else filled
