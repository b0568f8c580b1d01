"""Synthesized speech for the data set: espeak-ng, MBROLA, Pico and the product's own cue voice.

Every rendering is a `SpeechRequest`, cached on disk as a .npy file named by a hash of all its
fields (engine, voice, text, speed, pitch) and of `SYNTH_VERSION`, so a second build reads
instead of synthesizing. Missing ones are rendered two at a time (each is a child process:
espeak-ng, pico2wave or the product's pyttsx3 renderer), the machine having two cores.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from training import product
from training.product import Samples

#: Bump when a renderer changes its output, so that stale cached audio is not reused.
SYNTH_VERSION = 1
#: Cue renders are checked against the espeak-ng command line (see `checked_cue`) since 3.
CUE_VERSION = 3
#: Renders of one cue tried at most before the command line's is taken.
CUE_ATTEMPTS = 4
#: The eSpeak NG voice pyttsx3 speaks in by default (gmw/en).
CUE_VOICE = "en"
#: Child processes rendering at once (the machine has two cores shared with others).
WORKERS = 2
ENGINES = ("espeak-ng", "mbrola", "pico", "cue")


@dataclass(frozen=True)
class SpeechRequest:
    """One text in one voice: `engine` is one of ENGINES; speed in words per minute (espeak-ng,
    cue) or percent (pico); pitch 0..99 (espeak-ng) or percent (pico)."""

    engine: str
    voice: str
    text: str
    speed: int
    pitch: int

    @property
    def cache_name(self) -> str:
        """A file name that changes with every field and with SYNTH_VERSION."""
        version = [SYNTH_VERSION, CUE_VERSION] if self.engine == "cue" else [SYNTH_VERSION]
        identity = json.dumps([*version, asdict(self)], sort_keys=True)
        return hashlib.sha256(identity.encode()).hexdigest()[:40] + ".npy"


def render(request: SpeechRequest) -> Samples:
    """Synthesize one request now (no cache): 16 kHz mono int16, trimmed of silence."""
    if request.engine in ("espeak-ng", "mbrola"):
        return product.espeak_speech(request.text, request.voice, request.speed, request.pitch)
    if request.engine == "pico":
        return pico_speech(request.text, request.voice, request.speed, request.pitch)
    if request.engine == "cue":
        # "default" names the eSpeak NG voice the product spoke before Pico (renders cached).
        return checked_cue(request.text, request.speed,
                          CUE_VOICE if request.voice in ("", "default") else request.voice)
    raise ValueError(f"unknown speech engine {request.engine!r}")


def checked_cue(text: str, rate_wpm: int, voice: str | None) -> Samples:
    """A cue as the product renders it, checked to be at the rate asked for.

    pyttsx3 now and then ignores the rate even in a fresh process and speaks at its default
    (200 wpm): 4 of 695 cues in one cold build under load, sometimes twice in a row. The
    espeak-ng command line with the same eSpeak NG voice gives exactly the same length at the
    right rate, so a render of another length is tried again, and after CUE_ATTEMPTS the
    product's own fallback (that command line) is used. Pico's renders need no check."""
    if voice is not None and voice.startswith("pico:"):
        return product.render_cue(text, rate_wpm, voice)
    reference = product.espeak_speech(text, voice or CUE_VOICE, rate_wpm, 50)
    for _ in range(CUE_ATTEMPTS):
        rendered = product.render_cue(text, rate_wpm, voice)
        if abs(len(rendered) - len(reference)) <= 0.01 * len(reference):
            return rendered
    return reference


def pico_speech(text: str, language: str, speed_percent: int, pitch_percent: int) -> Samples:
    """`text` spoken by SVOX Pico (pico2wave) in `language` ("en-US", "en-GB")."""
    binary = shutil.which("pico2wave")
    if binary is None:
        raise RuntimeError("pico2wave is missing: apt-get install libttspico-utils")
    # Pico reads its own markup for prosody; both levels are percent of its normal voice.
    markup = (f"<speed level='{speed_percent}'><pitch level='{pitch_percent}'>{text}"
              "</pitch></speed>")
    with tempfile.TemporaryDirectory(prefix="retrowalk-pico-") as folder:
        path = Path(folder) / "speech.wav"
        subprocess.run([binary, "-l", language, "-w", str(path), markup], check=True,
                       capture_output=True, timeout=60)
        return product.trim_silence(product.read_audio(path))


class SpeechCache:
    """Renders requests through a disk cache under `folder`, two child processes at a time."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.rendered = 0
        self.read = 0

    def _path(self, request: SpeechRequest) -> Path:
        name = request.cache_name
        return self.folder / request.engine / name[:2] / name

    def get(self, request: SpeechRequest) -> Samples:
        """The request's audio, from the cache or rendered (and cached) now."""
        path = self._path(request)
        if path.is_file():
            self.read += 1
            return np.asarray(np.load(path), dtype=np.int16)
        samples = render(request)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".part.npy")
        np.save(partial, samples)
        partial.replace(path)  # atomic: a killed build never leaves half a file
        self.rendered += 1
        return samples

    def get_many(self, requests: Iterable[SpeechRequest]) -> dict[SpeechRequest, Samples]:
        """Every request's audio; missing ones rendered in parallel, results in one mapping."""
        wanted = list(dict.fromkeys(requests))
        missing = [r for r in wanted if not self._path(r).is_file()]
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            list(pool.map(self.get, missing))
        return {request: self.get(request) for request in wanted}
