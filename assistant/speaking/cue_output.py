"""Where cues go: spoken through a renderer and a speaker, or printed on a console.

The session queues cues; the runner hands them here in order. A safety intent cuts the
current cue off at once and drops the queue (safety rule 1), then the safety cue follows.
Every cue is logged when it starts; a cue cut off is logged again with `interrupted: true`
at the moment it was cut.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from functools import partial
from typing import Protocol

import numpy as np
import numpy.typing as npt

from assistant.core.clock import Clock
from assistant.core.errors import VoiceError
from assistant.core.events import Cue, EventCallback, cue_event
from assistant.script.model import VoiceSettings
from assistant.speaking.render_ahead import PendingRender, ready


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
    cue, it is shown and a chime (`fallback_sound`) is played: never a silent session.

    With `render_ahead` (live), rendering runs on its own thread, outside the listening
    loop: the next cue is rendered while the current one plays, and a cue plays once its
    audio is ready; `update()` never waits for it. A cue found in the renderer's cache (the
    script's fixed cues, the stop instructions) is ready at once. Without it (simulated
    sessions, whose clock does not move while a cue renders) each cue renders when due."""

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
        render_ahead: bool = False,
    ) -> None:
        self._renderer = renderer
        self._show = show
        self._fallback_sound = fallback_sound
        self._speaker = speaker
        self._clock = clock
        self._emit = emit
        self._on_played = on_played
        self._on_cut = on_cut
        self._render_ahead = render_ahead
        self._queue: deque[tuple[Cue, VoiceSettings]] = deque()
        self._current: Cue | None = None
        #: The next cue to play, and its audio being rendered (None: no voice could).
        self._next: tuple[Cue, PendingRender[RenderedAudio | None]] | None = None
        self._renders: list[PendingRender[RenderedAudio | None]] = []

    def say(self, cue: Cue, voice: VoiceSettings) -> None:
        self._queue.append((cue, voice))
        self.update()

    def cut(self) -> None:
        now_s = self._clock.now_s()
        self._queue.clear()
        self._next = None  # a render under way finishes on its own thread, unheard
        if self._current is not None and self._speaker.is_playing(now_s):
            self._speaker.stop()
            self._emit(cue_event(now_s, self._current.text, interrupted=True))
            if self._on_cut is not None:
                self._on_cut(now_s)
        self._current = None

    def update(self) -> None:
        if self._speaker.is_playing(self._clock.now_s()):
            if self._render_ahead and self._next is None and self._queue \
                    and self._queue[0][0].wording is None:  # a time in it is said when due
                self._next = self._prepare(*self._queue.popleft())
            return
        self._current = None
        if self._next is None:
            if not self._queue:
                return
            self._next = self._prepare(*self._queue.popleft())
        cue, pending = self._next
        if not pending.done:
            return  # still rendering: the loop goes on hearing meanwhile
        self._next = None
        self._play(cue, pending.result())

    @property
    def busy(self) -> bool:
        return (bool(self._queue) or self._next is not None
                or self._speaker.is_playing(self._clock.now_s()))

    @property
    def speaking_text(self) -> str | None:
        playing = self._current is not None and self._speaker.is_playing(self._clock.now_s())
        return self._current.text if playing and self._current is not None else None

    def finish_renders(self, timeout_s: float) -> bool:
        """Before the program exits: wait (real time, bounded) for renders under way, so no
        thread is cut off inside a native library; True when none is left."""
        for pending in self._renders:
            pending.wait(timeout_s)
        self._renders = [pending for pending in self._renders if not pending.done]
        return not self._renders

    def _prepare(self, cue: Cue, voice: VoiceSettings
                 ) -> tuple[Cue, PendingRender[RenderedAudio | None]]:
        if cue.wording is not None:  # a time in it is said as it is now, not when queued
            cue = Cue(cue.wording(), cue.kind)
        cached = getattr(self._renderer, "cached", None)
        if self._render_ahead and cached is not None:
            found = cached(cue.text, voice.rate_wpm, voice.volume)
            if found is not None:
                return cue, ready(found)
        pending = PendingRender(partial(self._render, cue.text, voice), self._render_ahead)
        self._renders = [*(other for other in self._renders if not other.done), pending]
        return cue, pending

    def _render(self, text: str, voice: VoiceSettings) -> RenderedAudio | None:
        """The cue's audio; None when no voice can render it (a chime plays instead)."""
        try:
            return self._renderer.render(text, voice.rate_wpm, voice.volume)
        except VoiceError:
            return None

    def _play(self, cue: Cue, rendered: RenderedAudio | None) -> None:
        self._current = cue
        now_s = self._clock.now_s()  # the cue starts, and is stamped, when it plays
        if rendered is not None:
            self._speaker.play(rendered.samples, rendered.rate_hz, now_s)
        elif self._fallback_sound is not None:
            self._speaker.play(self._fallback_sound, 16_000, now_s)
        # Logged once playing, so that whoever reads the event can see how long it lasts.
        self._emit(cue_event(now_s, cue.text, interrupted=False))
        self._show(cue.text)
        if rendered is not None and self._on_played is not None:
            self._on_played(rendered, now_s)
