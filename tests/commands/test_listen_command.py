"""`retrowalk listen --audio-in`: JSON lines of heard and intent events, from a real WAV file
of synthesized speech, through the real PocketSphinx recognizer."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from assistant.audio.chunks import resample, write_wav
from assistant.cli import main
from assistant.run.walker_synth import SpokenPhrase, walker_recording
from assistant.speaking.espeak import SpeakerStyle


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    samples, _ = walker_recording(
        [SpokenPhrase(0.5, "stop", SpeakerStyle("en-us", 140)),
         SpokenPhrase(2.5, "stop", SpeakerStyle("en-gb+f3", 120, 60))], 5.0)
    path = tmp_path_factory.mktemp("listen") / "walker.wav"
    # a 44.1 kHz file: listen must take any rate
    write_wav(path, resample(samples, 16000, 44100), 44100)
    return path


def run_listen(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict]]:
    code = main(["listen", *args])
    out = capsys.readouterr().out
    return code, [json.loads(line) for line in out.splitlines() if line.strip()]


def test_prints_heard_and_intent_events_as_json_lines(
    recording: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, records = run_listen(["--audio-in", str(recording), "--engine", "pocketsphinx"], capsys)
    assert code == 0
    assert {r["type"] for r in records} == {"heard", "intent"}
    assert all(list(r)[:2] == ["t", "type"] for r in records)
    intents = [(r["intent"], r["t"]) for r in records if r["type"] == "intent"]
    assert [name for name, _ in intents] == ["stop", "stop"]
    assert 0.5 < intents[0][1] < 1.5 and 2.5 < intents[1][1] < 4.5
    assert any(not r["final"] for r in records if r["type"] == "heard")


def test_no_partials_prints_finals_only(recording: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    _, records = run_listen(["--audio-in", str(recording), "--no-partials", "--engine",
                             "pocketsphinx"], capsys)
    heard = [r for r in records if r["type"] == "heard"]
    assert heard and all(r["final"] for r in heard)


def test_listen_with_the_spotter_says_so_and_scores_what_it_heard(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    samples, _ = walker_recording([SpokenPhrase(1.0, "stop", SpeakerStyle("en-us", 140))], 3.0)
    path = tmp_path / "stop.wav"
    write_wav(path, samples, 16000)
    code = main(["listen", "--audio-in", str(path), "--engine", "spotter"])
    captured = capsys.readouterr()
    assert code == 0 and "command spotter" in captured.err
    records = [json.loads(line) for line in captured.out.splitlines() if line.strip()]
    assert [r["intent"] for r in records if r["type"] == "intent"] == ["stop"]
    assert all(r["engine"] == "spotter" and "score" in r for r in records if r["type"] == "heard")


def test_a_missing_file_is_one_clear_error(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["listen", "--audio-in", str(tmp_path / "none.wav")])
    assert code == 3
    assert "no such audio file" in capsys.readouterr().err


def test_an_unknown_language_without_a_model_says_to_download(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RETROWALK_MODELS_DIR", str(tmp_path))
    monkeypatch.delenv("RETROWALK_VOSK_MODEL", raising=False)
    wav = tmp_path / "quiet.wav"
    write_wav(wav, np.zeros(1600, dtype=np.int16))
    assert main(["listen", "--audio-in", str(wav), "--language", "ko", "--engine",
                 "pocketsphinx"]) == 4
    assert "download" in capsys.readouterr().err
