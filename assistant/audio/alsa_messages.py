"""ALSA's own messages (`ALSA lib pcm.c:8570:(snd_pcm_recover) underrun occurred`) go to the
debug log instead of the terminal.

libasound prints them itself, to file descriptor 2, from inside PortAudio: Python's
`sys.stderr` never sees them. libasound lets a program replace that printer
(`snd_lib_error_set_handler`); ours logs each message at debug level (`--debug` shows them).
The handler is C-variadic (`fmt, ...`): ctypes cannot read the arguments, so the message is
logged as its printf format with ALSA's file, line and function, which name it exactly.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os

_LOGGER = logging.getLogger(__name__)

#: void (*)(const char *file, int line, const char *function, int err, const char *fmt, ...)
_HANDLER_TYPE = ctypes.CFUNCTYPE(None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                                 ctypes.c_int, ctypes.c_char_p)


def _log_alsa_message(file: bytes | None, line: int, function: bytes | None, err: int,
                      fmt: bytes | None) -> None:
    # Called by libasound on whatever thread met the problem (PortAudio's audio thread):
    # logging is thread-safe, and nothing here may raise into C.
    try:
        text = _decoded(fmt).strip()
        cause = f" ({os.strerror(err)})" if err else ""
        _LOGGER.debug("ALSA lib %s:%d:(%s) %s%s", _decoded(file), line, _decoded(function),
                      text, cause)
    except Exception:  # a logging failure must not reach the audio thread
        pass


def _decoded(raw: bytes | None) -> str:
    return raw.decode("utf-8", errors="replace") if raw else ""


#: Kept for the life of the process: libasound holds only the C pointer.
_HANDLER = _HANDLER_TYPE(_log_alsa_message)
_installed = False


def route_alsa_messages_to_logging() -> bool:
    """Make libasound log its messages (debug level) instead of printing them; idempotent.

    Returns False when libasound is not installed here (nothing would print them then)."""
    global _installed
    if _installed:
        return True
    library = load_libasound()
    if library is None:
        return False
    library.snd_lib_error_set_handler(_HANDLER)
    _installed = True
    return True


def load_libasound() -> ctypes.CDLL | None:
    """The process's libasound (the one PortAudio uses: one copy per process), or None."""
    name = ctypes.util.find_library("asound")
    if name is None:
        return None
    try:
        library = ctypes.CDLL(name)
    except OSError as err:
        _LOGGER.debug("libasound could not be loaded: %s", err)
        return None
    library.snd_lib_error_set_handler.argtypes = [_HANDLER_TYPE]
    library.snd_lib_error_set_handler.restype = ctypes.c_int
    return library
