"""A virtual room for the real-audio tests: a PulseAudio null sink named "room".

What is played to the sink (`paplay`, or our speaker through PortAudio -> ALSA's pulse
plugin -> PulseAudio) comes back from its monitor, `room.monitor`, which is made the default
source, so the assistant's microphone hears it as it would in a real room.

Needs the Debian packages pulseaudio, pulseaudio-utils (pactl, paplay), libasound2-plugins
(ALSA's pulse plugin) and libportaudio2. Runs as root too (PulseAudio warns but works).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

SINK = "room"
START_COMMAND = [
    "pulseaudio", "-D", "--exit-idle-time=-1", "-n", "--load=module-native-protocol-unix",
    f"--load=module-null-sink sink_name={SINK}",
]


@dataclass
class AudioRoom:
    """A running PulseAudio server with the room sink as default sink and source monitor."""

    started_here: bool
    hiss: RoomHiss | None = None

    def play_file(self, path: Path) -> subprocess.Popen[bytes]:
        """Play a WAV file into the room (in the background); wait() on the result."""
        return subprocess.Popen(["paplay", f"--device={SINK}", str(path)])


class RoomHiss:
    """A quiet room's hiss (about 3 LSB RMS, -80 dBFS) played into the room for as long as it
    runs: a real microphone is never digitally silent, and a live session treats 3 s of
    exact zeros as an unplugged microphone (`assistant.hearing.supervisor`). `pacat` paces
    the writes; the noise is generated as it goes."""

    def __init__(self, sink: str = SINK) -> None:
        self._player = subprocess.Popen(
            ["pacat", "--playback", f"--device={sink}", "--format=s16le", "--rate=16000",
             "--channels=1", "--latency-msec=100"],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._running = threading.Event()
        self._running.set()
        self._thread = threading.Thread(target=self._feed, daemon=True)
        self._thread.start()

    def _feed(self) -> None:
        noise = np.random.default_rng(11)
        assert self._player.stdin is not None
        try:
            while self._running.is_set():
                block = np.round(noise.normal(0.0, 3.0, 1600)).astype("<i2")
                self._player.stdin.write(block.tobytes())
        except (BrokenPipeError, ValueError, OSError):
            return

    def stop(self) -> None:
        self._running.clear()
        self._player.terminate()
        try:
            self._player.wait(10)
        except subprocess.TimeoutExpired:
            self._player.kill()


def _pactl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["pactl", *args], capture_output=True, text=True, timeout=10)


def _server_running() -> bool:
    return _pactl("info").returncode == 0


def _has_room_sink() -> bool:
    sinks = _pactl("list", "short", "sinks").stdout.split("\n")
    return any(line.split("\t")[1:2] == [SINK] for line in sinks if line)


def start_room() -> AudioRoom:
    """Start PulseAudio with the room sink unless one is running; make the room the default."""
    started_here = False
    if not _server_running():
        result = subprocess.run(START_COMMAND, capture_output=True, text=True, timeout=30)
        if result.returncode != 0:
            raise RuntimeError(f"pulseaudio did not start: {result.stderr.strip()}")
        started_here = True
        _wait_for_server()
    if not _has_room_sink():
        _pactl("load-module", "module-null-sink", f"sink_name={SINK}")
    _pactl("set-default-sink", SINK)
    _pactl("set-default-source", f"{SINK}.monitor")
    _refresh_portaudio()
    return AudioRoom(started_here, RoomHiss())


def stop_room(room: AudioRoom) -> None:
    """Stop the hiss, and the server if `start_room` started it (one somebody else runs is
    left alone)."""
    if room.hiss is not None:
        room.hiss.stop()
    if room.started_here:
        subprocess.run(["pulseaudio", "--kill"], capture_output=True, timeout=10)


def _wait_for_server(timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not _server_running():
        if time.monotonic() > deadline:
            raise RuntimeError("pulseaudio started but does not answer 'pactl info'")
        time.sleep(0.1)


def _refresh_portaudio() -> None:
    """PortAudio lists devices once: rescan so the server's ALSA 'pulse' device shows."""
    from assistant.audio.microphone import list_devices

    names = [device.name for device in list_devices(refresh=True)]
    if not any(name in ("pulse", "default") for name in names):
        raise RuntimeError(f"PortAudio does not see PulseAudio (devices: {names}); "
                           "install libasound2-plugins")


@pytest.fixture(scope="session")
def audio_room() -> Iterator[AudioRoom]:
    """The PulseAudio room for a test session; skips when PulseAudio is not installed."""
    missing = [tool for tool in ("pulseaudio", "pactl", "paplay", "pacat")
               if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"PulseAudio is not installed (missing {', '.join(missing)}); "
                    "apt-get install pulseaudio pulseaudio-utils libasound2-plugins")
    if os.environ.get("RETROWALK_SKIP_AUDIO_SERVER"):
        pytest.skip("RETROWALK_SKIP_AUDIO_SERVER is set")
    try:
        room = start_room()
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as err:
        pytest.skip(f"the PulseAudio room could not be set up: {err}")
    yield room
    stop_room(room)
