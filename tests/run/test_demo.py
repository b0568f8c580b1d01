"""`retrowalk demo`: a complete simulated session with a synthesized walker."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.audio.chunks import read_wav
from assistant.cli import main
from assistant.speaking.catalogue import default_voice

pytestmark = pytest.mark.slow


def test_demo_prints_a_complete_session_with_the_dizziness_handled(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wav = tmp_path / "demo.wav"
    assert main(["demo", "--audio-out", str(wav)]) == 0
    transcript = capsys.readouterr().out
    lines = transcript.splitlines()

    def first(text: str) -> int:
        return next(i for i, line in enumerate(lines) if text in line)

    # The story in order: ready, walking, dizzy, rest, check-in, recovered, walking, done.
    order = [first("-> ready"), first("support_check -> walking"), first("-> dizzy"),
             first("walking -> safety_pause"), first("safety_pause -> check_in"),
             first("check_in -> walking"), first("-> done")]
    assert order == sorted(order)
    assert 'Walker      says "I feel dizzy"' in transcript
    assert "Listen to it:" in transcript
    default = default_voice()
    assert default is not None
    assert f"The assistant spoke with voice {default.name} (the default)" in transcript
    # The WAV holds the whole session, walker and assistant.
    assert len(read_wav(wav)) / 16_000 > 60
