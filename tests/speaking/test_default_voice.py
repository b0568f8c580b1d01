"""The default voice: SVOX Pico en-US where pico2wave is installed, else eSpeak NG `en`;
never MBROLA. With the real engines, and a PATH without pico2wave for the fallback."""

from __future__ import annotations

import logging
import shutil

import numpy as np
import pytest

from assistant.cli import main
from assistant.script.model import VoiceSettings
from assistant.speaking.catalogue import (
    ESPEAK,
    MBROLA,
    PICO,
    PICO_DEFAULT_VOICE,
    default_voice,
    installed_voices,
)
from assistant.speaking.pico import PicoBackend
from assistant.speaking.voice import Pyttsx3Backend, make_renderer
from tests.helpers.voices import needs_pico

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng missing")

CUE = "Stop here and rest a moment."


@needs_pico
def test_the_default_voice_is_pico_en_us_where_installed() -> None:
    default = default_voice()
    assert default is not None and default.engine == PICO and default.name == PICO_DEFAULT_VOICE
    assert default.free_for_any_use and default.licence == "Apache-2.0"
    renderer = make_renderer(VoiceSettings())
    assert renderer.description == PicoBackend.name
    assert renderer.summary == f"voice {PICO_DEFAULT_VOICE} (the default), {PicoBackend.name}"
    # voice: null speaks exactly as pico2wave speaks en-US.
    named = PicoBackend().synthesize(CUE, PICO_DEFAULT_VOICE, 140)
    assert np.array_equal(renderer.render(CUE, 140, 1.0).samples, named)


def test_without_pico_the_default_is_espeak_en(without_pico) -> None:
    assert not any(v.engine == PICO for v in installed_voices())
    default = default_voice()
    assert default is not None and default.engine == ESPEAK and default.name == "en-gb"
    renderer = make_renderer(VoiceSettings())
    assert renderer.description == Pyttsx3Backend.name
    assert renderer.summary == "voice en-gb (the default), pyttsx3 (eSpeak NG)"
    plain = Pyttsx3Backend().synthesize(CUE, None, 140)
    assert np.array_equal(renderer.render(CUE, 140, 1.0).samples, plain)


def test_without_pico_voices_marks_espeak_and_says_what_to_install(without_pico,
                                                                   capsys) -> None:
    assert main(["voices"]) == 0
    out = capsys.readouterr().out
    defaults = [line for line in out.splitlines() if line.startswith("*")]
    assert len(defaults) == 1 and defaults[0].startswith("* en-gb ")
    assert "pico:" not in out
    assert "SVOX Pico is not installed here: install libttspico-utils" in out
    assert "it becomes the default" in out


def test_without_pico_a_pico_voice_speaks_the_default_and_says_so(without_pico,
                                                                  caplog) -> None:
    with caplog.at_level(logging.WARNING):
        renderer = make_renderer(VoiceSettings(voice="pico:en-GB"))
    assert "not installed" in caplog.text
    assert renderer.summary == "voice en-gb (the default), pyttsx3 (eSpeak NG)"


@needs_pico
def test_a_failing_pico_falls_back_to_espeak_and_says_so(broken_pico, caplog) -> None:
    with caplog.at_level(logging.WARNING):
        renderer = make_renderer(VoiceSettings())
    assert "Cannot load resource file" in caplog.text
    assert renderer.summary == (f"voice en-gb (the fallback: {PICO_DEFAULT_VOICE} did not work "
                                "here), pyttsx3 (eSpeak NG)")
    plain = Pyttsx3Backend().synthesize(CUE, None, 140)
    assert np.array_equal(renderer.render(CUE, 140, 1.0).samples, plain)


def test_mbrola_is_never_the_default() -> None:
    mbrola = [v for v in installed_voices() if v.engine == MBROLA]
    # Even with no other voice installed, there is no default rather than an MBROLA one.
    assert default_voice(mbrola) is None
    assert default_voice().engine != MBROLA
