"""The microphone and the device list, against a real PulseAudio room (tests/audio_server.py)."""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path

import numpy as np
import pytest

from assistant.audio.chunks import write_wav
from assistant.audio.microphone import (
    DeviceInfo,
    MicrophoneSource,
    check_devices,
    find_device,
    list_devices,
)
from assistant.cli import main
from assistant.core.clock import MonotonicClock
from assistant.core.errors import AudioDeviceError
from assistant.core.events import SAMPLE_RATE_HZ, AudioChunk
from assistant.speaking.espeak import synthesize
from tests.helpers.audio_server import SINK, AudioRoom

DEVICES = [
    DeviceInfo(0, "HDA Intel: ALC (hw:0,0)", 2, 2, 44100.0, True, True),
    DeviceInfo(1, "USB Speaker", 0, 2, 48000.0, False, False),
]


#: PulseAudio streams were measured to be unsteady (resampled, echo correlation <= 0.9) for
#: about the first 2 s; play into the room after that.
SETTLE_S = 2.5


def _record_while(source: MicrophoneSource, action, seconds: float) -> list[AudioChunk]:
    """Collect chunks from `source`; `action` runs once SETTLE_S of audio has come in."""
    chunks: list[AudioChunk] = []
    started = threading.Event()

    def act() -> None:
        started.wait(10)
        action()

    worker = threading.Thread(target=act)
    worker.start()
    try:
        for chunk in source.chunks():
            chunks.append(chunk)
            if len(chunks) * chunk.duration_s >= SETTLE_S:
                started.set()
            if len(chunks) * chunk.duration_s >= seconds:
                break
    finally:
        source.close()
        worker.join()
    return chunks


@pytest.mark.slow
def test_microphone_records_a_phrase_played_into_the_room(
    audio_room: AudioRoom, tmp_path: Path
) -> None:
    phrase = synthesize("stop walking now")
    path = tmp_path / "phrase.wav"
    write_wav(path, phrase)
    source = MicrophoneSource(clock=MonotonicClock())
    chunks = _record_while(source, lambda: audio_room.play_file(path).wait(20), seconds=6.0)
    recorded = np.concatenate([chunk.samples for chunk in chunks]).astype(np.float64)
    # The same phrase, found in the recording by cross-correlation, nearly unchanged.
    template = phrase.astype(np.float64)
    correlation = np.correlate(recorded, template, mode="valid")
    best = int(np.argmax(correlation))
    found = recorded[best : best + len(template)]
    similarity = correlation[best] / np.sqrt((found @ found) * (template @ template))
    assert similarity > 0.9
    # Chunks are 0.1 s long and evenly stamped on the session clock.
    assert all(len(chunk.samples) == SAMPLE_RATE_HZ // 10 for chunk in chunks)
    steps = np.diff([chunk.start_s for chunk in chunks])
    assert np.allclose(steps, 0.1)


@pytest.mark.slow
def test_microphone_that_stops_delivering_raises(audio_room: AudioRoom) -> None:
    """Safety rule 3 needs to know: a suspended room sink means no audio at all."""
    source = MicrophoneSource(clock=MonotonicClock(), stall_timeout_s=1.0)
    heard = 0
    try:
        with pytest.raises(AudioDeviceError, match="microphone stopped working"):
            for _ in source.chunks():
                heard += 1
                if heard == 5:
                    subprocess.run(["pactl", "suspend-sink", SINK, "1"], check=True)
    finally:
        subprocess.run(["pactl", "suspend-sink", SINK, "0"], check=False)
        source.close()


@pytest.mark.slow
def test_unknown_microphone_is_a_clear_error(audio_room: AudioRoom) -> None:
    source = MicrophoneSource(device=999, clock=MonotonicClock())
    with pytest.raises(AudioDeviceError, match="microphone could not be opened.*devices"):
        next(iter(source.chunks()))


@pytest.mark.slow
def test_devices_lists_the_room(audio_room: AudioRoom, capsys) -> None:
    devices = list_devices(refresh=True)
    assert any(d.is_default_input and d.input_channels for d in devices)
    microphone, speaker = check_devices()
    assert microphone.input_channels and speaker.output_channels
    assert main(["devices"]) == 0
    output = capsys.readouterr().out
    assert "default input" in output and "default output" in output


def test_find_device_by_number_name_or_default() -> None:
    assert find_device(DEVICES, None, "input").index == 0
    assert find_device(DEVICES, "usb", "output").index == 1
    assert find_device(DEVICES, 1, "output").name == "USB Speaker"
    with pytest.raises(AudioDeviceError, match="No input device matches 'usb'"):
        find_device(DEVICES, "usb", "input")


def test_no_microphone_at_all_points_to_the_console() -> None:
    speakers_only = [DEVICES[1]]
    with pytest.raises(AudioDeviceError, match="No input device found.*--console"):
        find_device(speakers_only, None, "input")


def test_devices_command_without_devices_points_to_the_console(monkeypatch, capsys) -> None:
    monkeypatch.setattr("assistant.commands.devices.list_devices", lambda refresh: [])
    assert main(["devices"]) == 0
    assert "No audio devices found; 'retrowalk start --console'" in capsys.readouterr().out


class _Status:
    """What PortAudio passes the callback: no overflow of its own."""

    input_overflow = False


def test_a_full_block_queue_is_lost_hearing_not_unbounded_memory() -> None:
    """Blocks the loop does not take in time: the queue stays at its bound (the oldest are
    dropped) and the next block taken raises, so the session ends by the safe path."""
    source = MicrophoneSource(clock=MonotonicClock(), max_queued_blocks=8)
    blocks = [np.full((160, 1), value, dtype=np.int16) for value in range(12)]
    for block in blocks:
        source._callback(block, 160, None, _Status())
    assert source._blocks.qsize() == 8
    assert source.dropped_blocks == 4
    with pytest.raises(AudioDeviceError, match="fell behind the microphone: 4 blocks"):
        source._next_block()


def test_blocks_within_the_bound_come_out_in_order() -> None:
    source = MicrophoneSource(clock=MonotonicClock(), max_queued_blocks=8)
    for value in range(8):
        source._callback(np.full((160, 1), value, dtype=np.int16), 160, None, _Status())
    assert [int(source._next_block()[0][0]) for _ in range(8)] == list(range(8))
    assert source.dropped_blocks == 0
