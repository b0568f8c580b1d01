"""Cues rendered to audio in the script's voice: each cue is written to a WAV file, we play it.

The voice (`catalogue.py`) picks the engine: eSpeak NG voices through pyttsx3, MBROLA voices
through the espeak-ng command line (pyttsx3 labels their 16 kHz audio 22.05 kHz: too fast),
SVOX Pico through pico2wave (`pico.py`).

Each cue is rendered by a fresh Python process (about 60 ms): see `_RENDER_SCRIPT` for why.
Rendering to a file instead of `engine.say()` avoids pyttsx3's repeated-`runAndWait()` hangs
(issues #126, #131), makes speech interruptible (the speaker plays our samples and can stop
them) and gives the echo guard the exact signal that was played.

Fallbacks, so a session is never silent: pyttsx3, else the espeak-ng command line (for an
MBROLA or Pico voice: that voice, else the default voice), else `VoiceError` from `render()`;
the runner then prints the cue and plays `chime_samples()`.
`make_renderer()` picks the best one that works here and says which in `.description`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

import numpy as np

from assistant.audio.chunks import Samples, read_wav, write_wav
from assistant.core.errors import RetroWalkError, VoiceError
from assistant.core.events import SAMPLE_RATE_HZ
from assistant.script.model import VoiceSettings
from assistant.speaking.catalogue import DEFAULT_VOICE, MBROLA, PICO, canonical_name, find_voice
from assistant.speaking.espeak import SpeakerStyle, synthesize, trim_silence
from assistant.speaking.pico import PicoBackend

_LOGGER = logging.getLogger(__name__)

#: A render that takes longer than this is treated as hung (pyttsx3 issue #126).
RENDER_TIMEOUT_S = 20.0
PRINTED_CUES = "printed cues with a chime"


@dataclass(frozen=True)
class RenderedCue:
    """A cue as audio: 16 kHz mono int16 samples, ready for a Speaker."""

    samples: Samples
    rate_hz: int
    text: str

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.rate_hz


class SpeechBackend(Protocol):
    """One way of turning text into 16 kHz mono int16 speech at full volume."""

    name: str

    def synthesize(self, text: str, voice: str | None, rate_wpm: int) -> Samples: ...


#: Run in a fresh Python per cue. In one long-lived process pyttsx3 2.99's eSpeak NG driver
#: was measured to mix renders up (runAndWait() returns before eSpeak's thread writes the
#: file: 28 of 100 alternating-rate renders came out at the wrong rate, some empty). A fresh
#: process per cue rendered 30 of 30 right, at about 65 ms each, and a hang can be killed.
_RENDER_SCRIPT = """
import contextlib, io, sys, threading
import pyttsx3
text, path, rate, voice = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
engine = pyttsx3.init()
if voice:
    engine.setProperty("voice", voice)
engine.setProperty("rate", rate)
engine.setProperty("volume", 1.0)
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
                       voice or ""]
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


class EspeakCommandBackend:
    """The espeak-ng command line (`assistant.speaking.espeak`): MBROLA voices, and eSpeak NG
    voices when pyttsx3 fails (None is pyttsx3's default voice, so the fallback sounds the
    same)."""

    def __init__(self, name: str = "espeak-ng command line") -> None:
        self.name = name

    def synthesize(self, text: str, voice: str | None, rate_wpm: int) -> Samples:
        """Render `text`; raises VoiceError if espeak-ng is missing or fails."""
        return synthesize(text, SpeakerStyle(voice=voice or DEFAULT_VOICE, speed_wpm=rate_wpm))


class DefaultVoice:
    """Another backend speaking with the default voice: the fallback of a chosen voice."""

    def __init__(self, inner: SpeechBackend) -> None:
        self.inner = inner
        self.name = f"{inner.name}, default voice"

    def synthesize(self, text: str, voice: str | None, rate_wpm: int) -> Samples:
        """Render `text` in the default voice, whatever voice was asked for."""
        return self.inner.synthesize(text, None, rate_wpm)


def _read_rendered(path: Path, text: str) -> Samples:
    if not path.is_file():
        raise VoiceError(f"pyttsx3 wrote no audio for {text!r}")
    samples = trim_silence(read_wav(path, SAMPLE_RATE_HZ))
    if len(samples) == 0:
        raise VoiceError(f"pyttsx3 rendered only silence for {text!r}")
    return samples


def default_backends(voice: str | None = None) -> list[SpeechBackend]:
    """The renderers to try for this voice name (None: the default voice), best first."""
    espeak: list[SpeechBackend] = [Pyttsx3Backend(), EspeakCommandBackend()]
    found = find_voice(voice) if voice else None
    if found is not None and found.engine == MBROLA:
        chosen: SpeechBackend = EspeakCommandBackend(f"MBROLA {found.name} (espeak-ng)")
    elif found is not None and found.engine == PICO:
        chosen = PicoBackend()
    else:
        return espeak
    return [chosen, *(DefaultVoice(backend) for backend in espeak)]


