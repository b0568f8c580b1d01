"""Where cues go: spoken through a renderer and a speaker, or printed on a console.

The session queues cues; the runner hands them here in order. A safety intent cuts the
current cue off at once and drops the queue (safety rule 1), then the safety cue follows.
Every cue is logged when it starts; a cue cut off is logged again with `interrupted: true`
at the moment it was cut.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Protocol

import numpy as np
import numpy.typing as npt

from assistant.core.clock import Clock
from assistant.core.errors import VoiceError
from assistant.core.events import Cue, EventCallback, cue_event
from assistant.script.model import VoiceSettings


class CueOutput(Protocol):
    def say(self, cue: Cue, voice: VoiceSettings) -> None:
        """Queue a cue; it starts when the ones before it have finished."""
        ...

    def cut(self) -> None:
        """Silence the current cue at once and drop the queued ones."""
        ...

    def update(self) -> None:
        """Start the next queued cue if nothing is playing (called every loop step)."""
        ...

    @property
    def busy(self) -> bool:
        """Is a cue playing or waiting?"""
        ...

    @property
    def speaking_text(self) -> str | None:
        """The text of the cue being played now, or None."""
        ...


class PrintedCues:
    """Console output: each cue is shown at once (and logged); nothing to cut."""

    def __init__(self, clock: Clock, emit: EventCallback, show: Callable[[str], None]) -> None:
        self._clock = clock
        self._emit = emit
        self._show = show

    def say(self, cue: Cue, voice: VoiceSettings) -> None:
        self._emit(cue_event(self._clock.now_s(), cue.text, interrupted=False))
        self._show(cue.text)

    def cut(self) -> None:
        pass

    def update(self) -> None:
        pass

    @property
    def speaking_text(self) -> str | None:
        return None  # printed cues make no sound to echo

    @property
    def busy(self) -> bool:
        return False


class RenderedAudio(Protocol):
    """A cue as audio (see `assistant.speaking.voice.RenderedCue`)."""

    @property
    def samples(self) -> npt.NDArray[np.int16]: ...

    @property
    def rate_hz(self) -> int: ...

    @property
    def text(self) -> str: ...


class Renderer(Protocol):
    def render(self, text: str, rate_wpm: int, volume: float) -> RenderedAudio: ...


class Player(Protocol):
    def play(self, samples: object, rate_hz: int, at_s: float) -> None: ...

    def stop(self) -> None: ...

    def is_playing(self, now_s: float) -> bool: ...


#: Told of every rendered cue the moment it starts playing (the echo guard listens).
PlayedCallback = Callable[[RenderedAudio, float], None]


class SpokenCues:
    """Renders each cue with the walker's current voice settings and plays it.

    Every cue is also shown (`show`), for a caregiver watching. If no voice can render a
    cue, it is shown and a chime (`fallback_sound`) is played: never a silent session."""

    def __init__(
        self,
        renderer: Renderer,
        speaker: Player,
        clock: Clock,
        emit: EventCallback,
        show: Callable[[str], None] = lambda text: None,
        fallback_sound: object | None = None,
        on_played: PlayedCallback | None = None,
        on_cut: Callable[[float], None] | None = None,
    ) -> None:
        self._renderer = renderer
        self._show = show
        self._fallback_sound = fallback_sound
        self._speaker = speaker
        self._clock = clock
        self._emit = emit
        self._on_played = on_played
        self._on_cut = on_cut
        self._queue: deque[tuple[Cue, VoiceSettings]] = deque()
        self._current: Cue | None = None

    def say(self, cue: Cue, voice: VoiceSettings) -> None:
        self._queue.append((cue, voice))
        self.update()

    def cut(self) -> None:
        now_s = self._clock.now_s()
        self._queue.clear()
        if self._current is not None and self._speaker.is_playing(now_s):
            self._speaker.stop()
            self._emit(cue_event(now_s, self._current.text, interrupted=True))
            if self._on_cut is not None:
                self._on_cut(now_s)
        self._current = None

    def update(self) -> None:
        now_s = self._clock.now_s()
        if self._speaker.is_playing(now_s):
            return
        self._current = None
        if not self._queue:
            return
        cue, voice = self._queue.popleft()
        if cue.wording is not None:  # a time in it is said as it is now, not when queued
            cue = Cue(cue.wording(), cue.kind)
        self._current = cue
        try:
            rendered = self._renderer.render(cue.text, voice.rate_wpm, voice.volume)
        except VoiceError:
            rendered = None
            if self._fallback_sound is not None:
                self._speaker.play(self._fallback_sound, 16_000, now_s)
        # Rendering may take a while (live): the cue starts, and is stamped, when it plays.
        now_s = self._clock.now_s()
        if rendered is not None:
            self._speaker.play(rendered.samples, rendered.rate_hz, now_s)
        # Logged once playing, so that whoever reads the event can see how long it lasts.
        self._emit(cue_event(now_s, cue.text, interrupted=False))
        self._show(cue.text)
        if rendered is not None and self._on_played is not None:
            self._on_played(rendered, now_s)

    @property
    def busy(self) -> bool:
        return bool(self._queue) or self._speaker.is_playing(self._clock.now_s())

    @property
    def speaking_text(self) -> str | None:
        playing = self._current is not None and self._speaker.is_playing(self._clock.now_s())
        return self._current.text if playing and self._current is not None else None
