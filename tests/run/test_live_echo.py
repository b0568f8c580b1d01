"""A live `retrowalk start` in the virtual room with no one there: the microphone hears the
assistant's voice at full level (safety rule 6: it must not obey it into walking again)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.helpers.audio_server import AudioRoom
from tests.helpers.live_session import end_session, read_events, start_session, wait_for

pytestmark = pytest.mark.slow

#: Seconds of session after the first cue: the three greeting cues and the next ones.
LISTEN_S = 20.0


def test_live_session_does_not_obey_its_own_voice(
    audio_room: AudioRoom, tmp_path: Path
) -> None:
    log = tmp_path / "live.jsonl"
    session = start_session("default", log, tmp_path)
    try:
        assert wait_for(lambda: any(e["type"] == "cue" for e in read_events(log)), 90), \
            "the live session never started speaking"
        time.sleep(LISTEN_S)
    finally:
        stderr = end_session(session)
    events = read_events(log)
    spoken = [e["text"] for e in events if e["type"] == "cue" and not e["interrupted"]]
    heard = [e["text"] for e in events if e["type"] == "heard" and e["final"]]
    print(f"{len(spoken)} cues spoken; finals heard: {heard}")
    assert "Traceback" not in stderr
    assert len(spoken) >= 3, "the greeting was not spoken"
    # A live room is real time: how often the grammar recognizer takes a cue's echo for a
    # safety word depends on the machine's load, so that count is a benchmark figure
    # (docs/benchmarks.md). What must never happen: its own voice leading back to walking.
    resuming = {"yes", "ready", "resume", "cancel"}
    assert [e for e in events if e["type"] == "intent" and e["intent"] in resuming] == []
