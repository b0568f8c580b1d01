"""Time from the walker's point of view: a question's countdown starts when the question has
been heard, not when it was queued behind other cues; cue events are stamped when they start
playing. The real voice renders every cue; each cue's length is taken from what the session's
speaker played (the walker hears exactly that), and a simulated clock makes the session exact."""

from __future__ import annotations

from assistant.audio.chunks import CHUNK_S, silence
from assistant.audio.speakers import RoomSpeaker, VirtualRoom
from assistant.core.clock import SimulatedClock
from assistant.core.events import SessionEvent
from assistant.core.intents import load_phrase_table
from assistant.hearing.decider import IntentDecider
from assistant.run.runner import TranscriptRouter, run_listening
from assistant.script.loading import load_script, resolve_script
from assistant.session import cues
from tests.run.test_runner import DyingMicrophone, ScriptedRecognizer, wired_with_voice

#: The loop notices the end of playback at its next chunk.
ONE_STEP_S = CHUNK_S + 1e-6


def spoken_s(speaker: RoomSpeaker, at_s: float) -> float:
    """How long the cue that started playing at `at_s` lasts, as the speaker played it."""
    [played] = [p for p in speaker.played if p.start_s == at_s]
    return len(played.samples) / played.rate_hz


def run_session(heard: dict[float, str], alive_s: float
                ) -> tuple[list[SessionEvent], RoomSpeaker]:
    clock = SimulatedClock()
    speaker = RoomSpeaker(VirtualRoom(silence(1.0)), clock)
    wired = wired_with_voice(clock, speaker)
    router = TranscriptRouter(wired.runner, IntentDecider(load_phrase_table("en")),
                              wired.events.emit)
    run_listening(wired.runner, DyingMicrophone(clock, alive_s), ScriptedRecognizer(heard),
                  router)
    return list(wired.events.events), speaker


def cue_times(events: list[SessionEvent], text: str) -> list[float]:
    return [e.t_s for e in events if e.type == "cue" and e.fields["text"] == text]


def test_the_support_question_is_asked_again_only_after_it_was_heard_and_waited_for() -> None:
    script = load_script(resolve_script("default"))
    question, wait_s = script.support_check.question, script.support_check.reprompt_s
    events, speaker = run_session({}, alive_s=script.warm_up.duration_s + 90.0)
    asked, asked_again = cue_times(events, question)[:2]
    heard_by_s = asked + spoken_s(speaker, asked)
    assert heard_by_s + wait_s <= asked_again <= heard_by_s + wait_s + ONE_STEP_S


def test_the_help_window_is_whole_after_its_sentence_has_been_heard() -> None:
    script = load_script(resolve_script("default"))
    window_s = script.safety.help_cancel_window_s
    sentence = cues.help_window_text(window_s)
    events, speaker = run_session({30.0: "help"}, alive_s=80.0)
    [said] = cue_times(events, sentence)
    emergency = next(e for e in events if e.type == "state" and e.fields["to"] == "emergency")
    heard_by_s = said + spoken_s(speaker, said)
    assert heard_by_s + window_s <= emergency.t_s <= heard_by_s + window_s + ONE_STEP_S


def test_cue_events_are_stamped_when_each_cue_starts_playing() -> None:
    """The greeting's cues follow one another: each starts as the one before has ended."""
    events, speaker = run_session({}, alive_s=30.0)
    greeting = [e for e in events if e.type == "cue"][:3]
    for before, after in zip(greeting, greeting[1:], strict=False):
        ends_s = before.t_s + spoken_s(speaker, before.t_s)
        assert ends_s <= after.t_s <= ends_s + ONE_STEP_S
