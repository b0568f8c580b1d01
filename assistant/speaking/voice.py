"""Cues rendered to audio in the script's voice: each cue is written to a WAV file, we play it.

The voice (`catalogue.py`) picks the engine: eSpeak NG voices through pyttsx3, MBROLA voices
through the espeak-ng command line (pyttsx3 labels their 16 kHz audio 22.05 kHz: too fast),
SVOX Pico through pico2wave (`pico.py`). No voice named (`voice: null`): the default, SVOX
Pico en-US where pico2wave is installed, else eSpeak NG `en`.

The engines themselves are in `backends.py`. Rendering to a file instead of `engine.say()`
avoids pyttsx3's repeated-`runAndWait()` hangs (issues #126, #131), makes speech
interruptible (the speaker plays our samples and can stop them) and gives the echo guard the
exact signal that was played.

Fallbacks, so a session is never silent: pyttsx3, else the espeak-ng command line (for an
MBROLA or Pico voice, or the default Pico: that voice, else eSpeak NG's default voice), else
`VoiceError` from `render()`; the runner then prints the cue and plays `chime_samples()`.
`make_renderer()` picks the best one that works here and says which in `.description`, and
which voice speaks in `.summary`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from assistant.audio.chunks import Samples, read_wav, write_wav
from assistant.core.errors import RetroWalkError, VoiceError
from assistant.core.events import SAMPLE_RATE_HZ
from assistant.script.model import VoiceSettings
from assistant.speaking.backends import (
    RENDER_TIMEOUT_S,
    DefaultVoice,
    EspeakCommandBackend,
    Pyttsx3Backend,
    SpeechBackend,
    default_backends,
)
from assistant.speaking.catalogue import (
    ESPEAK_DEFAULT_VOICE,
    PICO_DEFAULT_VOICE,
    canonical_name,
    default_voice,
)
from assistant.speaking.pico import PicoBackend

#: The engines are imported from here by the runner, tests and training (`backends.py`).
__all__ = [
    "PRINTED_CUES", "RENDER_TIMEOUT_S", "CueRenderer", "DefaultVoice", "EspeakCommandBackend",
    "Pyttsx3Backend", "RenderedCue", "SpeechBackend", "chime_samples", "default_backends",
    "make_renderer", "scale_volume",
]

_LOGGER = logging.getLogger(__name__)

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
        """Which engine is in use, for the start-up banner and the report."""
        return self._backends[0].name if self._backends else PRINTED_CUES

    @property
    def voice_name(self) -> str | None:
        """The name of the voice that speaks now (`pico:en-US`, `en-gb`, `mb-us1`); None when
        cues are printed. Told apart from the script's voice when a fallback speaks."""
        if not self._backends:
            return None
        backend = self._backends[0]
        if self.voice_settings.voice is not None and not isinstance(backend, DefaultVoice):
            return self.voice_settings.voice
        inner = backend.inner if isinstance(backend, DefaultVoice) else backend
        if isinstance(inner, PicoBackend):
            return PICO_DEFAULT_VOICE
        return canonical_name(ESPEAK_DEFAULT_VOICE) or ESPEAK_DEFAULT_VOICE

    @property
    def summary(self) -> str:
        """Which voice speaks, through which engine, in words for the banner and `voices`:
        "voice pico:en-US (the default), SVOX Pico (pico2wave)"."""
        name = self.voice_name
        if name is None:
            return PRINTED_CUES
        default = default_voice()
        wanted = self.voice_settings.voice or (default.name if default else name)
        how = "chosen" if self.voice_settings.voice else "the default"
        if name != wanted:
            how = f"the fallback: {wanted} did not work here"
        return f"voice {name} ({how}), {self.description}"

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
