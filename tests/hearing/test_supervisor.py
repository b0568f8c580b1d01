"""The hearing watchdog on real arrays and given times: a dead signal (digital silence, a
constant value), recognition lagging behind the clock, a recognizer that stops returning."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.audio.chunks import read_wav, silence, to_chunks
from assistant.core.events import SAMPLE_RATE_HZ, AudioChunk
from assistant.core.paths import shared_data_dir
from assistant.hearing.supervisor import (
    FLAT_SIGNAL_S,
    HearingLimits,
    HearingSupervisor,
    RecognitionProgress,
)


def first_loss(supervisor: HearingSupervisor, chunks: list[AudioChunk]) -> float | None:
    """The end time of the chunk after which the signal first counts as dead, or None."""
    for chunk in chunks:
        supervisor.heard(chunk)
        if supervisor.signal_lost() is not None:
            return round(chunk.end_s, 3)
    return None


def quiet_room(seconds: float, seed: int = 7) -> np.ndarray:
    """A quiet room's microphone: hiss of about 3 LSB RMS (-80 dBFS)."""
    noise = np.random.default_rng(seed).normal(0.0, 3.0, int(seconds * SAMPLE_RATE_HZ))
    return np.round(noise).astype(np.int16)


def test_digital_silence_is_lost_hearing_after_three_seconds() -> None:
    audio = np.concatenate([quiet_room(5.0), silence(10.0)])
    supervisor = HearingSupervisor()
    assert first_loss(supervisor, to_chunks(audio)) == 5.0 + FLAT_SIGNAL_S
    assert "digital silence for 3.0 s" in (supervisor.signal_lost() or "")


def test_a_constant_value_is_lost_hearing_too() -> None:
    audio = np.concatenate([quiet_room(2.0), np.full(16_000 * 5, -1200, dtype=np.int16)])
    supervisor = HearingSupervisor()
    assert first_loss(supervisor, to_chunks(audio)) == 5.0
    assert "one value (-1200)" in (supervisor.signal_lost() or "")


def test_a_signal_that_comes_back_resets_the_count() -> None:
    """2.9 s of zeros, a moment of hiss, 2.9 s of zeros: never 3 s in a row."""
    pieces = [silence(2.9), quiet_room(0.1), silence(2.9), quiet_room(1.0)]
    assert first_loss(HearingSupervisor(), to_chunks(np.concatenate(pieces))) is None


def test_a_change_of_value_starts_a_new_count() -> None:
    """Zeros, then a constant 5: each is shorter than the limit, so hearing is not lost yet."""
    audio = np.concatenate([silence(2.0), np.full(16_000 * 2, 5, dtype=np.int16)])
    assert first_loss(HearingSupervisor(), to_chunks(audio)) is None


def test_a_quiet_room_is_never_a_dead_signal() -> None:
    assert first_loss(HearingSupervisor(), to_chunks(quiet_room(60.0))) is None


def test_real_household_noise_is_never_a_dead_signal() -> None:
    data = shared_data_dir()
    if data is None:
        pytest.skip("the shared recordings (../shared/data) are not here")
    for name in ("doing_the_dishes.wav", "exercise_bike.wav", "running_tap.wav"):
        noise = read_wav(data / "noise" / name)
        assert first_loss(HearingSupervisor(), to_chunks(noise)) is None, name


def test_the_signal_check_can_be_off() -> None:
    supervisor = HearingSupervisor(HearingLimits(flat_signal_s=None))
    assert first_loss(supervisor, to_chunks(silence(30.0))) is None


def test_recognition_a_second_behind_is_fine_more_is_lost() -> None:
    supervisor = HearingSupervisor()
    assert supervisor.recognition_lost(11.0, RecognitionProgress(10.0)) is None
    reason = supervisor.recognition_lost(11.3, RecognitionProgress(10.0))
    assert reason == "Recognition is 1.3 s behind the clock"


def test_a_recognizer_busy_too_long_has_stopped_returning() -> None:
    supervisor = HearingSupervisor()
    assert supervisor.recognition_lost(10.9, RecognitionProgress(10.0, 10.0)) is None
    reason = supervisor.recognition_lost(11.5, RecognitionProgress(10.0, 10.0))
    assert reason == "The recognizer has not returned for 1.5 s"


def test_nothing_waiting_is_no_lag() -> None:
    assert HearingSupervisor().recognition_lost(100.0, RecognitionProgress(None)) is None


def test_the_recognition_checks_can_be_off() -> None:
    supervisor = HearingSupervisor(HearingLimits(lag_limit_s=None, stall_limit_s=None))
    assert supervisor.recognition_lost(100.0, RecognitionProgress(1.0, 1.0)) is None


def test_a_stuck_call_shows_as_lag_first_and_says_so() -> None:
    """The chunk a stuck call works on is older than the call: lag is what is seen first."""
    supervisor = HearingSupervisor()
    reason = supervisor.recognition_lost(11.2, RecognitionProgress(10.0, 10.3))
    assert reason == ("Recognition is 1.2 s behind the clock (the recognizer has been busy "
                      "for 0.9 s)")
