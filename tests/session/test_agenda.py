"""The agenda's countdowns that wait for speech: from when it was heard, never stuck."""

from __future__ import annotations

from assistant.core.clock import SimulatedClock
from assistant.session.agenda import SPEECH_WAIT_CAP_S, Agenda


def fired_at(agenda: Agenda, clock: SimulatedClock, fired: list[float], until_s: float,
             speech_ends_s: float | None = None) -> list[float]:
    while clock.now_s() < until_s:
        clock.advance(0.5)
        if speech_ends_s is not None and clock.now_s() >= speech_ends_s:
            agenda.speech_finished(clock.now_s())
            speech_ends_s = None
        agenda.fire_due()
    return fired


def test_a_countdown_starts_when_the_speech_has_been_heard() -> None:
    clock, fired = SimulatedClock(), []
    agenda = Agenda(clock, follow_speech=True)
    agenda.after_speech(10.0, 0, "limit", lambda: fired.append(agenda.now_s()))
    assert fired_at(agenda, clock, fired, 60.0, speech_ends_s=6.0) == [16.0]


def test_a_voice_that_never_reports_does_not_stop_the_clock() -> None:
    clock, fired = SimulatedClock(), []
    agenda = Agenda(clock, follow_speech=True)
    agenda.after_speech(10.0, 0, "limit", lambda: fired.append(agenda.now_s()))
    assert fired_at(agenda, clock, fired, 120.0) == [10.0 + SPEECH_WAIT_CAP_S]


def test_without_following_speech_a_countdown_starts_at_once() -> None:
    clock, fired = SimulatedClock(), []
    agenda = Agenda(clock)
    agenda.after_speech(10.0, 0, "limit", lambda: fired.append(agenda.now_s()))
    assert fired_at(agenda, clock, fired, 60.0, speech_ends_s=6.0) == [10.0]


def test_cancelled_countdowns_are_not_started_by_later_speech() -> None:
    clock, fired = SimulatedClock(), []
    agenda = Agenda(clock, follow_speech=True)
    agenda.after_speech(10.0, 0, "limit", lambda: fired.append(agenda.now_s()))
    agenda.cancel("limit")
    assert fired_at(agenda, clock, fired, 60.0, speech_ends_s=2.0) == []
