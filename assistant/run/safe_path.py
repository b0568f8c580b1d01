"""The one safe path: however a session fails, it ends the same way.

Whatever goes wrong in the loop (a bug, a cue that cannot be rendered, a recognizer or a
microphone raising something unexpected, SIGTERM or SIGHUP), `end_safely` does, each step on
its own so that one failing does not skip the next: the voice is silenced; the machine ends
the session (its `done` state and end reason, which the history records); the walker hears
the stop-and-stand-still instruction (or, if no voice can say it, it is printed and logged);
the caregiver's alert is attempted; the last words are given time to be heard. Then one
error with its exit code reaches the command line (`SessionFault`, `SessionStopped`).

A plain Ctrl-C and the known failures of hearing (`AudioDeviceError`, `RecognizerError`)
end safely too, and the command ends as before (rule 3: "hearing lost").
"""

from __future__ import annotations

import logging
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType, TracebackType
from typing import TYPE_CHECKING, TypeVar

from assistant.core.errors import (
    AudioDeviceError,
    RecognizerError,
    RetroWalkError,
    SessionFault,
    SessionStopped,
    StopSignal,
)
from assistant.core.events import cue_event
from assistant.session import cues

if TYPE_CHECKING:
    from assistant.run.runner import SessionRunner

_LOGGER = logging.getLogger(__name__)

_Chunk = TypeVar("_Chunk")

#: The signals that end a session by the safe path (SIGINT is Ctrl-C: KeyboardInterrupt).
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class HearingFailure(Exception):
    """A foreign exception from the recognizer or the audio input: the assistant cannot hear."""

    def __init__(self, part: str, cause: BaseException) -> None:
        super().__init__(f"{part} failed ({type(cause).__name__}: {cause})")


def end_safely(runner: SessionRunner, failure: BaseException,
               wait_for_voice: Callable[[], None] | None = None) -> None:
    """End the session by the safe path; raises the command's error, except for a plain
    Ctrl-C and a known loss of hearing, after which the command ends as it always did."""
    if isinstance(failure, StopSignal):
        told = _end(runner, runner.session.interrupt, cues.INTERRUPTED, wait_for_voice,
                    f"the program was stopped ({failure.name})")
        raise SessionStopped(f"stopped by {failure.name}: {_ending_words(told)}",
                             failure.signal_number) from failure
    if isinstance(failure, KeyboardInterrupt):
        _end(runner, runner.session.interrupt, cues.INTERRUPTED, wait_for_voice)
        return
    if isinstance(failure, AudioDeviceError | RecognizerError | HearingFailure):
        reason = str(failure)
        _end(runner, lambda: runner.session.hearing_lost(reason), cues.HEARING_LOST,
             wait_for_voice)
        if isinstance(failure, HearingFailure):
            raise SessionFault(f"the session was ended safely: {reason}; the walker was told "
                               "to stop and stand still") from failure
        return
    reason = f"{type(failure).__name__}: {failure}"
    told = _end(runner, lambda: runner.session.fault(reason), cues.FAULT, wait_for_voice,
                f"RetroWalk failed ({reason})")
    raise SessionFault(f"unexpected error ({reason}): {_ending_words(told)} (run 'retrowalk "
                       "--debug ...' for details, and please report it)") from failure


def _ending_words(told: bool) -> str:
    if told:
        return "the session was ended safely and the walker told to stop and stand still"
    return "the session had already ended"


def _end(runner: SessionRunner, end_machine: Callable[[], None], words: str,
         wait_for_voice: Callable[[], None] | None, alert_reason: str | None = None) -> bool:
    """The safe path's steps; False when the session had ended already (nothing to say)."""
    if runner.session.finished:  # it had ended already: its own last words stand
        if wait_for_voice is not None:
            _attempt("let the last words be heard", wait_for_voice)
        return False
    _attempt("silence the voice", runner.output.cut)
    _attempt("end the session", end_machine)
    said: list[str] = []
    _attempt("say the last instruction", lambda: _speak_queued(runner, said))
    if words not in said:
        _say_without_voice(runner, words)
    if alert_reason is not None and runner.on_unplanned_end is not None:
        hook = runner.on_unplanned_end
        _attempt("alert the caregiver", lambda: hook(alert_reason))
    if wait_for_voice is not None:
        _attempt("let the last instruction be heard", wait_for_voice)
    return True


def _speak_queued(runner: SessionRunner, said: list[str]) -> None:
    for cue in runner.session.take_cues():
        runner.output.say(cue, runner.session.voice)
        said.append(cue.text)


def _attempt(what: str, step: Callable[[], object]) -> bool:
    """Run one step of the safe path; a failure is logged in one line and the path goes on."""
    try:
        step()
    except Exception as err:
        _LOGGER.error("while ending the session safely, could not %s: %s", what, err,
                      exc_info=_LOGGER.isEnabledFor(logging.DEBUG))
        return False
    return True


def _say_without_voice(runner: SessionRunner, words: str) -> None:
    """No voice could say it: print the instruction where a watcher sees it, and log it."""
    _attempt("show the last instruction", lambda: print(f"  >> {words}", flush=True))
    _attempt("log the last instruction",
             lambda: runner.emit(cue_event(runner.clock.now_s(), words, interrupted=False)))


def guarded_chunks(chunks: Iterator[_Chunk], part: str) -> Iterator[_Chunk]:
    """The audio input's chunks; a foreign exception from it becomes a `HearingFailure`."""
    while True:
        try:
            chunk = next(chunks)
        except StopIteration:
            return
        except RetroWalkError:
            raise
        except Exception as err:
            raise HearingFailure(part, err) from err
        yield chunk


#: How many session loops run now (`session_loop`), and how many have run at all.
_loops = {"running": 0, "started": 0}


@contextmanager
def session_loop() -> Iterator[None]:
    """Marks the loop of a session as running: a stop signal now ends it by the safe path."""
    _loops["running"] += 1
    _loops["started"] += 1
    try:
        yield
    finally:
        _loops["running"] -= 1


class StopSignals:
    """Context manager: SIGTERM and SIGHUP raise `StopSignal` in the main thread while a
    session loop runs (`session_loop`), once, and before any has started (nothing to end
    yet: the program stops); once a session has ended, or while the safe path runs, a signal
    is noted in `received`, not raised, so that the ending is not cut short."""

    def __init__(self) -> None:
        self._previous: dict[int, object] = {}
        self._armed = False
        self._loops_before = _loops["started"]
        self.received: int | None = None

    def __enter__(self) -> StopSignals:
        self._armed = True
        for number in STOP_SIGNALS:
            self._previous[number] = signal.signal(number, self._handle)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self._armed = False
        for number, previous in self._previous.items():
            signal.signal(number, previous)  # type: ignore[arg-type]

    def _handle(self, number: int, frame: FrameType | None) -> None:
        name = signal.Signals(number).name
        if self.received is None:
            self.received = number
        if _loops["started"] == self._loops_before:
            raise StopSignal(number, name)  # no session yet: nothing to end
        if not (self._armed and _loops["running"] > 0):
            print(f"retrowalk: {name} received while ending safely; finishing first",
                  file=sys.stderr, flush=True)
            return
        self._armed = False
        raise StopSignal(number, name)
