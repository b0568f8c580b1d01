"""The status line of a voice session, as the console has: phase, time left, what it heard.

Drawn by `ConsoleScreen` (cues above it, each on a line of its own) and only on a terminal:
`retrowalk start > session.txt` gets the cues alone. It is redrawn as the microphone's
chunks arrive (every 0.1 s), before each is heard (`WatchedSource`): the loop is not touched.
"""

from __future__ import annotations

from assistant.core.events import SessionEvent
from assistant.core.ports import AudioSource
from assistant.run.console import ConsoleScreen, format_status
from assistant.run.runner import SessionRunner
from assistant.run.watched_source import WatchedSource

#: A long phrase is cut: the status line must fit on one terminal line with the times.
HEARD_CHARS = 40


class VoiceStatus:
    """Keeps what the recognizer heard last (an event subscriber) and redraws the status."""

    def __init__(self, screen: ConsoleScreen, runner: SessionRunner) -> None:
        self._screen = screen
        self._runner = runner
        self._heard = ""
        self._drawn = ""

    def on_event(self, event: SessionEvent) -> None:
        """Subscriber: remember the last final transcript (partials would flicker)."""
        if event.type == "heard" and event.fields.get("final"):
            text = str(event.fields.get("text", "")).strip()
            if text:
                self._heard = text

    def redraw(self) -> None:
        """Draw the status line if it changed since it was last drawn."""
        text, phase = format_status(self._runner)
        if self._heard:
            heard = self._heard
            if len(heard) > HEARD_CHARS:
                heard = heard[: HEARD_CHARS - 1] + "…"
            text += f' | heard "{heard}"'
        if text != self._drawn:
            self._drawn = text
            self._screen.show_status(text, phase)

    def watch(self, source: AudioSource) -> AudioSource:
        """`source`, redrawing the status before each of its chunks is heard."""
        return WatchedSource(source, lambda _chunk: self.redraw())
