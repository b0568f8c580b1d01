"""eSpeak NG rendering: text to 16 kHz mono audio through the espeak-ng command line.

The voice's last fallback and the synthesized walker of the demo, tests and benchmarks both
speak through here. espeak-ng is a Debian package (`apt-get install espeak-ng`); without it
a clear `VoiceError` says so.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import wave
from dataclasses import dataclass

import numpy as np

from assistant.audio.chunks import Samples, resample
from assistant.core.errors import VoiceError
from assistant.core.events import SAMPLE_RATE_HZ


@dataclass(frozen=True)
class SpeakerStyle:
    """An espeak-ng voice: `voice` such as "en-us" or "en-gb+f3", speed in words per minute,
    pitch 0..99."""

    voice: str = "en-us"
    speed_wpm: int = 150
    pitch: int = 50
    amplitude: int = 100


def espeak_path() -> str:
    path = shutil.which("espeak-ng")
    if path is None:
        raise VoiceError(
            "espeak-ng is not installed; install it with 'apt-get install espeak-ng'"
        )
    return path


def synthesize(text: str, style: SpeakerStyle = SpeakerStyle()) -> Samples:
    """Speak `text` with espeak-ng and return it as 16 kHz mono int16, trimmed of silence."""
    command = [
        espeak_path(), "--stdout", "-v", style.voice, "-s", str(style.speed_wpm),
        "-p", str(style.pitch), "-a", str(style.amplitude), text,
    ]
    try:
        result = subprocess.run(command, capture_output=True, check=True, timeout=60)
    except subprocess.CalledProcessError as err:
        detail = err.stderr.decode(errors="replace").strip()
        raise VoiceError(f"espeak-ng could not speak {text!r}: {detail}") from err
    with wave.open(io.BytesIO(_fix_stream_header(result.stdout)), "rb") as wav:
        rate_hz = wav.getframerate()
        samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
    return trim_silence(resample(samples, rate_hz, SAMPLE_RATE_HZ))


def _fix_stream_header(data: bytes) -> bytes:
    """espeak-ng writes to a pipe with unknown lengths (0xFFFFFFFF); make the header true."""
    if len(data) < 44 or data[:4] != b"RIFF":
        raise VoiceError("espeak-ng gave no audio")
    fixed = bytearray(data)
    fixed[4:8] = (len(data) - 8).to_bytes(4, "little")
    data_at = fixed.find(b"data")
    fixed[data_at + 4 : data_at + 8] = (len(data) - data_at - 8).to_bytes(4, "little")
    return bytes(fixed)


def trim_silence(samples: Samples, threshold: int = 200) -> Samples:
    """Cut leading and trailing near-silence, so a phrase's timing is that of its words."""
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > threshold)
    if len(loud) == 0:
        return samples[:0]
    return samples[loud[0] : loud[-1] + 1]