class CueRenderer:
    """Renders cue texts to audio with the first backend that works, caching every result.

    The cache is kept in memory and, with `cache_dir`, on disk as WAV files named by a hash
    of (text, voice, rate, volume), so a script's fixed cues render once across sessions."""

    def __init__(
        self,
        voice_settings: VoiceSettings,
        cache_dir: Path | None = None,
        backends: list[SpeechBackend] | None = None,
    ) -> None:
        self.voice_settings = voice_settings
        self.cache_dir = cache_dir
        self._backends = list(
            default_backends(voice_settings.voice) if backends is None else backends)
        self._memory: dict[str, RenderedCue] = {}
        #: Full-volume speech by (text, rate): "louder please" rescales instead of re-rendering.
        self._speech: dict[tuple[str, int], Samples] = {}
        self._lock = threading.Lock()

    @property
    def description(self) -> str:
        """Which voice is in use, for the start-up banner and the report."""
        return self._backends[0].name if self._backends else PRINTED_CUES

    def render(self, text: str, rate_wpm: int, volume: float) -> RenderedCue:
        """The cue as audio at this rate (words per minute) and volume (0..1).

        Raises VoiceError when no backend works: print the cue and play a chime instead.
        Thread-safe: renders ahead of the loop take turns (a backend that fails is dropped
        once, not by two renders at a time)."""
        with self._lock:
            key = self._cache_key(text, rate_wpm, volume)
            cached = self._memory.get(key) or self._read_disk(key, text)
            if cached is None:
                speech = self._speech.get((text, rate_wpm))
                if speech is None:
                    speech = self._speech[(text, rate_wpm)] = self._synthesize(text, rate_wpm)
                cached = RenderedCue(scale_volume(speech, volume), SAMPLE_RATE_HZ, text)
                self._write_disk(key, cached)
            self._memory[key] = cached
            return cached

    def cached(self, text: str, rate_wpm: int, volume: float) -> RenderedCue | None:
        """The cue's audio if it has been rendered before (memory or disk cache), else None:
        never renders, never waits for a render under way (a stop instruction is instant)."""
        key = self._cache_key(text, rate_wpm, volume)
        return self._memory.get(key) or self._read_disk(key, text)

    def prerender(self, texts: Iterable[str], show_progress: bool | None = None) -> int:
        """Render every distinct text at the current settings before the session starts.

        Shows a progress bar on a terminal (`show_progress=None`); returns how many texts."""
        from tqdm import tqdm

        distinct = list(dict.fromkeys(texts))
        settings = self.voice_settings
        for text in tqdm(distinct, desc="Preparing cues", unit="cue",
                         disable=None if show_progress is None else not show_progress):
            self.render(text, settings.rate_wpm, settings.volume)
        return len(distinct)

    def _synthesize(self, text: str, rate_wpm: int) -> Samples:
        while self._backends:
            backend = self._backends[0]
            try:
                return backend.synthesize(text, self.voice_settings.voice, rate_wpm)
            except RetroWalkError as err:
                # A backend that failed once is dropped: a flaky engine costs one cue, not many.
                _LOGGER.warning("%s failed (%s); falling back", backend.name, err)
                self._backends.pop(0)
        raise VoiceError(
            f"no speech engine could render {text!r}; install espeak-ng "
            "('apt-get install espeak-ng'); cues are printed with a chime meanwhile"
        )

    def _cache_key(self, text: str, rate_wpm: int, volume: float) -> str:
        identity = [text, self.voice_settings.voice, rate_wpm, round(volume, 3), self.description]
        return hashlib.sha256(json.dumps(identity).encode()).hexdigest()[:32]

    def _read_disk(self, key: str, text: str) -> RenderedCue | None:
        path = self.cache_dir / f"{key}.wav" if self.cache_dir else None
        if path is None or not path.is_file():
            return None
        try:
            return RenderedCue(read_wav(path), SAMPLE_RATE_HZ, text)
        except RetroWalkError:
            _LOGGER.warning("ignoring unreadable cached cue %s", path)
            return None

    def _write_disk(self, key: str, cue: RenderedCue) -> None:
        if self.cache_dir is None:
            return
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            partial = self.cache_dir / f"{key}.part"
            write_wav(partial, cue.samples, cue.rate_hz)
            partial.replace(self.cache_dir / f"{key}.wav")
        except OSError as err:
            # The disk cache only saves time; a full or read-only disk must not stop a session.
            _LOGGER.warning("could not cache a cue in %s: %s", self.cache_dir, err)


def scale_volume(samples: Samples, volume: float) -> Samples:
    """Samples scaled by `volume` (clamped to 0..1), still int16."""
    factor = min(max(volume, 0.0), 1.0)
    return np.round(samples.astype(np.float64) * factor).astype(np.int16)


def make_renderer(settings: VoiceSettings, cache_dir: Path | None = None) -> CueRenderer:
    """The best renderer that works on this machine; `.description` says which.

    Each backend is tried on a short probe phrase; with none working, the renderer's
    `render()` raises VoiceError and its description is "printed cues with a chime". A voice
    that is not installed here is replaced by the default voice, with a warning."""
    name = canonical_name(settings.voice) if settings.voice is not None else None
    if settings.voice is not None and name is None:
        _LOGGER.warning("the voice %r is not installed here (retrowalk voices lists those "
                        "that are); speaking with the default voice", settings.voice)
    settings = replace(settings, voice=name)
    working: list[SpeechBackend] = []
    for backend in default_backends(settings.voice):
        try:
            backend.synthesize("ready", settings.voice, settings.rate_wpm)
        except RetroWalkError as err:
            _LOGGER.warning("%s does not work here: %s", backend.name, err)
            continue
        working.append(backend)
    return CueRenderer(settings, cache_dir, backends=working)


def chime_samples(volume: float = 0.6) -> Samples:
    """A short two-note chime (0.5 s): the sound of a printed cue when no voice works."""
    notes = []
    for frequency_hz in (880.0, 660.0):
        times_s = np.arange(int(0.25 * SAMPLE_RATE_HZ)) / SAMPLE_RATE_HZ
        # A fast attack and exponential decay sound like a bell, not a beep.
        envelope = np.minimum(times_s / 0.005, 1.0) * np.exp(-times_s * 12.0)
        notes.append(np.sin(2 * np.pi * frequency_hz * times_s) * envelope)
    tone = np.concatenate(notes) * 32767.0 * min(max(volume, 0.0), 1.0)
    return np.round(tone).astype(np.int16)
