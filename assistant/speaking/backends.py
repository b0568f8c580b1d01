"""The speech engines that turn a cue's text into 16 kHz mono audio, and their order.

pyttsx3 (eSpeak NG), the espeak-ng command line (eSpeak NG and MBROLA voices) and
pico2wave (`pico.py`); `default_backends(voice)` gives the ones to try for a voice, best
first. Each cue is rendered by a fresh Python process for pyttsx3 (about 60 ms): see
`_RENDER_SCRIPT` for why.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Protocol

from assistant.audio.chunks import Samples, read_wav
from assistant.core.errors import VoiceError
from assistant.core.events import SAMPLE_RATE_HZ
from assistant.speaking.catalogue import (
    ESPEAK,
    ESPEAK_DEFAULT_VOICE,
    MBROLA,
    PICO,
    default_voice,
    find_voice,
)
from assistant.speaking.espeak import SpeakerStyle, synthesize, trim_silence
from assistant.speaking.pico import PicoBackend

#: A render that takes longer than this is treated as hung (pyttsx3 issue #126).
RENDER_TIMEOUT_S = 20.0


class SpeechBackend(Protocol):
    """One way of turning text into 16 kHz mono int16 speech at full volume."""

    name: str

    def synthesize(self, text: str, voice: str | None, rate_wpm: int) -> Samples: ...


#: Run in a fresh Python per cue. In one long-lived process pyttsx3 2.99's eSpeak NG driver
#: was measured to mix renders up (runAndWait() returns before eSpeak's thread writes the
#: file: 28 of 100 alternating-rate renders came out at the wrong rate, some empty). A fresh
#: process per cue rendered 30 of 30 right, at about 65 ms each, and a hang can be killed.
#: Voice, rate and volume are set on eSpeak NG directly and waited for (Synchronize) before
#: runAndWait(). Through pyttsx3 2.99 they are queued on eSpeak's own thread, and its
#: runAndWait() ends with stop(), which calls espeak_Cancel() while that queue is busy:
#: Cancel drops the queued settings and restores the last applied ones (the driver's 200
#: wpm). Measured: 1 in 200 renders came out at 200 wpm instead of 130, each after a Cancel;
#: with the settings applied first no Cancel happens (300 of 300 right). The voice is set
#: directly too, so a name eSpeak NG refuses is an error, not pyttsx3's default voice.
_RENDER_SCRIPT = """
import contextlib, io, sys, threading
import pyttsx3
from pyttsx3.drivers import _espeak
from pyttsx3.drivers.espeak import EspeakDriver
text, path, rate, voice = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
engine = pyttsx3.init()
_espeak.Synchronize()
if voice:
    EspeakDriver.setProperty("voice", voice)
EspeakDriver.setProperty("rate", rate)
EspeakDriver.setProperty("volume", 1.0)
_espeak.Synchronize()
finished = threading.Event()
engine.connect("finished-utterance", lambda **_: finished.set())
with contextlib.redirect_stdout(io.StringIO()):
    engine.save_to_file(text, path)
    engine.runAndWait()
    if not finished.wait(15):
        sys.exit("eSpeak NG did not finish the utterance")
"""


class Pyttsx3Backend:
    """pyttsx3's eSpeak NG driver, rendering to a temporary WAV file (never to the speakers),
    one fresh process per cue."""

    name = "pyttsx3 (eSpeak NG)"

    def synthesize(self, text: str, voice: str | None, rate_wpm: int) -> Samples:
        """Render `text`; raises VoiceError if pyttsx3 fails, writes nothing or hangs."""
        with tempfile.TemporaryDirectory(prefix="retrowalk-cue-") as folder:
            path = Path(folder) / "cue.wav"
            command = [sys.executable, "-c", _RENDER_SCRIPT, text, str(path), str(rate_wpm),
                       espeak_file_name(voice) if voice else ""]
            try:
                subprocess.run(command, capture_output=True, check=True, timeout=RENDER_TIMEOUT_S)
            except subprocess.TimeoutExpired as err:
                raise VoiceError(
                    f"pyttsx3 hung rendering {text!r} (over {RENDER_TIMEOUT_S:g} s)"
                ) from err
            except (subprocess.CalledProcessError, OSError) as err:
                detail = getattr(err, "stderr", b"") or b""
                last = detail.decode(errors="replace").strip().splitlines()[-1:] or [str(err)]
                raise VoiceError(f"pyttsx3 could not render {text!r}: {last[0]}") from err
            return _read_rendered(path, text)


def espeak_file_name(voice: str) -> str:
    """The name eSpeak NG's library selects `voice` by: its file and variant (`gmw/en+f3`).

    espeak_SetVoiceByName() refuses some listed language names (`en-gb`, `fr-fr`); pyttsx3
    used to ignore that and speak its default voice."""
    found = find_voice(voice)
    if found is None or found.engine != ESPEAK or not found.aliases:
        return voice
    _, plus, variant = voice.strip().lower().partition("+")
    return found.aliases[0] + plus + variant


class EspeakCommandBackend:
    """The espeak-ng command line (`assistant.speaking.espeak`): MBROLA voices, and eSpeak NG
    voices when pyttsx3 fails (None is pyttsx3's default voice, so the fallback sounds the
    same)."""

    def __init__(self, name: str = "espeak-ng command line") -> None:
        self.name = name

    def synthesize(self, text: str, voice: str | None, rate_wpm: int) -> Samples:
        """Render `text`; raises VoiceError if espeak-ng is missing or fails."""
        return synthesize(text, SpeakerStyle(voice=voice or ESPEAK_DEFAULT_VOICE,
                                             speed_wpm=rate_wpm))


class DefaultVoice:
    """Another backend speaking with its own default voice: the fallback of a chosen voice."""

    def __init__(self, inner: SpeechBackend) -> None:
        self.inner = inner
        self.name = f"{inner.name}, default voice"

    def synthesize(self, text: str, voice: str | None, rate_wpm: int) -> Samples:
        """Render `text` in the backend's default voice, whatever voice was asked for."""
        return self.inner.synthesize(text, None, rate_wpm)


def _read_rendered(path: Path, text: str) -> Samples:
    if not path.is_file():
        raise VoiceError(f"pyttsx3 wrote no audio for {text!r}")
    samples = trim_silence(read_wav(path, SAMPLE_RATE_HZ))
    if len(samples) == 0:
        raise VoiceError(f"pyttsx3 rendered only silence for {text!r}")
    return samples


def default_backends(voice: str | None = None) -> list[SpeechBackend]:
    """The renderers to try for this voice name (None: the default voice), best first.

    Each backend given None speaks its own default: Pico en-US, eSpeak NG `en`. So the
    default Pico falls back to eSpeak NG's default voice, as a chosen Pico or MBROLA does."""
    espeak: list[SpeechBackend] = [Pyttsx3Backend(), EspeakCommandBackend()]
    found = find_voice(voice) if voice else None
    if found is None:
        default = default_voice()
        return [PicoBackend(), *espeak] if default and default.engine == PICO else espeak
    if found.engine == MBROLA:
        chosen: SpeechBackend = EspeakCommandBackend(f"MBROLA {found.name} (espeak-ng)")
    elif found.engine == PICO:
        chosen = PicoBackend()
    else:
        return espeak
    return [chosen, *(DefaultVoice(backend) for backend in espeak)]
