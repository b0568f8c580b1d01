"""The cues a session has queued for the runner to speak, and the last one said, for "repeat".

Pure: the session's callbacks only queue; the runner takes the queue and speaks it.
"""

from __future__ import annotations

from assistant.core.events import Cue, CueKind


class CueQueue:
    """Cues in the order they were queued; "repeat" says the last one that was not a repeat."""

    def __init__(self) -> None:
        self._queued: list[Cue] = []
        self._last: Cue | None = None

    def say(self, text: str, kind: CueKind) -> None:
        """Queue `text` to be spoken as a cue of `kind`."""
        cue = Cue(text, kind)
        self._queued.append(cue)
        if kind != CueKind.REPEAT:
            self._last = cue

    def repeat_last(self) -> None:
        """Queue the last cue again (nothing before the first cue)."""
        if self._last is not None:
            self.say(self._last.text, CueKind.REPEAT)

    def clear(self) -> None:
        """Drop what is queued and not yet taken: it is stale (safety rules 1 and 3)."""
        self._queued.clear()

    def take(self) -> list[Cue]:
        """The cues queued since the last call, in order; the queue is then empty."""
        taken, self._queued = self._queued, []
        return taken
