"""A live `retrowalk start` in the virtual room (a PulseAudio null sink): "stop" played into
the room stops the session, through sounddevice, PortAudio, ALSA and PulseAudio."""

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

from assistant.audio import write_wav
from assistant.walker_synth import SpeakerStyle, synthesize

pytestmark = pytest.mark.slow


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


def test_live_session_stops_when_stop_is_played_into_the_room(
    audio_room: AudioRoom, tmp_path: Path  # noqa: F811
) -> None:
    log = Path(os.environ["RW_LOG"]) if "RW_LOG" in os.environ else tmp_path / "live.jsonl"
    stop_wav = tmp_path / "stop.wav"
    write_wav(stop_wav, synthesize("stop", SpeakerStyle("en-us", 140)))
    env = {**os.environ, "RETROWALK_DATA_DIR": str(tmp_path / "data")}
    session = subprocess.Popen(
        [sys.executable, "-m", "assistant", "start", "--script", os.environ.get("RW_SCRIPT", "demo"), "--no-history",
         "--log", str(log)],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=env,
    )
    try:
        # Wait until the greeting has been spoken and has ended, then say stop.
        assert wait_for(lambda: any(e["type"] == "cue" for e in read_events(log)), 90), \
            "the live session never started speaking"
        time.sleep(float(os.environ.get("RW_WAIT", "7.0")))
        played_at = time.monotonic()
        audio_room.play_file(stop_wav).wait(20)
        stopped = wait_for(
            lambda: any(e["type"] == "state" and e["to"] == "stopped" for e in read_events(log)),
            10,
        )
        heard_after_s = time.monotonic() - played_at
        assert stopped, f"no stop in the log: {read_events(log)[-5:]}"
        assert heard_after_s < 5.0
        intents = [e for e in read_events(log) if e["type"] == "intent"]
        assert intents[0]["intent"] == "stop"
    finally:
        session.send_signal(signal.SIGINT)
        try:
            _, stderr = session.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            session.kill()
            _, stderr = session.communicate()
    assert "Traceback" not in stderr
    assert read_events(log)[-1]["type"] in {"cue", "state", "alert"}
    assert any(e["type"] == "state" and e["to"] == "done" for e in read_events(log))
