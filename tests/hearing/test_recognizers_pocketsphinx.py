"""PocketSphinx for real: the bundled English model, phrases spoken by several espeak-ng
voices, and a random sample of the shared human recordings (skipped where absent)."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from assistant.audio.chunks import read_wav
from assistant.core.intents import load_phrase_table
from assistant.core.names import IMMEDIATE_INTENTS, IntentName
from assistant.core.paths import shared_data_dir
from assistant.hearing.recognizers.pocketsphinx_engine import PocketSphinxRecognizer
from assistant.run.listening import listen_samples
from assistant.run.walker_synth import SpokenPhrase, walker_recording
from assistant.speaking.espeak import SpeakerStyle, synthesize

TABLE = load_phrase_table("en")
VOICES = [SpeakerStyle("en-us", 140), SpeakerStyle("en-gb+f3", 120, 60),
          SpeakerStyle("en-us+m3", 170, 40)]


@pytest.fixture(scope="module")
def recognizer() -> PocketSphinxRecognizer:
    return PocketSphinxRecognizer(TABLE)


@pytest.fixture(scope="module")
def shared_data() -> Path:
    data = shared_data_dir()
    if data is None:
        pytest.skip("shared recordings absent: set RETROWALK_SHARED_DATA to ../shared/data")
    return data


def intents(recognizer: PocketSphinxRecognizer, samples: np.ndarray) -> list[str]:
    events = listen_samples(samples, recognizer=recognizer)
    return [str(e.fields["intent"]) for e in events if e.type == "intent"]


def said(text: str, style: SpeakerStyle, total_s: float = 3.0) -> np.ndarray:
    return walker_recording([SpokenPhrase(0.5, text, style)], total_s)[0]


def test_a_clear_stop_is_heard_in_every_voice() -> None:
    # How often each safety phrase is heard in each voice is a benchmark figure
    # (docs/benchmarks.md): as a threshold test it failed now and then. One recognizer per
    # voice, as one walker per session: the decoder adapts to the voice it hears.
    for voice in VOICES:
        assert "stop" in intents(PocketSphinxRecognizer(TABLE), said("stop", voice)), voice


@pytest.mark.parametrize("style", VOICES, ids=lambda s: s.voice)
def test_stop_fires_on_a_partial_near_the_word_end(
    recognizer: PocketSphinxRecognizer, style: SpeakerStyle
) -> None:
    samples, ends = walker_recording([SpokenPhrase(1.0, "stop", style)], 3.0)
    events = listen_samples(samples, recognizer=recognizer)
    stops = [e.t_s for e in events if e.type == "intent" and e.fields["intent"] == "stop"]
    assert stops and stops[0] - ends[0] <= 0.3


@pytest.mark.parametrize("text", ["go", "off", "one two three four", "go on then tell me"])
def test_words_that_are_not_safety_commands_do_not_fire_safety(
    recognizer: PocketSphinxRecognizer, text: str
) -> None:
    fired = [name for v in VOICES for name in intents(recognizer, said(text, v))
             if IntentName(name) in IMMEDIATE_INTENTS]
    assert fired == []


def test_streamed_transcripts_carry_audio_times(recognizer: PocketSphinxRecognizer) -> None:
    samples = said("stop", VOICES[0], total_s=4.0)
    events = listen_samples(samples, recognizer=recognizer)
    heard = [e for e in events if e.type == "heard"]
    assert heard and all(0.5 < e.t_s <= 4.0 for e in heard)
    assert not heard[0].fields["final"] and heard[-1].fields["final"]
    assert all(e.fields["engine"] == "pocketsphinx" for e in heard)


def clips(data: Path, word: str, count: int) -> list[np.ndarray]:
    files = sorted((data / "speech_commands" / word).glob("*.wav"))
    return [read_wav(f) for f in random.Random(5).sample(files, count)]


@pytest.mark.slow
def test_real_people_saying_other_words_rarely_fire_safety(
    recognizer: PocketSphinxRecognizer, shared_data: Path
) -> None:
    sample = [c for word in ("go", "off", "up", "_unknown_") for c in clips(shared_data, word, 8)]
    fired = sum(bool(set(intents(recognizer, c)) & set(IMMEDIATE_INTENTS)) for c in sample)
    assert fired / len(sample) <= 0.15, f"safety fired on {fired}/{len(sample)} clips"


@pytest.mark.slow
def test_a_minute_of_read_speech_fires_no_resuming_intent(
    recognizer: PocketSphinxRecognizer, shared_data: Path
) -> None:
    files = sorted((shared_data / "kathleen" / "wav16k").glob("*.wav"))
    sample = [read_wav(f) for f in random.Random(9).sample(files, 20)]
    fired = [n for s in sample for n in intents(recognizer, s)
             if n in {"resume", "yes", "ready", "cancel"}]
    assert fired == []


@pytest.mark.slow
@pytest.mark.xfail(reason="known gap (docs/recognition.md): in steady household noise the "
                   "PocketSphinx fillers take the noise and the word with it", strict=False)
def test_stop_is_heard_in_household_noise_at_10_db(
    recognizer: PocketSphinxRecognizer, shared_data: Path
) -> None:
    noise = read_wav(shared_data / "noise" / "running_tap.wav").astype(np.float64)
    heard = 0
    for style in VOICES:
        speech = synthesize("stop", style).astype(np.float64)
        background = noise[: 3 * 16000]
        # SNR over the spoken word itself, as a listener would judge it
        gain = np.sqrt(np.mean(speech**2) / (np.mean(background**2) * 10 ** (10 / 10)))
        mixed = background * gain
        mixed[8000 : 8000 + len(speech)] += speech
        heard += "stop" in intents(recognizer, np.clip(mixed, -32768, 32767).astype(np.int16))
    assert heard >= 2, f"stop heard in {heard}/{len(VOICES)} noisy recordings"
