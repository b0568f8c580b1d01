"""The loop that drives a session: audio source -> recognizer -> intents -> session -> voice.

`SessionRunner` is the part every kind of session shares (live, simulated, console): it
routes intents to the session, cuts speech on a safety intent before anything else, and
hands the session's cues to the output. `run_listening` is the hands-free loop over audio
chunks; the console has its own loop in `console.py`.
"""

from __future__ import annotations

import logging
import queue
from collections.abc import Callable
from functools import partial
from typing import Protocol

from assistant.core.clock import Clock
from assistant.core.events import (
    AudioChunk,
    Cue,
    EventCallback,
    Intent,
    SessionEvent,
    Transcript,
    heard_event,
    intent_event,
)
from assistant.core.names import IMMEDIATE_INTENTS, IntentName
from assistant.core.ports import AudioSource, Recognizer
from assistant.hearing.own_words import ECHO_TAIL_S, OwnWords
from assistant.run.hearing_watch import HearingWatch
from assistant.run.safe_path import end_safely, guarded_chunks, session_loop
from assistant.script.model import VoiceSettings
from assistant.speaking.cue_output import CueOutput

_LOGGER = logging.getLogger(__name__)



class SessionLike(Protocol):
    """What the runner needs of `assistant.session.machine.Session`."""

    state: str

    def start(self) -> None: ...
    def handle_intent(self, intent: Intent) -> None: ...
    def tick(self) -> None: ...
    def hearing_lost(self, reason: str) -> None: ...
    def interrupt(self) -> None: ...
    def fault(self, reason: str) -> None: ...
    def speech_finished(self, at_s: float) -> None: ...
    def take_cues(self) -> list[Cue]: ...
    def tell_walker(self, text: str) -> None: ...
    def alert_outcome(self, reached: bool) -> None: ...

    @property
    def finished(self) -> bool: ...

    @property
    def voice(self) -> VoiceSettings: ...


class Decider(Protocol):
    def decide(self, transcript: Transcript, assistant_speaking: bool = False) -> Intent | None:
        ...


class EchoFilter(Protocol):
    def clean(self, chunk: AudioChunk) -> AudioChunk: ...
    def is_probably_echo(self, text: str, at_s: float) -> bool: ...


class SessionRunner:
    """Routes intents and cues between a session and its output; shared by every mode."""

    def __init__(self, session: SessionLike, output: CueOutput, clock: Clock,
                 emit: EventCallback) -> None:
        self.session = session
        self.output = output
        self._clock = clock
        self._emit = emit
        # Messages from other threads (the alerter) wait here for the loop's thread.
        self._notices: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        #: Told the reason when the session ends by the safe path for a reason the alerter's
        #: own rules do not alert on (a fault, a signal); the wiring points it at the alerter.
        self.on_unplanned_end: Callable[[str], None] | None = None

    @property
    def clock(self) -> Clock:
        """The session's clock."""
        return self._clock

    def emit(self, event: SessionEvent) -> None:
        """Report an event through the session's one callback."""
        self._emit(event)

    def start(self) -> None:
        self.session.start()
        self._speak_queued_cues()

    def handle_intent(self, intent: Intent) -> None:
        """Log the intent; for a safety intent silence the voice first (rule 1), then act."""
        self._emit(intent_event(intent.at_s, intent.name, intent.text))
        if intent.name in IMMEDIATE_INTENTS:
            self.output.cut()
        self.session.handle_intent(intent)
        self._speak_queued_cues()

    def step(self) -> None:
        """Advance the session's countdowns and keep the voice going."""
        while not self._notices.empty():
            self._notices.get()()
        self.session.tick()
        self._speak_queued_cues()
        self.output.update()
        if not self.output.busy:  # a question's countdown starts once it has been heard
            self.session.speech_finished(self._clock.now_s())

    def tell_walker(self, text: str) -> None:
        """Thread-safe: say `text` at the next step (used by alert delivery)."""
        self._notices.put(partial(self.session.tell_walker, text))

    def alert_outcome(self, kind: str, reached: bool) -> None:
        """Thread-safe: pass the news of an urgent alert to the session at the next step."""
        self._notices.put(partial(self.session.alert_outcome, reached))

    def hearing_lost(self, reason: str) -> None:
        """Safety rule 3: the assistant can no longer hear, so the walker is told to stop.

        The session logs the `error` event with the reason."""
        self.output.cut()
        self.session.hearing_lost(reason)
        self._speak_queued_cues()

    def interrupt(self) -> None:
        """Ctrl-C or shutdown: end safely, with a spoken instruction."""
        self.output.cut()
        self.session.interrupt()
        self._speak_queued_cues()

    @property
    def finished(self) -> bool:
        return self.session.finished and not self.output.busy

    def _speak_queued_cues(self) -> None:
        for cue in self.session.take_cues():
            self.output.say(cue, self.session.voice)


