"""A live `retrowalk start` in the virtual room with no one there: the microphone hears the
assistant's voice at full level (safety rule 6: it must not obey it)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from audio_server import AudioRoom, audio_room  # noqa: F401 - the fixture

pytestmark = pytest.mark.slow

#: Seconds of session after the first cue: the three greeting cues and the next ones.
LISTEN_S = 20.0


def read_events(log: Path) -> list[dict]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]


def wait_for(predicate, timeout_s: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_live_session_does_not_obey_its_own_voice(
    audio_room: AudioRoom, tmp_path: Path  # noqa: F811
) -> None:
    log = tmp_path / "live.jsonl"
    env = {**os.environ, "RETROWALK_DATA_DIR": str(tmp_path / "data")}
    session = subprocess.Popen(
        [sys.executable, "-m", "assistant", "start", "--script", "default", "--no-history",
         "--log", str(log)],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=env,
    )
    try:
        assert wait_for(lambda: any(e["type"] == "cue" for e in read_events(log)), 90), \
            "the live session never started speaking"
        time.sleep(LISTEN_S)
    finally:
        session.send_signal(signal.SIGINT)
        try:
            _, stderr = session.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            session.kill()
            _, stderr = session.communicate()
    events = read_events(log)
    spoken = [e["text"] for e in events if e["type"] == "cue" and not e["interrupted"]]
    heard = [e["text"] for e in events if e["type"] == "heard" and e["final"]]
    print(f"{len(spoken)} cues spoken; finals heard: {heard}")
    assert "Traceback" not in stderr
    assert len(spoken) >= 3, "the greeting was not spoken"
    assert [e for e in events if e["type"] == "intent"] == []
