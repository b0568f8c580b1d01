"""A live, hands-free session: the microphone, the recognizer, the voice through a speaker.

Everything here runs in real time; the voice and the recognizer are loaded and the
script's fixed cues rendered before the session starts, so the first cue is not late.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.audio.microphone import MicrophoneSource
from assistant.audio.speakers import SoundDeviceSpeaker
from assistant.audio.webrtc_echo import guard_with_aec3
from assistant.core.clock import MonotonicClock
from assistant.core.intents import load_phrase_table
from assistant.core.paths import data_dir
from assistant.core.ports import AudioSource
from assistant.hearing.decider import IntentDecider
from assistant.hearing.own_words import OwnWords
from assistant.hearing.recognizers.select import describe_recognizer, make_recognizer
from assistant.run.console import ConsoleScreen
from assistant.run.hearing_watch import LIVE_LIMITS, HearingWatch
from assistant.run.runner import TranscriptRouter, run_listening
from assistant.run.status import VoiceStatus
from assistant.run.wiring import WiredSession, wire_session
from assistant.script.model import ExerciseScript
from assistant.session import cues
from assistant.speaking.cue_output import SpokenCues
from assistant.speaking.voice import RENDER_TIMEOUT_S, chime_samples, make_renderer

#: The longest the ending waits for the last cue to be heard.
FINAL_CUE_WAIT_S = 30.0


@dataclass(frozen=True)
class LiveOptions:
    input_device: int | str | None = None
    output_device: int | str | None = None
    engine: str = "auto"
    vosk_model: str | None = None
    log_path: Path | None = None
    db_path: Path | None = None
    record_history: bool = True
    status_line: bool = False
    """Cues above a live status line (phase, time left, heard): for a terminal only."""


def run_live_session(script: ExerciseScript, options: LiveOptions,
                     show: Callable[[str], None]) -> WiredSession:
    """Run a live session to its end; returns it (for the caller's summary)."""
    speaker = SoundDeviceSpeaker(options.output_device)
    # Opened first: the output stream needs a moment to settle before its echo can be
    # cancelled, and the recognizer and the voice load meanwhile.
    speaker.open()
    recognizer = make_recognizer(options.engine, script.language, options.vosk_model)
    show(f"Listening with {describe_recognizer(recognizer)}.")
    renderer = make_renderer(script.voice, data_dir() / "cue_cache")
    show(f"Speaking with {renderer.summary}.")
    # With the stop instructions: ready at once, even while another cue is rendering.
    renderer.prerender([*script.cue_texts(), cues.STOP, cues.DIZZY, cues.PAUSED,
                        cues.HEARING_LOST, cues.FAULT, cues.INTERRUPTED,
                        cues.ALERT_UNREACHED])
    clock = MonotonicClock()
    # WebRTC's AEC3 cleans a real room's reverberant echo (docs/audio.md); without livekit
    # the guard cleans alone, after one warning.
    echo = guard_with_aec3()
    screen = ConsoleScreen() if options.status_line else None
    show_cue = screen.show_cue if screen is not None else lambda text: show(f"  >> {text}")
    wired = wire_session(
        script, clock,
        lambda events: SpokenCues(
            renderer, speaker, clock, events.emit, show=show_cue,
            fallback_sound=chime_samples(),
            on_played=lambda cue, at_s: echo.add_playback(cue.samples, at_s, cue.text),
            on_cut=echo.mark_stopped, render_ahead=True,  # the loop hears while cues render
        ),
        log_path=options.log_path, db_path=options.db_path,
        record_history=options.record_history,
    )
    source: AudioSource = MicrophoneSource(options.input_device, clock=clock)
    if screen is not None:
        status = VoiceStatus(screen, wired.runner)
        wired.events.subscribe(status.on_event, "the status line")
        source = status.watch(source)

    def wait_for_voice() -> None:
        deadline = time.monotonic() + FINAL_CUE_WAIT_S
        while wired.runner.output.busy and time.monotonic() < deadline:
            wired.runner.output.update()
            time.sleep(0.05)

    try:
        table = load_phrase_table(script.language)
        router = TranscriptRouter(wired.runner, IntentDecider(table), wired.events.emit, echo,
                                  OwnWords(table))
        # Live: the loop never waits for the recognizer, and every hearing check is on.
        hearing = HearingWatch(recognizer, clock, LIVE_LIMITS, wait_s=None)
        run_listening(wired.runner, source, recognizer, router, echo, wait_for_voice, hearing)
        wired.say_undelivered_alert()
        wired.say_progress_advice()
        wait_for_voice()
    finally:
        source.close()
        speaker.close()
        wired.close()
        if isinstance(wired.runner.output, SpokenCues):  # no render cut off at exit
            wired.runner.output.finish_renders(RENDER_TIMEOUT_S)
    return wired
