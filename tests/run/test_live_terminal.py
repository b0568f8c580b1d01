"""A live `retrowalk start` on a terminal (a pseudo-terminal read by a VT100 emulator, pyte)
in the virtual room (a PulseAudio null sink): the cues on lines of their own above one
status line, which says what was heard last; nothing of ALSA's own on the screen."""

from __future__ import annotations

import os
import pty
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyte
import pytest

from assistant.audio.chunks import write_wav
from assistant.script.loading import resolve_script
from assistant.speaking.espeak import SpeakerStyle, synthesize
from tests.helpers.audio_server import AudioRoom
from tests.helpers.live_session import read_events, wait_for

pytestmark = pytest.mark.slow

COLUMNS, ROWS = 120, 60
#: Long enough for the demo's support question to be said.
QUESTION_S = 5.0
#: The demo's warm-up, cut from 20 s: the greeting is said in it, and the question (what
#: this test waits for, in real time) comes sooner.
WARM_UP_S = 8


class PtySession:
    """`retrowalk start` with its stdout and stderr on a pseudo-terminal, read as it runs."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self._master, slave = pty.openpty()
        self.process = subprocess.Popen([sys.executable, "-m", "assistant", *args],
                                        stdin=subprocess.DEVNULL, stdout=slave, stderr=slave,
                                        env=env)
        os.close(slave)
        self.output = b""
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self._master, 65536)
            except OSError:  # the session ended: the terminal is closed
                return
            if not chunk:
                return
            self.output += chunk

    def end(self) -> None:
        self.process.send_signal(signal.SIGINT)
        self.process.wait(timeout=60)
        self._reader.join(timeout=10)
        os.close(self._master)

    def screen_rows(self) -> list[str]:
        screen = pyte.Screen(COLUMNS, ROWS)
        pyte.ByteStream(screen).feed(self.output)
        return [row.rstrip() for row in screen.display if row.strip()]


def quick_demo(folder: Path) -> Path:
    """The demo script with a warm-up of `WARM_UP_S` seconds."""
    text = resolve_script("demo").read_text(encoding="utf-8")
    assert "warm_up:\n  duration_s: 20\n" in text
    path = folder / "quick_demo.yaml"
    path.write_text(text.replace("warm_up:\n  duration_s: 20\n",
                                 f"warm_up:\n  duration_s: {WARM_UP_S}\n"), encoding="utf-8")
    return path


def say_ready(room: AudioRoom, ready: Path, log: Path, attempts: int = 3) -> None:
    """Say "ready" once the question has been said (about 4 s), again as a walker would if
    it was not heard (the spotter misses a word now and then)."""
    for _attempt in range(attempts):
        time.sleep(QUESTION_S)
        room.play_file(ready).wait(20)
        if wait_for(lambda: any(e["type"] == "intent" for e in read_events(log)), 5):
            return
    raise AssertionError(f"'ready' was never heard: {read_events(log)[-5:]}")


def test_a_live_session_on_a_terminal_shows_its_status_line(
        audio_room: AudioRoom, tmp_path: Path) -> None:
    log, ready = tmp_path / "live.jsonl", tmp_path / "ready.wav"
    write_wav(ready, synthesize("ready", SpeakerStyle("en-us", 140)))
    env = {**os.environ, "RETROWALK_DATA_DIR": str(tmp_path / "data")}
    session = PtySession(["start", "--script", str(quick_demo(tmp_path)), "--no-history",
                          "--log", str(log)], env)
    try:
        asked = wait_for(lambda: any(e["type"] == "cue" and "Say ready" in e["text"]
                                     for e in read_events(log)), 120)
        assert asked, "the live session never asked for the support"
        say_ready(audio_room, ready, log)
        assert wait_for(lambda: any('| heard "ready"' in row for row in session.screen_rows()),
                        5), session.screen_rows()
    finally:
        session.end()
    rows = session.screen_rows()
    statuses = [row for row in rows if " left" in row and " | " in row]
    assert len(statuses) == 1, f"one status line, redrawn in place: {rows}"
    cues = [row for row in rows if row.startswith("  >> ")]
    assert rows.index(cues[0]) < rows.index(statuses[0])
    assert b"ALSA lib" not in session.output
