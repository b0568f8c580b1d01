"""Cue rendering with the real engines: pyttsx3 (eSpeak NG) and the espeak-ng command line."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from assistant.core.errors import VoiceError
from assistant.core.events import SAMPLE_RATE_HZ
from assistant.script.model import VoiceSettings
from assistant.speaking.backends import espeak_file_name
from assistant.speaking.voice import (
    PRINTED_CUES,
    CueRenderer,
    EspeakCommandBackend,
    Pyttsx3Backend,
    chime_samples,
    make_renderer,
)

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng missing")

CUE = "Walk backward slowly. Keep one hand on the wall."


class CountingBackend:
    """A real backend that counts how often it is asked to render."""

    def __init__(self, inner: Pyttsx3Backend | EspeakCommandBackend) -> None:
        self.inner = inner
        self.name = inner.name
        self.calls = 0

    def synthesize(self, text: str, voice: str | None, rate_wpm: int) -> np.ndarray:
        self.calls += 1
        return self.inner.synthesize(text, voice, rate_wpm)


class BrokenBackend:
    """An engine that fails, as pyttsx3 does when its driver cannot load."""

    name = "broken engine"

    def synthesize(self, text: str, voice: str | None, rate_wpm: int) -> np.ndarray:
        raise VoiceError("the engine is broken")


def _rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(samples.astype(np.float64) ** 2)))


def test_make_renderer_prefers_pyttsx3_for_espeak_and_renders_speech() -> None:
    renderer = make_renderer(VoiceSettings(voice="en"))
    cue = renderer.render(CUE, 140, 1.0)
    assert renderer.description == "pyttsx3 (eSpeak NG)"
    assert cue.rate_hz == SAMPLE_RATE_HZ and cue.samples.dtype == np.int16
    assert cue.text == CUE
    # Ten words at 140 words a minute take a few seconds, not a blip and not a minute.
    assert 2.0 < cue.duration_s < 8.0
    assert _rms(cue.samples) > 1000


@pytest.mark.parametrize("backend", [Pyttsx3Backend(), EspeakCommandBackend()],
                         ids=["pyttsx3", "espeak-ng"])
def test_slower_rate_speaks_longer(backend: Pyttsx3Backend | EspeakCommandBackend) -> None:
    renderer = CueRenderer(VoiceSettings(), backends=[backend])
    slow = renderer.render(CUE, 90, 1.0)
    fast = renderer.render(CUE, 200, 1.0)
    assert slow.duration_s > 1.5 * fast.duration_s


def test_volume_scales_the_samples() -> None:
    renderer = CueRenderer(VoiceSettings())
    loud = renderer.render(CUE, 140, 1.0)
    quiet = renderer.render(CUE, 140, 0.5)
    assert len(loud.samples) == len(quiet.samples)
    assert _rms(quiet.samples) == pytest.approx(_rms(loud.samples) / 2, rel=0.01)


def test_pyttsx3_renders_many_cues_in_a_row() -> None:
    """pyttsx3 issues #126/#131: repeated runAndWait() hung or spoke once. Not here."""
    renderer = CueRenderer(VoiceSettings(), backends=[Pyttsx3Backend()])
    durations = [renderer.render(f"{n} seconds left. Keep going.", 140, 1.0).duration_s
                 for n in range(10, 40)]
    assert renderer.description == "pyttsx3 (eSpeak NG)"
    assert all(duration > 0.8 for duration in durations)


def test_memory_cache_renders_each_cue_once() -> None:
    backend = CountingBackend(Pyttsx3Backend())
    renderer = CueRenderer(VoiceSettings(), backends=[backend])
    first = renderer.render(CUE, 140, 1.0)
    again = renderer.render(CUE, 140, 1.0)
    renderer.render(CUE, 160, 1.0)
    assert again is first
    assert backend.calls == 2


def test_disk_cache_survives_a_new_renderer(tmp_path) -> None:
    CueRenderer(VoiceSettings(), tmp_path, backends=[Pyttsx3Backend()]).render(CUE, 140, 0.8)
    broken = BrokenBackend()
    # Same description, so the same cache key; the engine itself must not be needed.
    broken.name = Pyttsx3Backend.name
    cue = CueRenderer(VoiceSettings(), tmp_path, backends=[broken]).render(CUE, 140, 0.8)
    assert cue.duration_s > 2.0


def test_prerender_renders_distinct_texts_once() -> None:
    backend = CountingBackend(EspeakCommandBackend())
    renderer = CueRenderer(VoiceSettings(rate_wpm=150, volume=0.9), backends=[backend])
    assert renderer.prerender(["Ready?", "Rest now.", "Ready?"], show_progress=False) == 2
    renderer.render("Rest now.", 150, 0.9)
    assert backend.calls == 2


def test_falls_back_to_espeak_when_pyttsx3_fails() -> None:
    renderer = CueRenderer(VoiceSettings(), backends=[BrokenBackend(), EspeakCommandBackend()])
    cue = renderer.render(CUE, 140, 1.0)
    assert renderer.description == "espeak-ng command line"
    assert cue.duration_s > 2.0


def test_no_working_engine_means_printed_cues() -> None:
    renderer = CueRenderer(VoiceSettings(voice="nosuchvoice"),
                           backends=[EspeakCommandBackend()])
    with pytest.raises(VoiceError, match="printed"):
        renderer.render(CUE, 140, 1.0)
    assert renderer.description == PRINTED_CUES


def test_chime_is_a_short_audible_tone() -> None:
    chime = chime_samples()
    assert chime.dtype == np.int16
    assert 0.3 < len(chime) / SAMPLE_RATE_HZ < 1.0
    assert _rms(chime) > 1000


def test_pyttsx3_speaks_a_voice_espeak_lists_by_language() -> None:
    """`fr-fr` is listed by espeak-ng but refused by its library's SetVoiceByName: it is
    selected by its file (roa/fr), not silently replaced by the default voice."""
    assert espeak_file_name("fr-fr") == "roa/fr"
    assert espeak_file_name("en-gb+f3") == "gmw/en+f3"
    french = Pyttsx3Backend().synthesize("Bonjour.", "fr-fr", 130)
    default = Pyttsx3Backend().synthesize("Bonjour.", None, 130)
    assert not np.array_equal(french, default)


def test_pyttsx3_refuses_a_voice_espeak_does_not_know() -> None:
    with pytest.raises(VoiceError, match="SetVoiceByName"):
        Pyttsx3Backend().synthesize(CUE, "xx-not-a-voice", 130)
