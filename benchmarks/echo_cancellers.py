"""The cancellers compared by the echo benchmark, behind one streaming interface.

Each is fed what the runner would feed it, in audio time: the cues as they start playing
(`start_cue`) and the microphone chunk by chunk (`process`). EchoGuard takes the product's
100 ms chunks and knows each whole cue when it starts; WebRTC's AEC3 takes 10 ms frames of
the played signal (the reverse stream) and of the microphone, the played frame first. The
product's AEC3 (livekit's, inside EchoGuard) is fed as the runner feeds it; the source-built
`aec-audio-processing` one, where installed, is given the played frame of the same instant.
"""

from __future__ import annotations

import time
from typing import Protocol

import numpy as np

from assistant.audio.chunks import Samples
from assistant.audio.echo import EchoGuard
from assistant.audio.webrtc_echo import WebRtcEchoCanceller
from assistant.core.events import SAMPLE_RATE_HZ, AudioChunk
from benchmarks.echo_room import Floats, Playback

#: The product's microphone chunk (samples): what EchoGuard and the recognizer are given.
CHUNK = SAMPLE_RATE_HZ // 10
#: WebRTC's audio processing works on 10 ms frames only.
FRAME = SAMPLE_RATE_HZ // 100


class Canceller(Protocol):
    """A streaming echo canceller; `cpu_s` is the processor time its own work took."""

    name: str
    cpu_s: float
    @property
    def latency(self) -> int:
        """How many samples later than the microphone its output comes (figures realign it)."""
        ...

    def start_cue(self, playback: Playback) -> None: ...
    def process(self, start: int, mic: Samples, played: Floats) -> Samples: ...


class NoCanceller:
    """The microphone as it is: the reference for every figure."""

    name = "none"
    latency = 0

    def __init__(self) -> None:
        self.cpu_s = 0.0

    def start_cue(self, playback: Playback) -> None:
        """Nothing to do: no reference is used."""

    def process(self, start: int, mic: Samples, played: Floats) -> Samples:
        """The chunk unchanged."""
        return mic


class GuardCanceller:
    """RetroWalk's EchoGuard as the runner uses it: `add_playback` when a cue starts,
    `clean` on every microphone chunk; its transcript check is kept for the decisions.
    With `aec3`, the guard delegates its cleaning to livekit's AEC3, as live sessions do."""

    def __init__(self, aec3: bool = False) -> None:
        self.name = "livekit AEC3" if aec3 else "EchoGuard"
        self._aec3 = WebRtcEchoCanceller() if aec3 else None
        self.guard = EchoGuard(canceller=self._aec3)
        self.cpu_s = 0.0

    @property
    def latency(self) -> int:
        """AEC3 holds the microphone until the reference after it is known."""
        return self._aec3.latency if self._aec3 is not None else 0

    def start_cue(self, playback: Playback) -> None:
        """The speaker started the cue: the guard gets all of it, stamped with its start."""
        began = time.process_time()
        self.guard.add_playback(playback.samples, playback.start / SAMPLE_RATE_HZ, playback.text)
        self.cpu_s += time.process_time() - began

    def process(self, start: int, mic: Samples, played: Floats) -> Samples:
        """The chunk cleaned by the guard (the played signal is known from `start_cue`)."""
        began = time.process_time()
        cleaned = self.guard.clean(AudioChunk(mic, SAMPLE_RATE_HZ, start / SAMPLE_RATE_HZ))
        self.cpu_s += time.process_time() - began
        return cleaned.samples

    def is_probably_echo(self, text: str, at_s: float) -> bool:
        """The guard's second check, as the runner applies it to every intent."""
        return self.guard.is_probably_echo(text, at_s)


class WebRtcCanceller:
    """WebRTC's AEC3 (`aec-audio-processing`): 10 ms frames, the played frame first.

    Noise suppression and gain control are off unless asked for, so the figures are the
    canceller's own; the stream delay hint is 0 (AEC3 estimates the delay itself)."""

    def __init__(self, noise_suppression: bool = False) -> None:
        from aec_audio_processing import AudioProcessor

        self.name = "WebRTC AEC3" + (" + NS" if noise_suppression else "")
        self.cpu_s = 0.0
        self.latency = 0
        began = time.process_time()
        self._apm = AudioProcessor(enable_aec=True, enable_ns=noise_suppression, ns_level=1,
                                   enable_agc=False, agc_mode=1, enable_vad=False)
        self._apm.set_stream_format(SAMPLE_RATE_HZ, 1, SAMPLE_RATE_HZ, 1)
        self._apm.set_reverse_stream_format(SAMPLE_RATE_HZ, 1)
        self._apm.set_stream_delay(0)
        self.cpu_s += time.process_time() - began

    def start_cue(self, playback: Playback) -> None:
        """Nothing to do: the played signal reaches AEC3 frame by frame."""

    def process(self, start: int, mic: Samples, played: Floats) -> Samples:
        """Each 10 ms frame: what was played during it, then what the microphone heard."""
        began = time.process_time()
        reference = np.clip(np.round(played), -32768, 32767).astype("<i2")
        out = bytearray()
        for offset in range(0, len(mic), FRAME):
            self._apm.process_reverse_stream(reference[offset : offset + FRAME].tobytes())
            self._apm.set_stream_delay(0)
            out += self._apm.process_stream(mic[offset : offset + FRAME].astype("<i2").tobytes())
        self.cpu_s += time.process_time() - began
        return np.frombuffer(bytes(out), dtype="<i2").astype(np.int16)


def source_built_available() -> bool:
    """Whether `aec-audio-processing` (built from source, not a dependency) is installed."""
    try:
        import aec_audio_processing  # noqa: F401
    except ImportError:
        return False
    return True


def run_canceller(canceller: Canceller, mic: Samples, played: Floats,
                  playbacks: list[Playback]) -> Samples:
    """Stream the whole microphone signal through `canceller` in 100 ms chunks, telling it
    of each cue before the chunk its playing starts in, as the runner does."""
    pending = sorted(playbacks, key=lambda p: p.start)
    cleaned = []
    for start in range(0, len(mic) - len(mic) % CHUNK, CHUNK):
        while pending and pending[0].start < start + CHUNK:
            canceller.start_cue(pending.pop(0))
        cleaned.append(canceller.process(start, mic[start : start + CHUNK],
                                         played[start : start + CHUNK]))
    return np.concatenate(cleaned)
