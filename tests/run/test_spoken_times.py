"""A time is said as it is when the cue plays, not when it was queued: an answer that waits
behind longer cues (real eSpeak NG speech in a virtual room) tells the time then."""

from __future__ import annotations

from assistant.core.clock import SimulatedClock
from assistant.core.intents import load_phrase_table
from assistant.hearing.decider import IntentDecider
from assistant.run.runner import TranscriptRouter, run_listening
from assistant.session import cues
from tests.run.test_runner import DyingMicrophone, FinalsRecognizer, wired_with_voice


def test_an_answer_queued_behind_the_welcome_tells_the_time_when_it_is_said() -> None:
    clock = SimulatedClock()
    wired = wired_with_voice(clock)  # the default script: a 3-minute warm-up
    router = TranscriptRouter(wired.runner, IntentDecider(load_phrase_table("en")),
                              wired.events.emit)
    heard = FinalsRecognizer({1.0: "how much longer"})
    run_listening(wired.runner, DyingMicrophone(clock, 20.0), heard, router)
    said = [(e.t_s, e.fields["text"]) for e in wired.events.events
            if e.type == "cue" and not e.fields["interrupted"]]
    asked_at = next(e.t_s for e in wired.events.events if e.type == "intent")
    answers = [(t_s, text) for t_s, text in said if text.startswith("About ")]
    assert len(answers) == 1
    answered_at, text = answers[0]
    assert said.index(answers[0]) == 3, "after the three welcome cues"
    assert answered_at - asked_at > 5.0, "it waited for the welcome to be said"
    total_s = wired.script.total_s
    assert text == cues.time_left_text("warm_up", 180.0 - answered_at, total_s - answered_at)
    assert text != cues.time_left_text("warm_up", 180.0 - asked_at, total_s - asked_at)
