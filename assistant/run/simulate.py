"""Simulated sessions: a recording is the microphone, the clock is the audio position.

The assistant's voice is played into a virtual room (with `echo_gain` it reaches the
microphone too, as in a real room), so a whole session runs through the same code as a
live one, faster than real time, and its event log is deterministic.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from assistant.audio.chunks import Samples, write_wav
from assistant.audio.echo import EchoGuard
from assistant.audio.speakers import RoomMicrophone, RoomSpeaker, VirtualRoom
from assistant.core.clock import SimulatedClock
from assistant.core.errors import RetroWalkError
from assistant.core.events import AudioChunk, SessionEvent
from assistant.core.intents import load_phrase_table
from assistant.core.ports import AudioSource
from assistant.hearing.decider import IntentDecider
from assistant.hearing.own_words import OwnWords
from assistant.hearing.recognizers.select import make_recognizer
from assistant.hearing.supervisor import HearingLimits
from assistant.run.hearing_watch import SIMULATED_LIMITS, HearingWatch
from assistant.run.runner import TranscriptRouter, run_listening
from assistant.run.watched_source import WatchedSource
from assistant.run.wiring import WiredSession, wire_session
from assistant.script.model import ExerciseScript
from assistant.session.end_words import outcome_words
from assistant.session.machine import SessionSummary
from assistant.speaking.cue_output import SpokenCues
from assistant.speaking.voice import CueRenderer, chime_samples, make_renderer

#: Room left after the recording for the session to finish (prompts re-asked, cool-down).
EXTRA_S = 600.0
#: Real seconds an alert attempt may hold the simulated clock (each attempt has its deadline).
ALERT_SETTLE_S = 60.0


@dataclass(frozen=True)
class SimulationResult:
    events: list[SessionEvent]
    room_audio: Samples
    """What the room heard: the walker and the assistant."""
    summary: SessionSummary
    audio_s: float
    """How much audio time the session took."""
    voice: str = ""
    """Which voice spoke the cues (`CueRenderer.summary`), for the closing lines."""

    @property
    def outcome(self) -> str:
        """"completed", or "ended early (why)", for the closing line of `simulate` and `demo`."""
        return outcome_words(self.summary.completed, self.summary.end_reason)


@dataclass(frozen=True)
class SimulationOptions:
    echo_gain: float = 0.0
    """How much of the assistant's voice reaches the microphone (0 = none, 1 = all)."""
    engine: str = "auto"
    vosk_model: str | None = None
    log_path: Path | None = None
    db_path: Path | None = None
    """Record the session in this history database (None: no history)."""
    alerts: bool = True
    send_alerts: bool = False
    """Send real alerts through the script's channels; otherwise they are logged as simulated."""
    cache_dir: Path | None = None
    hearing_limits: HearingLimits = SIMULATED_LIMITS
    """When hearing counts as lost; `LIVE_LIMITS` also treats a dead signal as lost."""


def simulate_session(
    script: ExerciseScript,
    walker: Samples,
    options: SimulationOptions = SimulationOptions(),
    renderer: CueRenderer | None = None,
    on_wired: Callable[[WiredSession, VirtualRoom, RoomSpeaker], None] | None = None,
    on_chunk: Callable[[AudioChunk], None] | None = None,
) -> SimulationResult:
    """Run one whole session with `walker` (16 kHz mono) as the microphone.

    `on_wired` lets a caller watch or join in before it starts (the demo's walker does);
    `on_chunk` is shown each chunk before the session hears it (a plan's walker speaks)."""
    clock = SimulatedClock()
    room = VirtualRoom(walker, echo_gain=options.echo_gain)
    speaker = RoomSpeaker(room, clock)
    # The guard alone: the simulated echo is an exact `gain x voice`, which its filter
    # cancels better than AEC3 does (docs/audio.md), with no native library involved.
    echo = EchoGuard()
    voice = renderer or make_renderer(script.voice, options.cache_dir)
    wired = wire_session(
        script, clock,
        lambda events: SpokenCues(
            voice, speaker, clock, events.emit, fallback_sound=chime_samples(),
            on_played=lambda cue, at_s: echo.add_playback(cue.samples, at_s, cue.text),
            on_cut=echo.mark_stopped,
        ),
        log_path=options.log_path, db_path=options.db_path,
        record_history=options.db_path is not None, alerts=options.alerts,
        simulated_alerts=not options.send_alerts,
    )
    if on_wired is not None:
        on_wired(wired, room, speaker)
    recognizer = make_recognizer(options.engine, script.language, options.vosk_model)
    table = load_phrase_table(script.language)
    router = TranscriptRouter(wired.runner, IntentDecider(table), wired.events.emit, echo,
                              OwnWords(table))
    until_s = len(walker) / room.rate_hz + script.total_s + script.safety.emergency_max_s + EXTRA_S
    source = RoomMicrophone(room, clock, until_s=until_s)
    try:
        paced: AudioSource = _AlertPaced(source, wired)
        heard = WatchedSource(paced, on_chunk) if on_chunk is not None else paced
        hearing = HearingWatch(recognizer, clock, options.hearing_limits)
        run_listening(wired.runner, heard, recognizer, router, echo, hearing=hearing)
        wired.say_undelivered_alert()
        wired.say_progress_advice()
        _let_voice_finish(wired, source, clock)
    finally:
        wired.close()
    return SimulationResult(list(wired.events.events), room.room_audio(),
                            wired.session.summary, clock.now_s(), voice.summary)


class _AlertPaced:
    """The room's microphone, holding time until every alert attempt due has been made.

    With `--send-alerts`, a real attempt takes real time while the simulated clock would
    race on: holding it makes each attempt, its retries and what the walker hears of them
    land at the same simulated times on every run (each attempt is bounded by its deadline)."""

    def __init__(self, source: RoomMicrophone, wired: WiredSession) -> None:
        self._source, self._wired = source, wired

    def chunks(self) -> Iterator[AudioChunk]:
        inner = iter(self._source.chunks())
        while True:
            self._settle()  # what the last chunk set off is done at its time, not later
            chunk = next(inner, None)
            if chunk is None:
                return
            self._settle()  # what came due as the clock moved on is done before it is heard
            yield chunk

    def _settle(self) -> None:
        if self._wired.alerter is not None:
            self._wired.alerter.settle(ALERT_SETTLE_S)

    def close(self) -> None:
        self._source.close()


def check_output_folder(path: Path) -> None:
    """Before a long simulation: fail at once if its WAV could not be written afterwards."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise RetroWalkError(f"cannot write {path}: the folder {folder} does not exist")
    existed = path.exists()
    try:
        with open(path, "ab"):  # append: an existing file is kept as it is until the end
            pass
    except OSError as err:
        raise RetroWalkError(f"cannot write {path}: {err.strerror}; choose another file") from err
    if not existed:
        path.unlink(missing_ok=True)


def save_room_audio(path: Path, result: SimulationResult) -> None:
    """Write what the room heard to `path`; a clear error where it cannot be written."""
    try:
        write_wav(path, result.room_audio)
    except OSError as err:
        raise RetroWalkError(f"cannot write {path}: {err.strerror}; choose another file") from err


def _let_voice_finish(wired: WiredSession, source: RoomMicrophone, clock: SimulatedClock) -> None:
    """Keep time moving (in simulation) until the last cue has been spoken."""
    for _chunk in source.chunks():
        wired.runner.output.update()
        if not wired.runner.output.busy:
            return
