"""Lost hearing through the real session on the simulated clock (safety rule 3): the
microphone turns to digital silence mid-warm-up; the recognizer stops returning; and the
loop hears a "stop" while a cue is still being rendered. Each ends as the 2 s no-audio case
does: the walker told to stop and stand still, the `hearing_lost` alert, the true ending in
the history."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from assistant.audio.chunks import Samples, silence, to_chunks
from assistant.audio.speakers import RoomSpeaker, VirtualRoom
from assistant.core.clock import SimulatedClock
from assistant.core.events import AudioChunk, SessionEvent, Transcript
from assistant.core.intents import load_phrase_table
from assistant.hearing.decider import IntentDecider
from assistant.run.hearing_watch import LIVE_LIMITS, SIMULATED_LIMITS, HearingWatch
from assistant.run.runner import TranscriptRouter, run_listening
from assistant.run.simulate import SimulationOptions, simulate_session
from assistant.run.wiring import WiredSession, wire_session
from assistant.script.loading import load_script, resolve_script
from assistant.session import cues
from assistant.speaking.cue_output import SpokenCues
from assistant.speaking.voice import CueRenderer, EspeakCommandBackend, make_renderer
from tests.helpers.http_receiver import HttpReceiver
from tests.run.test_recognition import HangingRecognizer
from tests.run.test_safe_path import cues_said, stored_ending, with_webhook

#: The microphone is unplugged this far into the warm-up.
UNPLUGGED_AT_S = 12.0


def quiet_room(seconds: float, seed: int = 3) -> Samples:
    """A quiet room's microphone: hiss of about 3 LSB RMS (-80 dBFS), as real ones carry."""
    noise = np.random.default_rng(seed).normal(0.0, 3.0, int(seconds * 16_000))
    return np.round(noise).astype(np.int16)


