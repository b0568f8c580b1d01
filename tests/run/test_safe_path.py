"""The one safe path, with real parts: a cue the real voice cannot render, a recognizer that
raises, another process holding the history's write lock during "help". Each ends with the
walker told to stop and stand still, the caregiver's alert sent to a real HTTP server on
127.0.0.1, and the history row with its true ending; nothing is lost."""

from __future__ import annotations

import io
import logging
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.audio.chunks import silence, to_chunks
from assistant.audio.speakers import RoomSpeaker, VirtualRoom
from assistant.caregiver.history import HistoryStore
from assistant.core.clock import SimulatedClock
from assistant.core.errors import SessionFault
from assistant.core.events import AudioChunk, Transcript
from assistant.core.intents import load_phrase_table
from assistant.hearing.decider import IntentDecider
from assistant.run.console import ConsoleScreen, run_console
from assistant.run.runner import TranscriptRouter, run_listening
from assistant.run.simulate import SimulationOptions, simulate_session
from assistant.run.wiring import WiredSession, wire_session
from assistant.script.loading import load_script, resolve_script
from assistant.script.model import AlertChannel, ExerciseScript
from assistant.session import cues
from assistant.speaking.cue_output import PrintedCues, SpokenCues
from assistant.speaking.voice import make_renderer
from tests.helpers.http_receiver import HttpReceiver

#: A second process that takes the history's write lock, says so, and holds it until told.
LOCKER = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()
connection.execute("COMMIT")
"""


def with_webhook(script: ExerciseScript, url: str) -> ExerciseScript:
    return replace(script, alerts=(AlertChannel("webhook", url=url, timeout_s=5.0, retries=0),))


def cues_said(wired: WiredSession) -> list[str]:
    return [str(e.fields["text"]) for e in wired.events.events if e.type == "cue"]


def last_state(wired: WiredSession) -> dict:
    return dict([e for e in wired.events.events if e.type == "state"][-1].fields)


def stored_ending(db: Path, session_id: str) -> tuple[str, str | None]:
    with HistoryStore(db, must_exist=True) as store:
        record = store.session(session_id)
    assert record is not None
    return record.status, record.end_reason


def test_a_cue_the_voice_cannot_render_ends_by_the_safe_path(tmp_path: Path) -> None:
    """A NUL byte in a cue makes the real voice raise ValueError in the middle of the warm-up."""
    db = tmp_path / "history.sqlite3"
    script = load_script(resolve_script("default"))
    broken = replace(script.warm_up.cues, encouragement=("Keep going\0 gently.",), every_s=20.0)
    wired_seen: list[WiredSession] = []
    with HttpReceiver() as receiver:
        script = with_webhook(replace(script, warm_up=replace(script.warm_up, cues=broken)),
                              receiver.url)
        with pytest.raises(SessionFault, match="embedded null byte"):
            simulate_session(script, silence(40.0),
                             SimulationOptions(db_path=db, log_path=tmp_path / "log.jsonl",
                                               send_alerts=True),
                             on_wired=lambda wired, room, speaker: wired_seen.append(wired))
        kinds = [body["kind"] for body in receiver.bodies]
    wired = wired_seen[0]
    assert cues_said(wired)[-1] == cues.FAULT
    assert last_state(wired)["to"] == "done" and last_state(wired)["trigger"] == "failure"
    assert wired.session.summary.end_reason == "fault"
    assert kinds == ["session_aborted"]
    assert wired.recorder is not None
    assert stored_ending(db, wired.recorder.session_id) == ("ended_early", "fault")
    logged = (tmp_path / "log.jsonl").read_text()
    assert cues.FAULT in logged and "embedded null byte" in logged


class FailingRecognizer:
    """Hears nothing, then raises a foreign exception (not a RecognizerError) at `crash_s`."""

    engine = "failing"

    def __init__(self, crash_s: float) -> None:
        self._crash_s = crash_s

    def accept(self, chunk: AudioChunk) -> list[Transcript]:
        if chunk.end_s > self._crash_s:
            raise ValueError("frame of the wrong size")
        return []

    def flush(self, at_s: float) -> list[Transcript]:
        return []


class SilentMicrophone:
    """Silence for as long as the session asks, timed by the simulated clock."""

    def __init__(self, clock: SimulatedClock) -> None:
        self._clock = clock

    def chunks(self) -> Iterator[AudioChunk]:
        for chunk in to_chunks(silence(600.0)):
            self._clock.advance(chunk.duration_s)
            yield chunk

    def close(self) -> None:
        pass


def test_a_recognizer_that_raises_ends_by_the_safe_path(tmp_path: Path) -> None:
    db = tmp_path / "history.sqlite3"
    clock = SimulatedClock()
    with HttpReceiver() as receiver:
        script = with_webhook(load_script(resolve_script("default")), receiver.url)
        speaker = RoomSpeaker(VirtualRoom(silence(1.0)), clock)
        renderer = make_renderer(script.voice)
        wired = wire_session(script, clock,
                             lambda events: SpokenCues(renderer, speaker, clock, events.emit),
                             db_path=db)
        router = TranscriptRouter(wired.runner, IntentDecider(load_phrase_table("en")),
                                  wired.events.emit)
        try:
            with pytest.raises(SessionFault, match="the recognizer failed .*ValueError"):
                run_listening(wired.runner, SilentMicrophone(clock), FailingRecognizer(20.0),
                              router)
        finally:
            wired.close()
        kinds = [body["kind"] for body in receiver.bodies]
    assert cues_said(wired)[-1] == cues.HEARING_LOST
    assert wired.session.summary.end_reason == "hearing_lost"
    assert kinds == ["hearing_lost"]
    assert wired.recorder is not None
    assert stored_ending(db, wired.recorder.session_id) == ("ended_early", "hearing_lost")


class LockedDuring:
    """The console's sleep: advances the clock, and between `from_s` and `until_s` a second
    process holds the history database's write lock."""

    def __init__(self, clock: SimulatedClock, db: Path, from_s: float, until_s: float) -> None:
        self._clock, self._db = clock, db
        self._from_s, self._until_s = from_s, until_s
        self.locker: subprocess.Popen[str] | None = None
        self.was_locked = False

    def __call__(self, seconds: float) -> None:
        self._clock.advance(seconds)
        now_s = self._clock.now_s()
        if self.locker is None and self._from_s <= now_s < self._until_s:
            self.locker = subprocess.Popen([sys.executable, "-c", LOCKER, str(self._db)],
                                           stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                           text=True)
            assert self.locker.stdout is not None
            self.was_locked = self.locker.stdout.readline().strip() == "locked"
        elif self.locker is not None and now_s >= self._until_s:
            self.release()

    def release(self) -> None:
        if self.locker is not None and self.locker.poll() is None:
            self.locker.communicate("\n", timeout=30)


