"""Voice or clatter: spoken words have voiced frames, household noise has none."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.audio.chunks import read_wav
from assistant.core.events import Transcript
from assistant.core.intents import load_phrase_table
from assistant.core.paths import shared_data_dir
from assistant.hearing.decider import IntentDecider
from assistant.hearing.voicing import voiced_seconds
from assistant.speaking.espeak import SpeakerStyle, synthesize


@pytest.mark.parametrize("voice", ["en-us", "en-gb+f3"])
def test_spoken_words_have_voiced_frames(voice: str) -> None:
    assert voiced_seconds(synthesize("yes", SpeakerStyle(voice, 150)), 16_000) >= 0.1


def test_white_noise_and_silence_have_none() -> None:
    noise = np.random.default_rng(7).normal(0, 3000, 32_000).astype(np.int16)
    assert voiced_seconds(noise, 16_000) == 0.0
    assert voiced_seconds(np.zeros(16_000, dtype=np.int16), 16_000) == 0.0


def test_real_running_water_has_almost_none() -> None:
    data = shared_data_dir()
    if data is None:
        pytest.skip("the shared recordings (../shared/data) are not here")
    tap = read_wav(data / "noise" / "running_tap.wav")[: 16_000 * 30]
    assert voiced_seconds(tap, 16_000) < 0.3  # in 30 s of running water


def test_a_non_safety_intent_needs_a_voice_but_a_stop_does_not() -> None:
    decider = IntentDecider(load_phrase_table("en"))
    clatter = dict(final=True, engine="test", at_s=1.0, voiced_s=0.0)
    assert decider.decide(Transcript("yep", **clatter)) is None  # type: ignore[arg-type]
    voiced = dict(final=True, engine="test", at_s=2.0, voiced_s=0.3)
    intent = decider.decide(Transcript("yep", **voiced))  # type: ignore[arg-type]
    assert intent is not None and intent.name == "yes"
    stop = decider.decide(Transcript("stop", **clatter))  # type: ignore[arg-type]
    assert stop is not None and stop.name == "stop"
