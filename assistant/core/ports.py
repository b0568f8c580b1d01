"""The interfaces between the pure core and its adapters (`typing.Protocol`s).

Adapters (recognizers, voice, audio, history, alerts) implement these; the CLI wires them.
The core (script model, intents, session machine) imports none of the adapters' libraries.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from assistant.core.events import AudioChunk, Transcript


class AudioSource(Protocol):
    """Yields 16 kHz mono chunks: a microphone and a WAV file look exactly alike.

    A file source advances its simulated clock by each chunk's duration as it yields it.
    A microphone that fails mid-stream raises `AudioDeviceError` from the iterator.
    """

    def chunks(self) -> Iterator[AudioChunk]: ...

    def close(self) -> None: ...


class Recognizer(Protocol):
    """Streaming speech recognition over a fixed phrase set."""

    engine: str
    """"vosk" or "pocketsphinx": the `engine` field of `heard` events."""

    def accept(self, chunk: AudioChunk) -> list[Transcript]:
        """Feed audio; return what was heard so far (partials, and a final at utterance end).

        Raises `RecognizerError` if the engine fails."""
        ...

    def flush(self, at_s: float) -> list[Transcript]:
        """End of stream: the final result of any utterance still open."""
        ...


class Speaker(Protocol):
    """Plays rendered speech, interruptibly. Live: sounddevice; simulated: a virtual room."""

    def play(self, samples: object, rate_hz: int, at_s: float) -> None:
        """Start playing at once (replacing anything playing); never blocks for the length."""
        ...

    def stop(self) -> None:
        """Silence at once."""
        ...

    def is_playing(self, now_s: float) -> bool: ...

    def close(self) -> None: ...
