"""Cues rendered ahead, outside the loop, with the real espeak-ng voice: `update()` never waits
for a render; a cue plays once its audio is ready; the next cue is rendered while one plays;
a cut drops a render under way; a cue already in the cache is ready at once."""

from __future__ import annotations

import threading

from assistant.audio.chunks import Samples, silence
from assistant.audio.speakers import RoomSpeaker, VirtualRoom
from assistant.core.clock import SimulatedClock
from assistant.core.events import Cue, CueKind, SessionEvent
from assistant.script.model import VoiceSettings
from assistant.speaking.cue_output import SpokenCues
from assistant.speaking.voice import CueRenderer, EspeakCommandBackend

VOICE = VoiceSettings()


class HeldVoice:
    """The real espeak-ng voice; each render waits for `release` (set it to let them run)."""

    name = "espeak-ng, held"

    def __init__(self) -> None:
        self.release = threading.Event()
        self.started = threading.Event()
        self.texts: list[str] = []
        self._voice = EspeakCommandBackend()

    def synthesize(self, text: str, voice: str | None, rate_wpm: int) -> Samples:
        self.texts.append(text)
        self.started.set()
        self.release.wait(60)
        return self._voice.synthesize(text, voice, rate_wpm)


def spoken(held: HeldVoice) -> tuple[SpokenCues, list[SessionEvent], SimulatedClock,
                                      CueRenderer]:
    clock = SimulatedClock()
    events: list[SessionEvent] = []
    renderer = CueRenderer(VOICE, backends=[held])
    speaker = RoomSpeaker(VirtualRoom(silence(1.0)), clock)
    return SpokenCues(renderer, speaker, clock, events.append, render_ahead=True), events, \
        clock, renderer


def played(events: list[SessionEvent]) -> list[str]:
    return [str(e.fields["text"]) for e in events if e.type == "cue"]


def play_when_ready(output: SpokenCues) -> None:
    """Call `update()` as the loop does until nothing is rendering (real time, bounded)."""
    for _ in range(6000):
        output.update()
        if output.speaking_text is not None or not output.busy:
            return
        threading.Event().wait(0.01)


def test_update_never_waits_for_a_render_and_the_cue_plays_when_ready() -> None:
    held = HeldVoice()
    output, events, _, _ = spoken(held)
    output.say(Cue("Walk forward gently.", CueKind.START), VOICE)
    assert held.started.wait(30)
    for _ in range(5):
        output.update()  # returns at once: the render is held
    assert output.busy and played(events) == []
    held.release.set()
    play_when_ready(output)
    assert played(events) == ["Walk forward gently."]
    assert output.finish_renders(30)


def test_the_next_cue_is_rendered_while_one_plays() -> None:
    held = HeldVoice()
    held.release.set()
    output, events, clock, renderer = spoken(held)
    output.say(Cue("Walk forward gently.", CueKind.START), VOICE)
    play_when_ready(output)
    output.say(Cue("Keep going.", CueKind.ENCOURAGEMENT), VOICE)
    for _ in range(6000):  # the first still plays: the clock has not moved
        output.update()
        if renderer.cached("Keep going.", VOICE.rate_wpm, VOICE.volume) is not None:
            break
        threading.Event().wait(0.01)
    assert held.texts == ["Walk forward gently.", "Keep going."]
    assert played(events) == ["Walk forward gently."]
    clock.advance(30.0)  # the first has finished: the second is ready and plays at once
    output.update()
    assert played(events) == ["Walk forward gently.", "Keep going."]


def test_a_cut_drops_the_render_under_way_and_a_cached_cue_is_ready_at_once() -> None:
    held = HeldVoice()
    output, events, _, renderer = spoken(held)
    held.release.set()
    renderer.render("Stopping now.", VOICE.rate_wpm, VOICE.volume)  # as live prerenders
    held.release.clear()
    held.started.clear()
    output.say(Cue("Walk forward gently.", CueKind.START), VOICE)
    assert held.started.wait(30)
    output.cut()
    output.say(Cue("Stopping now.", CueKind.SAFETY), VOICE)  # not behind the held render
    assert played(events) == ["Stopping now."]
    held.release.set()
    for _ in range(20):
        output.update()
    assert played(events) == ["Stopping now."]  # the dropped cue never plays
    assert output.finish_renders(30)
