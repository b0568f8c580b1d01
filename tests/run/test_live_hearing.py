"""A live `retrowalk start` in the PulseAudio room whose microphone is unplugged mid-session:
its recording stream is moved (`pactl move-source-output`) to a source that gives exact
zeros, as PulseAudio does when a USB microphone is unplugged and the stream moves to another
source. The session tells the walker to stop and stand still and ends by itself, with its
true ending in the history.

Two silent sources: a null source (`module-null-source`), whose zeros flow at once, so the
digital-silence check is what fires; and the monitor of a null sink that nothing plays into,
whose stream PulseAudio pauses for about 2.1 s after the move (measured here), so the
microphone's own "no audio for 2 s" may fire first.

Uses the PulseAudio server: run it alone, with nothing else using PulseAudio meanwhile.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.caregiver.history import HistoryStore
from assistant.session import cues
from tests.helpers.audio_server import AudioRoom
from tests.helpers.live_session import read_events, wait_for

pytestmark = pytest.mark.slow

#: Where the stream is moved: (module, its arguments, the source's name, what may be said).
SILENT_SOURCES = {
    "null-source": ("module-null-source", ["source_name=unplugged", "max_latency_msec=20"],
                    "unplugged", ("only digital silence",)),
    "null-sink-monitor": ("module-null-sink", ["sink_name=unplugged"], "unplugged.monitor",
                          ("only digital silence", "no audio for")),
}
#: Seconds after the first cue at which the microphone is "unplugged".
UNPLUG_AFTER_S = 4.0


def pactl(*args: str) -> str:
    return subprocess.run(["pactl", *args], capture_output=True, text=True, check=True,
                          timeout=10).stdout


def recording_streams() -> list[str]:
    """The ids of the server's recording streams (the session's microphone)."""
    return [line.split("\t")[0] for line in pactl("list", "short", "source-outputs").splitlines()
            if line.strip()]


def start_live(tmp_path: Path, log: Path, db: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "RETROWALK_DATA_DIR": str(tmp_path / "data")}
    return subprocess.Popen(
        [sys.executable, "-m", "assistant", "start", "--script", "default", "--log", str(log),
         "--db", str(db)],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=env)


@pytest.mark.parametrize("silent", list(SILENT_SOURCES))
def test_a_microphone_stream_moved_to_silence_ends_the_session_safely(
    audio_room: AudioRoom, tmp_path: Path, silent: str
) -> None:
    log, db = tmp_path / "live.jsonl", tmp_path / "history.sqlite3"
    kind, arguments, source, reasons = SILENT_SOURCES[silent]
    module = pactl("load-module", kind, *arguments).strip()
    session = start_live(tmp_path, log, db)
    try:
        assert wait_for(lambda: any(e["type"] == "cue" for e in read_events(log)), 90), \
            "the live session never started speaking"
        first_cue_seen = time.monotonic()
        time.sleep(UNPLUG_AFTER_S)
        streams = recording_streams()
        assert len(streams) == 1, f"expected the session's one microphone stream: {streams}"
        unplugged_at = time.monotonic()
        pactl("move-source-output", streams[0], source)
        stdout, stderr = session.communicate(timeout=60)  # it ends by itself
        ended_s = time.monotonic() - unplugged_at
    finally:
        if session.poll() is None:
            session.kill()
            session.communicate()
        subprocess.run(["pactl", "unload-module", module], capture_output=True, timeout=10)
    events = read_events(log)
    errors = [e["message"] for e in events if e["type"] == "error"]
    # On the session's clock: its first cue, seen in the log within 20 ms of being written.
    first_cue_t = next(e["t"] for e in events if e["type"] == "cue")
    error_t = next((e["t"] for e in events if e["type"] == "error"), float("nan"))
    print(f"{silent}: hearing lost {error_t - first_cue_t - (unplugged_at - first_cue_seen):.1f} "
          f"s after the move, the program ended {ended_s:.1f} s after it: {errors}")
    assert len(errors) == 1, errors  # lost once, and said so once
    assert any(reason in errors[0] for reason in reasons), errors
    assert cues.HEARING_LOST in [e["text"] for e in events if e["type"] == "cue"]
    ending = [e for e in events if e["type"] == "state"][-1]
    assert (ending["to"], ending["trigger"]) == ("done", "hearing_lost")
    assert session.returncode == 0, stderr
    assert "Traceback" not in stderr
    with HistoryStore(db, must_exist=True) as store:
        record = store.sessions()[0]
    assert (record.status, record.end_reason) == ("ended_early", "hearing_lost")