class TranscriptRouter:
    """Logs what was heard and turns it into intents, guarding against the assistant's voice."""

    def __init__(self, runner: SessionRunner, decider: Decider, emit: EventCallback,
                 echo: EchoFilter | None = None, own_words: OwnWords | None = None) -> None:
        self._runner = runner
        self._decider = decider
        self._emit = emit
        self._echo = echo
        self._own_words = own_words
        self._last_partial = ""
        self._speaking_until_s = -1.0

    def watch_output(self, now_s: float) -> None:
        """Note the cue now playing (call every loop step): its answer words are its own."""
        text = self._runner.output.speaking_text
        if text is not None and self._own_words is not None:
            self._own_words.cue_playing(text, now_s)

    def route(self, transcript: Transcript) -> None:
        if transcript.final or transcript.text != self._last_partial:
            self._emit(heard_event(transcript))
        self._last_partial = "" if transcript.final else transcript.text
        if self._runner.output.busy:
            self._speaking_until_s = transcript.at_s + ECHO_TAIL_S
        speaking = transcript.at_s <= self._speaking_until_s
        intent = self._decider.decide(transcript, assistant_speaking=speaking)
        if intent is None:
            return
        if self._own_words is not None and self._own_words.is_own(IntentName(intent.name),
                                                                  intent.at_s):
            _LOGGER.info("ignored %r: the cue being spoken says it", transcript.text)
            return
        if self._echo is not None and self._echo.is_probably_echo(transcript.text,
                                                                  transcript.at_s):
            _LOGGER.info("ignored %r: it was the assistant's own cue", transcript.text)
            return
        self._runner.handle_intent(intent)


def run_listening(
    runner: SessionRunner,
    source: AudioSource,
    recognizer: Recognizer,
    router: TranscriptRouter,
    echo: EchoFilter | None = None,
    wait_for_voice: Callable[[], None] | None = None,
    hearing: HearingWatch | None = None,
) -> None:
    """The hands-free loop: every chunk is heard, the session ticks, the voice goes on.

    Ends when the session is done and has finished speaking. A failing microphone or
    recognizer ends the session safely (rule 3), and so does lost hearing (`hearing`, the
    watchdog: a simulated one by default) and anything else that fails, by the one safe path
    (`safe_path.py`); `wait_for_voice` then lets the last instruction be heard (live: waits
    in real time; simulated sessions need not)."""
    hearing = hearing or HearingWatch(recognizer, runner.clock)
    try:
        with session_loop():
            _listen(runner, source, hearing, router, echo)
    except (Exception, KeyboardInterrupt) as err:  # the safe path: failures, Ctrl-C, signals
        end_safely(runner, err, wait_for_voice)
        return
    finally:
        hearing.close()
    # The source ended before the session did: nothing can be heard any more.
    if not runner.session.finished:
        runner.hearing_lost("the audio input ended")
        if wait_for_voice is not None:
            wait_for_voice()


def _listen(runner: SessionRunner, source: AudioSource, hearing: HearingWatch,
            router: TranscriptRouter, echo: EchoFilter | None) -> None:
    runner.start()
    for chunk in guarded_chunks(iter(source.chunks()), "the audio input"):
        heard = echo.clean(chunk) if echo is not None else chunk
        router.watch_output(chunk.start_s)
        for transcript in hearing.hear(chunk, heard):
            router.route(transcript)
        runner.step()
        if runner.finished:
            return
