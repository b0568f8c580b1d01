"""Speakers: the virtual room of simulations, and sounddevice into a real PulseAudio room."""

from __future__ import annotations

import itertools
import threading
import time

import numpy as np
import pytest

from assistant.audio.chunks import silence
from assistant.audio.microphone import MicrophoneSource
from assistant.audio.speakers import RoomMicrophone, RoomSpeaker, SoundDeviceSpeaker, VirtualRoom
from assistant.core.clock import MonotonicClock, SimulatedClock
from assistant.core.errors import AudioDeviceError
from assistant.core.events import SAMPLE_RATE_HZ
from assistant.script.model import VoiceSettings
from assistant.speaking.voice import CueRenderer
from tests.helpers.audio_server import AudioRoom

RATE = SAMPLE_RATE_HZ


def _tone(seconds: float, amplitude: int = 8000) -> np.ndarray:
    times_s = np.arange(int(seconds * RATE)) / RATE
    return np.round(amplitude * np.sin(2 * np.pi * 440 * times_s)).astype(np.int16)


def _rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(samples.astype(np.float64) ** 2))) if len(samples) else 0.0


def test_room_microphone_hears_walker_and_echo_of_the_assistant() -> None:
    walker = np.full(2 * RATE, 1000, dtype=np.int16)
    room = VirtualRoom(walker, echo_gain=0.5)
    room.add_assistant(np.full(RATE // 2, 2000, dtype=np.int16), at_s=1.0)
    before = room.microphone_chunk(0.5, 1600)
    during = room.microphone_chunk(1.2, 1600)
    assert np.all(before == 1000)
    assert np.all(during == 1000 + 0.5 * 2000)
    # What the room heard (for --audio-out) has the assistant at full level.
    assert room.room_audio()[int(1.2 * RATE)] == 3000


def test_room_speaker_plays_until_its_end_or_a_stop() -> None:
    clock = SimulatedClock()
    room = VirtualRoom(silence(5.0))
    speaker = RoomSpeaker(room, clock)
    cue = _tone(2.0)
    speaker.play(cue, RATE, at_s=0.5)
    assert speaker.is_playing(1.0) and not speaker.is_playing(2.6)
    clock.advance(1.5)
    speaker.stop()
    assert not speaker.is_playing(1.6)
    assert speaker.played[-1].stopped_s == 1.5
    assert len(speaker.played[-1].heard_samples) == RATE
    heard = room.room_audio()
    assert _rms(heard[int(0.6 * RATE) : int(1.5 * RATE)]) > 5000
    assert not np.any(heard[int(1.5 * RATE) :])


def test_a_new_cue_replaces_the_one_playing() -> None:
    clock = SimulatedClock()
    room = VirtualRoom(silence(5.0))
    speaker = RoomSpeaker(room, clock)
    speaker.play(_tone(3.0), RATE, at_s=0.0)
    speaker.play(_tone(0.5, amplitude=1000), RATE, at_s=1.0)
    assert speaker.played[0].stopped_s == 1.0
    heard = room.room_audio()
    assert _rms(heard[int(1.1 * RATE) : int(1.4 * RATE)]) < 1000  # only the new, quiet cue
    assert not np.any(heard[int(1.6 * RATE) :])


def test_room_microphone_chunks_advance_the_clock() -> None:
    clock = SimulatedClock()
    microphone = RoomMicrophone(VirtualRoom(silence(1.0)), clock)
    chunks = list(microphone.chunks())
    assert len(chunks) == 10
    assert [round(chunk.start_s, 3) for chunk in chunks[:3]] == [0.0, 0.1, 0.2]
    assert clock.now_s() == pytest.approx(1.0)


def test_room_microphone_listens_past_the_recording_until_told() -> None:
    """A session may outlast the walker's recording: the room is then silent but for cues."""
    clock = SimulatedClock()
    room = VirtualRoom(silence(1.0), echo_gain=0.5)
    microphone = RoomMicrophone(room, clock, until_s=2.0)
    first = list(itertools.islice(microphone.chunks(), 5))
    room.add_assistant(np.full(RATE, 2000, dtype=np.int16), at_s=1.5)
    rest = list(microphone.chunks())  # resumes where the clock is
    assert len(first) + len(rest) == 20
    assert rest[-1].start_s == pytest.approx(1.9)
    assert np.all(rest[-1].samples == 1000)  # the echo of the cue, after the recording


def test_float_and_other_rate_audio_is_converted() -> None:
    clock = SimulatedClock()
    room = VirtualRoom(silence(2.0))
    speaker = RoomSpeaker(room, clock)
    speaker.play(np.full(22050, 0.5, dtype=np.float32), 22050, at_s=0.0)
    played = speaker.played[-1]
    assert played.samples.dtype == np.int16
    assert abs(len(played.samples) - RATE) < 10
    assert abs(int(played.samples[RATE // 2]) - 16384) < 50


def test_unknown_speaker_device_is_a_clear_error() -> None:
    speaker = SoundDeviceSpeaker(device=999)
    with pytest.raises(AudioDeviceError, match="speaker could not be opened.*devices"):
        speaker.play(_tone(0.1), RATE, at_s=0.0)


def _loud_times_s(chunks: list, threshold: float = 500.0) -> np.ndarray:
    """Session-clock times of the recording's loud 5 ms windows."""
    audio = np.concatenate([chunk.samples for chunk in chunks])
    window = int(0.005 * RATE)
    levels = np.array([_rms(audio[i : i + window]) for i in range(0, len(audio), window)])
    return chunks[0].start_s + np.flatnonzero(levels > threshold) * 0.005


@pytest.mark.slow
def test_speaker_plays_into_the_room_and_stops_at_once(audio_room: AudioRoom) -> None:
    """The microphone hears a cue; a steady tone cut by stop() is gone within 100 ms."""
    clock = MonotonicClock()
    cue = CueRenderer(VoiceSettings()).render("Walk backward slowly now.", 140, 1.0)
    microphone = MicrophoneSource(clock=clock)
    speaker = SoundDeviceSpeaker()
    speaker.open()
    chunks: list = []
    recording = threading.Thread(target=lambda: chunks.extend(microphone.chunks()))
    recording.start()
    try:
        time.sleep(2.5)  # both streams past their start-up
        cue_s = clock.now_s()
        speaker.play(cue.samples, cue.rate_hz, cue_s)
        time.sleep(cue.duration_s + 0.5)
        tone_s = clock.now_s()
        speaker.play(_tone(5.0), RATE, tone_s)
        time.sleep(1.0)
        stop_s = clock.now_s()
        speaker.stop()
        assert not speaker.is_playing(clock.now_s())
        time.sleep(1.0)
    finally:
        microphone.close()
        recording.join()
        speaker.close()
    loud_s = _loud_times_s(chunks)
    cue_heard_s = loud_s[(loud_s > cue_s) & (loud_s < tone_s)]
    assert np.ptp(cue_heard_s) > 0.5 * cue.duration_s, "the microphone did not hear the cue"
    tone_heard_s = loud_s[loud_s > tone_s]
    onset_delay_s, cut_delay_s = tone_heard_s[0] - tone_s, tone_heard_s[-1] - stop_s
    print(f"play->heard {onset_delay_s * 1000:.0f} ms, stop->silence {cut_delay_s * 1000:.0f} ms")
    assert tone_heard_s[-1] - tone_heard_s[0] > 0.8  # the tone played until stop()...
    assert cut_delay_s < 0.12  # ...and the room fell silent about 100 ms after it at most
    played = speaker.played[-1]
    assert played.stopped_s is not None and 0.8 < played.stopped_s - tone_s < 1.2
