"""One small hierarchy of errors, each with a code, that reach the user as one clear line."""

from __future__ import annotations


class RetroWalkError(Exception):
    """Base of every error the user may see. `str(err)` is the one line shown to the user."""

    code = "error"
    exit_code = 1


class ScriptError(RetroWalkError):
    """An exercise script is missing, unreadable or invalid."""

    code = "script"
    exit_code = 2

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        #: Every problem found, each already formatted as `FILE:LINE:COL: error: ...`.
        self.problems = problems or []


class AudioDeviceError(RetroWalkError):
    """No usable microphone or speaker, or a device failed while in use."""

    code = "audio-device"
    exit_code = 3


class RecognizerError(RetroWalkError):
    """A speech recognizer could not be loaded or stopped working."""

    code = "recognizer"
    exit_code = 4


class ModelError(RetroWalkError):
    """A speech model is missing, damaged, or could not be downloaded."""

    code = "model"
    exit_code = 4


class VoiceError(RetroWalkError):
    """Cues could not be rendered to speech."""

    code = "voice"
    exit_code = 5


class StoreError(RetroWalkError):
    """The session history database could not be read or written."""

    code = "store"
    exit_code = 6


class AlertError(RetroWalkError):
    """An alert channel is misconfigured or could not deliver."""

    code = "alert"
    exit_code = 7


class SessionFault(RetroWalkError):
    """Something unexpected failed during a session, which then ended by the safe path."""

    code = "fault"
    exit_code = 70


class SessionStopped(RetroWalkError):
    """A signal (SIGTERM, SIGHUP) stopped a session, which then ended by the safe path."""

    code = "signal"

    def __init__(self, message: str, signal_number: int) -> None:
        super().__init__(message)
        #: The shell's convention for a process ended by a signal.
        self.exit_code = 128 + signal_number


class StopSignal(KeyboardInterrupt):
    """Raised in the main thread by a SIGTERM or SIGHUP handler, as Ctrl-C raises
    KeyboardInterrupt: a BaseException, so no `except Exception` on the way swallows it."""

    def __init__(self, signal_number: int, name: str) -> None:
        super().__init__(name)
        self.signal_number = signal_number
        self.name = name