class Typed:
    """Lines typed at given session times."""

    def __init__(self, clock: SimulatedClock, lines: dict[float, str]) -> None:
        self._clock, self._lines = clock, dict(lines)

    def __call__(self) -> list[str]:
        due = sorted(at for at in self._lines if at <= self._clock.now_s())
        return [self._lines.pop(at) for at in due]


def test_a_locked_history_during_help_loses_no_alert_and_no_event(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = tmp_path / "history.sqlite3"
    clock = SimulatedClock()
    screen = ConsoleScreen(io.StringIO())
    sleep = LockedDuring(clock, db, from_s=188.0, until_s=220.0)
    with HttpReceiver() as receiver:
        script = with_webhook(load_script(resolve_script("default")), receiver.url)
        wired = wire_session(script, clock,
                             lambda events: PrintedCues(clock, events.emit, screen.show_cue),
                             db_path=db)
        try:
            with caplog.at_level(logging.WARNING):
                run_console(wired.runner, load_phrase_table("en"), clock,
                            Typed(clock, {185.0: "ready", 190.0: "help", 240.0: "cancel"}),
                            sleep, screen)
        finally:
            sleep.release()
            wired.close()
        kinds = [body["kind"] for body in receiver.bodies]
    assert sleep.was_locked
    # The alert went while the history could not be written, and the walker was guided on.
    assert "help" in kinds
    assert cues.EMERGENCY in cues_said(wired)
    assert wired.session.summary.end_reason == "emergency_cancelled"
    # One clear line for the failure; the history was written later, with nothing lost.
    warnings = [r.getMessage() for r in caplog.records if "history failed" in r.getMessage()]
    assert len(warnings) == 1 and "locked" in warnings[0]
    assert wired.recorder is not None and wired.recorder.unwritten == 0
    with HistoryStore(db, must_exist=True) as store:
        stored = store.events(wired.recorder.session_id)
        record = store.session(wired.recorder.session_id)
    notices = [e for e in wired.events.events if e.type == "error"]
    assert [str(n.fields["message"]) for n in notices][0].startswith("the history failed")
    assert [r["type"] for r in stored] == [e.type for e in wired.events.events
                                           if e not in notices]
    assert record is not None
    assert (record.status, record.end_reason) == ("ended_early", "emergency_cancelled")


class MuteVoice:
    """A renderer (the real Protocol) that cannot say anything: every render raises."""

    def render(self, text: str, rate_wpm: int, volume: float) -> object:
        raise RuntimeError("the speech engine is gone")


def test_with_no_voice_left_the_stop_instruction_is_shown_and_logged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clock = SimulatedClock()
    speaker = RoomSpeaker(VirtualRoom(silence(1.0)), clock)
    script = load_script(resolve_script("default"))
    wired = wire_session(script, clock,
                         lambda events: SpokenCues(MuteVoice(), speaker, clock,  # type: ignore[arg-type]
                                                   events.emit),
                         log_path=tmp_path / "log.jsonl", record_history=False, alerts=False)
    router = TranscriptRouter(wired.runner, IntentDecider(load_phrase_table("en")),
                              wired.events.emit)
    try:
        with pytest.raises(SessionFault, match="the speech engine is gone"):
            run_listening(wired.runner, SilentMicrophone(clock), FailingRecognizer(60.0), router)
    finally:
        wired.close()
    assert f"  >> {cues.FAULT}" in capsys.readouterr().out
    assert cues_said(wired)[-1] == cues.FAULT
    assert wired.session.summary.end_reason == "fault"
    assert cues.FAULT in (tmp_path / "log.jsonl").read_text()
