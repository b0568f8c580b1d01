"""Shared builders for the caregiver-side tests: scripts as dataclasses, and event sequences
as the session machine emits them (state changes with the machine's trigger names, from
`assistant/session/table.py`; cues, intents, errors)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from assistant.core.clock import SimulatedClock
from assistant.core.events import (
    Intent,
    SessionEvent,
    cue_event,
    error_event,
    intent_event,
    state_event,
)
from assistant.script.model import (
    AlertChannel,
    ExerciseScript,
    Progression,
    SafetySettings,
    SupportCheck,
    TimedPhase,
    VoiceSettings,
    Walking,
)


def make_script(
    alerts: tuple[AlertChannel, ...] = (),
    walk_s: float = 30.0,
    intervals: int = 3,
    rest_s: float = 20.0,
    name: str = "gentle",
    walker: str = "Anna",
    progression: Progression | None = None,
    emergency_repeat_s: float = 30.0,
    source: str = "<test>",
) -> ExerciseScript:
    """A valid script built directly from the model's dataclasses."""
    return ExerciseScript(
        name=name,
        walker=walker,
        language="en",
        voice=VoiceSettings(),
        warm_up=TimedPhase(60.0),
        support_check=SupportCheck("Stand next to your wall. Say ready."),
        walking=Walking(intervals=intervals, walk_s=walk_s, rest_s=rest_s),
        cool_down=TimedPhase(60.0),
        safety=SafetySettings(emergency_repeat_s=emergency_repeat_s),
        alerts=alerts,
        progression=progression or Progression(),
        source=source,
    )


class EventTape:
    """Builds an event sequence on a session clock: `tape.go("walking", "ready", after_s=5)`."""

    def __init__(self) -> None:
        self.t_s = 0.0
        self.state = "idle"
        self.events: list[SessionEvent] = []

    def go(self, dest: str, trigger: str, after_s: float = 0.0) -> EventTape:
        self.t_s += after_s
        self.events.append(state_event(self.t_s, self.state, dest, trigger))
        self.state = dest
        return self

    def say(self, intent: str, text: str | None = None, after_s: float = 0.0) -> EventTape:
        self.t_s += after_s
        self.events.append(intent_event(self.t_s, intent, text or intent))
        return self

    def cue(self, text: str, after_s: float = 0.0) -> EventTape:
        self.t_s += after_s
        self.events.append(cue_event(self.t_s, text, False))
        return self

    def error(self, message: str, after_s: float = 0.0) -> EventTape:
        self.t_s += after_s
        self.events.append(error_event(self.t_s, message))
        return self


def start_walking(tape: EventTape) -> EventTape:
    """Warm-up, support check, and the first backward walk begins."""
    tape.go("warm_up", "begin").cue("Let's warm up.")
    tape.go("support_check", "phase_end", after_s=60).cue("Stand next to your wall. Say ready.")
    return tape.say("ready", after_s=4).go("walking", "ready")


def completed_session(intervals: int, walk_s: float, rest_s: float = 20.0) -> list[SessionEvent]:
    """A whole session walked as planned, ending with the cool-down."""
    tape = start_walking(EventTape())
    for number in range(1, intervals + 1):
        tape.cue("Step back slowly.", after_s=1)
        if number < intervals:
            tape.go("resting", "phase_end", after_s=walk_s - 1)
            tape.go("walking", "phase_end", after_s=rest_s)
    tape.go("cool_down", "phase_end", after_s=walk_s - 1)
    return tape.go("done", "phase_end", after_s=60).events


def paused_session(walk_s: float, pause_s: float) -> list[SessionEvent]:
    """One interval with a pause in the middle, then the cool-down: pauses are not walking."""
    tape = start_walking(EventTape())
    tape.say("pause", after_s=walk_s / 2).go("paused", "pause")
    tape.say("resume", after_s=pause_s).go("walking", "resume")
    tape.go("cool_down", "phase_end", after_s=walk_s / 2)
    return tape.go("done", "phase_end", after_s=60).events


def dizzy_session(walk_before_s: float = 10.0, to_emergency: bool = False) -> list[SessionEvent]:
    """Dizziness in the first interval; the check-in is unanswered (emergency) or ends it."""
    tape = start_walking(EventTape())
    tape.say("dizzy", "I feel dizzy", after_s=walk_before_s).go("safety_pause", "dizzy")
    tape.cue("Stop. Hold your support. Sit down if you can.")
    tape.go("check_in", "rest_over", after_s=60).cue("Are you feeling better?")
    if to_emergency:
        tape.go("emergency", "dizzy_no_answer", after_s=40)
        return tape.cue("Stay where you are. I am calling your caregiver.").events
    tape.say("yes", after_s=5)  # better, but this script ends the session after dizziness
    return tape.go("done", "yes", after_s=1).events


def ended_by_walker_session(walk_s: float) -> list[SessionEvent]:
    """The walker ends during the first walk: "end", "yes", a short cool-down, done."""
    tape = start_walking(EventTape())
    tape.say("end", after_s=walk_s).say("yes", after_s=3).go("cool_down", "yes")
    return tape.go("done", "phase_end", after_s=30).events


def run_real_session(
    script: ExerciseScript,
    said: dict[float, str],
    emit: Callable[[SessionEvent], None],
    step_s: float = 0.5,
    max_s: float = 3600.0,
) -> Any:
    """The real session machine on a simulated clock, as the runner drives it: the walker's
    intents at the given times, a tick every `step_s`, each queued cue logged when said."""
    from assistant.session.machine import Session  # imported here: only these tests need it

    clock = SimulatedClock()
    session = Session(script, clock, emit)
    session.start()
    while not session.finished and clock.now_s() < max_s:
        clock.advance(step_s)
        name = said.get(round(clock.now_s(), 3))
        if name:
            emit(intent_event(clock.now_s(), name, name))
            session.handle_intent(Intent(name, name, clock.now_s()))
        session.tick()
        for cue in session.take_cues():
            emit(cue_event(clock.now_s(), cue.text, False))
    return session
