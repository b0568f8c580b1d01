""""Slower", "faster", "louder", "quieter" and their limits, heard in the default voice (SVOX
Pico where installed): the real rendered cue gets longer, shorter, louder, quieter, and at a
limit stays as it was."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace

import numpy as np
import pytest

from assistant.audio.chunks import silence, to_chunks
from assistant.audio.speakers import RoomSpeaker, VirtualRoom
from assistant.core.clock import SimulatedClock
from assistant.core.events import AudioChunk, Transcript
from assistant.core.intents import load_phrase_table
from assistant.hearing.decider import IntentDecider
from assistant.run.runner import TranscriptRouter, run_listening
from assistant.run.wiring import wire_session
from assistant.script.loading import load_script, resolve_script
from assistant.script.model import VoiceSettings
from assistant.session.cues import VOICE_ANSWERS, change_voice
from assistant.speaking.cue_output import SpokenCues
from assistant.speaking.voice import CueRenderer, make_renderer

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng missing")

CUE = "Walk at a comfortable pace, and let your arms swing."


def _rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(samples.astype(np.float64) ** 2)))


def _steps(voice: VoiceSettings, intent: str) -> list[tuple[VoiceSettings, str]]:
    """Every setting `intent` said again and again reaches, with the answer, until the
    limit has been answered once."""
    steps = []
    while not steps or steps[-1][1] != VOICE_ANSWERS[intent][1]:
        voice, answer = change_voice(voice, intent)
        steps.append((voice, answer))
    return steps


@pytest.fixture(scope="module")
def default_voice_settings() -> VoiceSettings:
    return load_script(resolve_script("default")).voice


@pytest.fixture(scope="module")
def renderer(default_voice_settings: VoiceSettings) -> CueRenderer:
    return make_renderer(default_voice_settings)


@pytest.mark.parametrize("intent", ["slower", "faster"])
def test_each_rate_step_changes_the_length_up_to_the_limit(
        renderer: CueRenderer, default_voice_settings: VoiceSettings, intent: str) -> None:
    steps = _steps(default_voice_settings, intent)
    durations = [renderer.render(CUE, voice.rate_wpm, 1.0).duration_s
                 for voice in [default_voice_settings] + [v for v, _ in steps]]
    *changing, at_limit = durations
    pairs = list(zip(changing, changing[1:], strict=False))
    assert len(pairs) >= 2  # the default script allows at least two steps either way
    if intent == "slower":
        assert all(later > earlier for earlier, later in pairs)
    else:
        assert all(later < earlier for earlier, later in pairs)
    assert at_limit == changing[-1]


@pytest.mark.parametrize("intent", ["louder", "quieter"])
def test_each_volume_step_changes_the_loudness_up_to_the_limit(
        renderer: CueRenderer, default_voice_settings: VoiceSettings, intent: str) -> None:
    start = replace(default_voice_settings, volume=default_voice_settings.min_volume
                    if intent == "louder" else 1.0)
    steps = _steps(start, intent)
    levels = [_rms(renderer.render(CUE, start.rate_wpm, voice.volume).samples)
              for voice in [start] + [v for v, _ in steps]]
    *changing, at_limit = levels
    pairs = list(zip(changing, changing[1:], strict=False))
    assert len(pairs) >= 2
    if intent == "louder":
        assert all(later > earlier for earlier, later in pairs)
    else:
        assert all(later < earlier for earlier, later in pairs)
    assert at_limit == changing[-1]
    # A gain: the loudest is as many times louder as its volume is higher.
    assert max(levels) / min(levels) == pytest.approx(1.0 / start.min_volume, rel=0.01)


class HeardAt:
    """A recognizer that hears given final texts at given times, confident and voiced."""

    engine = "scripted"

    def __init__(self, heard: dict[float, str]) -> None:
        self._heard = dict(heard)

    def accept(self, chunk: AudioChunk) -> list[Transcript]:
        due = [at for at in self._heard if at <= chunk.end_s]
        return [Transcript(self._heard.pop(at), True, self.engine, chunk.end_s, confidence=0.9,
                           voiced_s=0.3) for at in due]

    def flush(self, at_s: float) -> list[Transcript]:
        return []


class Silence:
    """A microphone of `length_s` seconds of silence, on the simulated clock."""

    def __init__(self, clock: SimulatedClock, length_s: float) -> None:
        self._clock, self._length_s = clock, length_s

    def chunks(self) -> Iterator[AudioChunk]:
        for chunk in to_chunks(silence(self._length_s)):
            self._clock.advance(chunk.duration_s)
            yield chunk

    def close(self) -> None:
        pass


def test_a_session_speaks_slower_and_quieter_when_asked(renderer: CueRenderer) -> None:
    """In the default script's warm-up, "speak slower" then "quieter please": the next cues
    are played at one rate step down and one volume step down, as rendered."""
    script = load_script(resolve_script("default"))
    clock = SimulatedClock()
    speaker = RoomSpeaker(VirtualRoom(silence(1.0)), clock)
    wired = wire_session(script, clock, lambda events: SpokenCues(renderer, speaker, clock,
                                                                  events.emit),
                         record_history=False, alerts=False)
    router = TranscriptRouter(wired.runner, IntentDecider(load_phrase_table("en")),
                              wired.events.emit)
    run_listening(wired.runner, Silence(clock, 60.0),
                  HeardAt({12.0: "speak slower", 18.0: "quieter please"}), router)
    voice = script.voice
    slower = voice.rate_wpm - voice.rate_step_wpm
    quieter = round(voice.volume - voice.volume_step, 3)
    spoken = [(e.fields["text"], played) for e, played in zip(
        [e for e in wired.events.events if e.type == "cue"], speaker.played, strict=True)]
    texts = [text for text, _ in spoken]
    answer = texts.index(VOICE_ANSWERS["slower"][0])
    assert texts[answer + 1] == VOICE_ANSWERS["quieter"][0]
    slow_answer = spoken[answer][1].samples
    assert np.array_equal(slow_answer, renderer.render(texts[answer], slower, 1.0).samples)
    assert len(slow_answer) > len(renderer.render(texts[answer], voice.rate_wpm, 1.0).samples)
    later_text, later = spoken[answer + 2]
    assert np.array_equal(later.samples, renderer.render(later_text, slower, quieter).samples)
    assert _rms(later.samples) < _rms(renderer.render(later_text, slower, 1.0).samples)
