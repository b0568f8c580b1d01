"""An audio source that shows each of its chunks to a watcher before passing it on.

The voice session's status line and the simulated walker of a plan follow time this way,
chunk by chunk, without a hook in the loop itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from assistant.core.events import AudioChunk
from assistant.core.ports import AudioSource


class WatchedSource:
    """`source`, calling `watch(chunk)` for each chunk before the loop hears it.

    A chunk has been read (and a simulated clock advanced past it) when it is watched:
    what the watcher changes in the audio is heard from the next chunk on."""

    def __init__(self, source: AudioSource, watch: Callable[[AudioChunk], None]) -> None:
        self._source = source
        self._watch = watch

    def chunks(self) -> Iterator[AudioChunk]:
        for chunk in self._source.chunks():
            self._watch(chunk)
            yield chunk

    def close(self) -> None:
        self._source.close()
