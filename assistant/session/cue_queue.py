"""The cues a session has queued for the runner to speak, and the last one said, for "repeat".

Pure: the session's callbacks only queue; the runner takes the queue and speaks it. A cue that
tells a time ("thirty seconds left") is queued with the functions that word it: `live`, which
the voice calls when the cue starts to play (it may wait behind others), and `again`, which
"repeat" calls; so the time said is the time then, not when it was queued.
"""

from __future__ import annotations

from collections.abc import Callable

from assistant.core.events import Cue, CueKind

#: Words a cue afresh, at the moment it is said (again).
Wording = Callable[[], str]


class CueQueue:
    """Cues in the order they were queued; "repeat" says the last one that was not a repeat."""

    def __init__(self) -> None:
        self._queued: list[Cue] = []
        self._last: Cue | None = None
        self._last_wording: Wording | None = None
        self.count = 0
        """How many cues have been queued so far (to see whether anything was said)."""

    def say(self, text: str, kind: CueKind, again: Wording | None = None,
            live: Wording | None = None) -> None:
        """Queue `text` to be spoken as a cue of `kind`; `live` words it afresh when it
        plays, `again` when it is repeated."""
        cue = Cue(text, kind, live)
        self._queued.append(cue)
        self.count += 1
        if kind != CueKind.REPEAT:
            self._last, self._last_wording = cue, again

    def repeat_last(self) -> bool:
        """Queue the last cue again, worded afresh where it tells a time; False if none."""
        if self._last is None:
            return False
        again = self._last_wording
        self.say(again() if again is not None else self._last.text, CueKind.REPEAT, live=again)
        return True

    def clear(self) -> None:
        """Drop what is queued and not yet taken: it is stale (safety rules 1 and 3)."""
        self._queued.clear()

    def take(self) -> list[Cue]:
        """The cues queued since the last call, in order; the queue is then empty."""
        taken, self._queued = self._queued, []
        return taken
