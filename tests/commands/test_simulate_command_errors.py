"""`simulate` and `demo` refuse at once, before any work, what they could not finish."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.audio.chunks import silence, write_wav
from assistant.cli import main


def test_simulate_with_an_unwritable_output_fails_before_simulating(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    audio_in, log = tmp_path / "walker.wav", tmp_path / "session.jsonl"
    write_wav(audio_in, silence(1.0))
    code = main(["simulate", "--audio-in", str(audio_in), "--log", str(log),
                 "--audio-out", str(tmp_path / "missing" / "room.wav")])
    assert code == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "does not exist" in error and "missing" in error
    assert not log.exists()  # nothing was run


def test_simulate_with_a_missing_recording_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["simulate", "--audio-in", str(tmp_path / "nobody.wav")]) != 0
    error = capsys.readouterr().err
    assert error.strip() == f"retrowalk: error: {tmp_path / 'nobody.wav'}: no such audio file"


def test_demo_with_an_unwritable_output_fails_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--audio-out", str(tmp_path / "missing" / "demo.wav")]) == 1
    assert "does not exist" in capsys.readouterr().err