def read_log(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_digital_silence_mid_warm_up_ends_the_session_safely(tmp_path: Path) -> None:
    """What PulseAudio does when a USB microphone is unplugged: the stream goes on, in zeros."""
    db, log = tmp_path / "history.sqlite3", tmp_path / "log.jsonl"
    walker = np.concatenate([quiet_room(UNPLUGGED_AT_S), silence(120.0)])
    seen: list[WiredSession] = []
    with HttpReceiver() as receiver:
        script = with_webhook(load_script(resolve_script("default")), receiver.url)
        result = simulate_session(
            script, walker,
            SimulationOptions(db_path=db, log_path=log, send_alerts=True,
                              hearing_limits=LIVE_LIMITS),
            on_wired=lambda wired, room, speaker: seen.append(wired))
        kinds = [body["kind"] for body in receiver.bodies]
    events = read_log(log)
    errors = [e for e in events if e["type"] == "error"]
    assert len(errors) == 1 and "only digital silence for 3.0 s" in errors[0]["message"]
    assert errors[0]["t"] == pytest.approx(UNPLUGGED_AT_S + 3.0)
    ending = [e for e in events if e["type"] == "state"][-1]
    assert (ending["from"], ending["to"], ending["trigger"]) == ("warm_up", "done",
                                                                  "hearing_lost")
    assert cues.HEARING_LOST in [e["text"] for e in events if e["type"] == "cue"]
    assert result.summary.end_reason == "hearing_lost"
    assert kinds == ["hearing_lost"]
    assert seen[0].recorder is not None
    assert stored_ending(db, seen[0].recorder.session_id) == ("ended_early", "hearing_lost")


class QuietRoom:
    """An AudioSource: a quiet room for `seconds`, timed by the simulated clock."""

    def __init__(self, clock: SimulatedClock, seconds: float = 600.0) -> None:
        self._clock, self._seconds = clock, seconds

    def chunks(self) -> Iterator[AudioChunk]:
        for chunk in to_chunks(quiet_room(self._seconds)):
            self._clock.advance(chunk.duration_s)
            yield chunk

    def close(self) -> None:
        pass


def voiced_session(clock: SimulatedClock, renderer: CueRenderer | None = None,
                   render_ahead: bool = False, db: Path | None = None,
                   url: str | None = None) -> WiredSession:
    script = load_script(resolve_script("default"))
    if url is not None:
        script = with_webhook(script, url)
    speaker = RoomSpeaker(VirtualRoom(silence(1.0)), clock)
    voice = renderer or make_renderer(script.voice)
    return wire_session(
        script, clock,
        lambda events: SpokenCues(voice, speaker, clock, events.emit, render_ahead=render_ahead),
        db_path=db, record_history=db is not None, alerts=url is not None)


def test_a_recognizer_that_stops_returning_ends_the_session_safely(tmp_path: Path) -> None:
    db = tmp_path / "history.sqlite3"
    clock = SimulatedClock()
    recognizer = HangingRecognizer(hang_s=20.0)
    with HttpReceiver() as receiver:
        wired = voiced_session(clock, db=db, url=receiver.url)
        router = TranscriptRouter(wired.runner, IntentDecider(load_phrase_table("en")),
                                  wired.events.emit)
        hearing = HearingWatch(recognizer, clock, SIMULATED_LIMITS, wait_s=2.0)
        try:
            run_listening(wired.runner, QuietRoom(clock), recognizer, router, hearing=hearing)
        finally:
            recognizer.release.set()
            wired.close()
        kinds = [body["kind"] for body in receiver.bodies]
    errors = [str(e.fields["message"]) for e in wired.events.events if e.type == "error"]
    assert errors == ["Hearing lost (The recognizer has not returned for 1.1 s): the session "
                      "was ended."]
    assert cues_said(wired)[-1] == cues.HEARING_LOST
    assert wired.session.summary.end_reason == "hearing_lost"
    assert kinds == ["hearing_lost"]
    assert wired.recorder is not None
    assert stored_ending(db, wired.recorder.session_id) == ("ended_early", "hearing_lost")


class HeldVoice:
    """The real espeak-ng voice, held before its first cue until `release` is set."""

    name = "espeak-ng, held"

    def __init__(self) -> None:
        self.release = threading.Event()
        self._voice = EspeakCommandBackend()

    def synthesize(self, text: str, voice: str | None, rate_wpm: int) -> Samples:
        self.release.wait(60)
        return self._voice.synthesize(text, voice, rate_wpm)


class StopAt:
    """A recognizer that hears "stop" once, at `at_s`."""

    engine = "scripted"

    def __init__(self, at_s: float) -> None:
        self._at_s: float | None = at_s

    def accept(self, chunk: AudioChunk) -> list[Transcript]:
        if self._at_s is None or chunk.end_s < self._at_s:
            return []
        self._at_s = None
        return [Transcript("stop", True, self.engine, chunk.end_s)]

    def flush(self, at_s: float) -> list[Transcript]:
        return []


def test_the_loop_hears_a_stop_while_a_cue_is_still_rendering() -> None:
    """Rendering ahead, outside the loop: the first cue's render is held, the walker says
    "stop" at 3 s, and the session stops at 3 s, before any cue has played."""
    clock = SimulatedClock()
    script = load_script(resolve_script("default"))
    held = HeldVoice()
    wired = voiced_session(clock, CueRenderer(script.voice, backends=[held]), render_ahead=True)

    def release_once_stopped(event: SessionEvent) -> None:
        if event.type == "state" and event.fields["to"] == "stopped":
            held.release.set()

    wired.events.subscribe(release_once_stopped, "the test")
    router = TranscriptRouter(wired.runner, IntentDecider(load_phrase_table("en")),
                              wired.events.emit)
    try:
        run_listening(wired.runner, QuietRoom(clock, 60.0), StopAt(3.0), router)
    finally:
        held.release.set()
        wired.close()
    assert isinstance(wired.runner.output, SpokenCues)
    assert wired.runner.output.finish_renders(30)
    kinds = [(e.type, e.fields.get("to"), e.t_s) for e in wired.events.events
             if e.type in ("state", "cue")]
    stop = next(i for i, (kind, to, _) in enumerate(kinds) if to == "stopped")
    assert kinds[stop][2] == pytest.approx(3.0)
    assert all(kind == "state" for kind, _, _ in kinds[:stop])  # nothing played before
