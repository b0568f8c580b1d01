"""Every installed offline voice, with the real engines: eSpeak NG, MBROLA, SVOX Pico."""

from __future__ import annotations

import logging
import shutil

import numpy as np
import pytest

from assistant.core.events import SAMPLE_RATE_HZ
from assistant.script.model import VoiceSettings
from assistant.speaking.catalogue import (
    ESPEAK,
    ESPEAK_DEFAULT_VOICE,
    MBROLA,
    PICO,
    canonical_name,
    default_voice,
    find_voice,
    installed_voices,
    voice_problem,
)
from assistant.speaking.pico import PICO_NATURAL_WPM, PicoBackend, speed_level
from assistant.speaking.voice import (
    CueRenderer,
    EspeakCommandBackend,
    Pyttsx3Backend,
    make_renderer,
)
from tests.helpers.voices import needs_pico

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng missing")

CUE = "Stop here and rest a moment."
#: What each engine's renderer says it is: a voice that silently fell back would not match.
ENGINE_BACKEND = {ESPEAK: "pyttsx3 (eSpeak NG)", MBROLA: "MBROLA", PICO: "SVOX Pico"}
#: Every voice of another engine, and eSpeak NG's English ones (all 130 would take long).
VOICES = [v for v in installed_voices() if v.engine != ESPEAK or v.language.startswith("en")]


def _rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(samples.astype(np.float64) ** 2)))


@pytest.mark.parametrize("voice", VOICES, ids=[v.name for v in VOICES])
def test_each_installed_voice_renders_a_cue(voice) -> None:
    renderer = make_renderer(VoiceSettings(voice=voice.name))
    cue = renderer.render(CUE, 140, 1.0)
    assert renderer.description.startswith(ENGINE_BACKEND[voice.engine])
    assert cue.rate_hz == SAMPLE_RATE_HZ and cue.samples.dtype == np.int16
    # Six words at 140 a minute: about two seconds, not a blip; and not played too fast
    # (pyttsx3 labels MBROLA's 16 kHz audio as 22.05 kHz, which would make it 30% shorter).
    assert 1.0 < cue.duration_s < 5.0
    assert _rms(cue.samples) > 500


def test_espeak_en_is_pyttsx3s_own_default_voice() -> None:
    # The default where Pico is missing, and every voice's last fallback (DefaultVoice).
    espeak_en = find_voice(ESPEAK_DEFAULT_VOICE)
    assert espeak_en is not None and espeak_en.engine == ESPEAK and espeak_en.name == "en-gb"
    renderer = CueRenderer(VoiceSettings(), backends=[Pyttsx3Backend()])
    named = Pyttsx3Backend().synthesize(CUE, "en-gb", 140)
    assert np.array_equal(renderer.render(CUE, 140, 1.0).samples, named)


def test_the_command_line_fallback_speaks_the_default_voice_too() -> None:
    # Before, the fallback spoke en-us while pyttsx3 spoke en: two voices for one setting.
    fallback = EspeakCommandBackend().synthesize(CUE, None, 140)
    named = EspeakCommandBackend().synthesize(CUE, ESPEAK_DEFAULT_VOICE, 140)
    assert np.array_equal(fallback, named)


def test_at_least_three_voices_of_which_none_mbrola_is_default() -> None:
    voices = installed_voices()
    assert len(voices) >= 3
    assert default_voice(voices).free_for_any_use
    assert all(not v.free_for_any_use for v in voices if v.engine == MBROLA)


def test_voice_names_resolve_as_espeak_does() -> None:
    assert canonical_name("EN-US+F3") == "en-us+f3"
    assert canonical_name("gmw/en-US") == "en-us"
    assert canonical_name("en") == "en-gb"
    assert find_voice("nosuchvoice") is None
    assert find_voice("en-us+nosuchvariant") is None


def test_an_unknown_voice_gets_a_problem_naming_the_closest() -> None:
    assert voice_problem("en-us") is None
    problem = voice_problem("en-usa")
    assert problem is not None and "en-us" in problem and "retrowalk voices" in problem
    assert "variant" in (voice_problem("en-us+nosuchvariant") or "")


def test_a_voice_not_installed_speaks_with_the_default_and_says_so(caplog) -> None:
    with caplog.at_level(logging.WARNING):
        renderer = make_renderer(VoiceSettings(voice="pico:xx-XX"))
    assert renderer.voice_settings.voice is None
    assert renderer.description == make_renderer(VoiceSettings()).description
    assert "(the default)" in renderer.summary
    assert "not installed" in caplog.text


@pytest.mark.parametrize("name", [v.name for v in VOICES if v.engine == MBROLA])
def test_mbrola_rate_steps_change_the_duration(name: str) -> None:
    renderer = CueRenderer(VoiceSettings(voice=name), backends=[EspeakCommandBackend()])
    assert renderer.render(CUE, 90, 1.0).duration_s > 1.5 * renderer.render(
        CUE, 200, 1.0).duration_s


def test_pico_speed_level_follows_the_rate_within_its_limits() -> None:
    assert speed_level(PICO_NATURAL_WPM) == 100
    assert speed_level(70) == 50
    assert speed_level(1) == 20 and speed_level(5000) == 500


@needs_pico
@pytest.mark.parametrize("name", ["pico:en-US", "pico:en-GB"])
def test_pico_rate_steps_change_the_duration(name: str) -> None:
    renderer = CueRenderer(VoiceSettings(voice=name), backends=[PicoBackend()])
    durations = [renderer.render(CUE, rate, 1.0).duration_s for rate in (90, 140, 200)]
    assert durations[0] > durations[1] > durations[2]
    assert durations[0] > 1.5 * durations[2]


@needs_pico
def test_pico_louder_and_quieter_are_a_gain() -> None:
    renderer = CueRenderer(VoiceSettings(voice="pico:en-GB"), backends=[PicoBackend()])
    loud, quiet = renderer.render(CUE, 140, 1.0), renderer.render(CUE, 140, 0.5)
    assert len(loud.samples) == len(quiet.samples)
    assert _rms(quiet.samples) == pytest.approx(_rms(loud.samples) / 2, rel=0.01)


@needs_pico
def test_pico_reads_no_markup_from_a_cue() -> None:
    # Pico takes "<now>" for markup (given as is, it came out 50% longer than "now").
    cue = PicoBackend().synthesize("Rest <now> and breathe slowly.", "pico:en-GB", 140)
    plain = PicoBackend().synthesize("Rest now and breathe slowly.", "pico:en-GB", 140)
    assert abs(len(cue) - len(plain)) < 0.1 * len(plain)
