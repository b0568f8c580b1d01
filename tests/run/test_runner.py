"""The loop: safety intents cut speech before anything else; losing the microphone or the
recognizer ends the session safely (safety rule 3), never timing blind."""

from __future__ import annotations

from collections.abc import Iterator

from assistant.audio.chunks import silence, to_chunks
from assistant.audio.speakers import RoomSpeaker, VirtualRoom
from assistant.core.clock import SimulatedClock
from assistant.core.errors import AudioDeviceError, RecognizerError
from assistant.core.events import AudioChunk, Transcript
from assistant.core.intents import load_phrase_table
from assistant.hearing.decider import IntentDecider
from assistant.hearing.own_words import OwnWords
from assistant.run.runner import TranscriptRouter, run_listening
from assistant.run.wiring import WiredSession, wire_session
from assistant.script.loading import load_script, resolve_script
from assistant.speaking.cue_output import SpokenCues
from assistant.speaking.voice import make_renderer


class DyingMicrophone:
    """An AudioSource whose device fails after `alive_s` seconds of silence."""

    def __init__(self, clock: SimulatedClock, alive_s: float) -> None:
        self._clock, self._alive_s = clock, alive_s

    def chunks(self) -> Iterator[AudioChunk]:
        for chunk in to_chunks(silence(self._alive_s)):
            self._clock.advance(chunk.duration_s)
            yield chunk
        raise AudioDeviceError("The microphone stopped working: device unplugged")

    def close(self) -> None:
        pass


class ScriptedRecognizer:
    """Hears given texts at given times; raises RecognizerError at `crash_s` if set."""

    engine = "scripted"

    def __init__(self, heard: dict[float, str], crash_s: float | None = None) -> None:
        self._heard, self._crash_s = dict(heard), crash_s

    def accept(self, chunk: AudioChunk) -> list[Transcript]:
        if self._crash_s is not None and chunk.end_s > self._crash_s:
            raise RecognizerError("the recognizer crashed")
        due = [at for at in self._heard if at <= chunk.end_s]
        return [Transcript(self._heard.pop(at), False, self.engine, chunk.end_s) for at in due]

    def flush(self, at_s: float) -> list[Transcript]:
        return []


def wired_with_voice(clock: SimulatedClock,
                     speaker: RoomSpeaker | None = None) -> WiredSession:
    """The default script spoken by the real voice into `speaker` (a silent room if None);
    the speaker's `played` then says how long each cue really was."""
    script = load_script(resolve_script("default"))
    room_speaker = speaker or RoomSpeaker(VirtualRoom(silence(1.0)), clock)
    renderer = make_renderer(script.voice)
    return wire_session(script, clock, lambda events: SpokenCues(renderer, room_speaker, clock,
                                                                  events.emit),
                        record_history=False, alerts=False)


def run(wired: WiredSession, clock: SimulatedClock, recognizer: ScriptedRecognizer,
        alive_s: float = 30.0) -> list[tuple[str, dict]]:
    router = TranscriptRouter(wired.runner, IntentDecider(load_phrase_table("en")),
                              wired.events.emit)
    run_listening(wired.runner, DyingMicrophone(clock, alive_s), recognizer, router)
    return [(e.type, dict(e.fields)) for e in wired.events.events]


def test_stop_cuts_the_cue_before_the_session_acts_on_it() -> None:
    clock = SimulatedClock()
    wired = wired_with_voice(clock)
    events = run(wired, clock, ScriptedRecognizer({1.0: "stop"}), alive_s=5.0)
    kinds = [(kind, fields.get("interrupted"), fields.get("to")) for kind, fields in events]
    cut = kinds.index(("cue", True, None))
    stopped = kinds.index(("state", None, "stopped"))
    intent = kinds.index(("intent", None, None))
    assert intent < cut < stopped


def test_a_microphone_lost_mid_session_ends_it_with_a_spoken_stop() -> None:
    clock = SimulatedClock()
    wired = wired_with_voice(clock)
    events = run(wired, clock, ScriptedRecognizer({}), alive_s=20.0)
    assert wired.session.finished
    assert wired.session.summary.end_reason == "hearing_lost"
    errors = [fields["message"] for kind, fields in events if kind == "error"]
    assert any("unplugged" in message for message in errors)
    last_cue = [fields["text"] for kind, fields in events if kind == "cue"][-1]
    assert "stand still" in last_cue.lower()
    # Nothing is timed after the loss: the session's clock stopped with the microphone.
    assert max(e.t_s for e in wired.events.events) <= 20.0 + 0.2


def test_a_recognizer_crash_ends_the_session_safely() -> None:
    clock = SimulatedClock()
    wired = wired_with_voice(clock)
    run(wired, clock, ScriptedRecognizer({}, crash_s=8.0), alive_s=30.0)
    assert wired.session.summary.end_reason == "hearing_lost"
    states = [e.fields["to"] for e in wired.events.events if e.type == "state"]
    assert states[-1] == "done"


class FinalsRecognizer(ScriptedRecognizer):
    """Hears given texts as final results (answers need finals), confident and voiced."""

    def accept(self, chunk: AudioChunk) -> list[Transcript]:
        return [Transcript(t.text, True, self.engine, t.at_s, confidence=0.9, voiced_s=0.3)
                for t in super().accept(chunk)]


def test_an_answer_the_playing_cue_says_is_not_taken_for_the_walkers() -> None:
    """ "yes" heard while "Did you say continue? Say yes to go on." plays is its own echo;
    the walker's "yes" after the cue resumes."""
    clock = SimulatedClock()
    wired = wired_with_voice(clock)
    table = load_phrase_table("en")
    router = TranscriptRouter(wired.runner, IntentDecider(table), wired.events.emit,
                              own_words=OwnWords(table))
    heard = FinalsRecognizer({1.0: "stop", 12.0: "continue", 12.6: "yes", 20.0: "yes"})
    run_listening(wired.runner, DyingMicrophone(clock, 25.0), heard, router)
    intents = [(e.fields["intent"], e.t_s) for e in wired.events.events if e.type == "intent"]
    assert [name for name, _ in intents] == ["stop", "resume", "yes"]
    resumed = [e for e in wired.events.events if e.type == "state" and e.fields["from"]
               in ("stopped", "paused") and e.t_s >= 20.0]
    assert resumed, "the walker's own yes after the cue resumed the session"
