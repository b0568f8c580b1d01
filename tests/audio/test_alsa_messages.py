"""ALSA's own messages reach the debug log, not the terminal: the real libasound is asked to
open a device that does not exist, which makes it print `ALSA lib pcm.c:...` to fd 2."""

from __future__ import annotations

import ctypes
import logging

import pytest

from assistant.audio.alsa_messages import load_libasound
from assistant.audio.microphone import load_sounddevice

LIBASOUND = load_libasound()
pytestmark = pytest.mark.skipif(LIBASOUND is None, reason="libasound is not installed")


def _open_missing_pcm() -> int:
    assert LIBASOUND is not None
    pcm = ctypes.c_void_p()
    return int(LIBASOUND.snd_pcm_open(ctypes.byref(pcm), b"retrowalk_no_such_pcm", 0, 0))


def test_alsa_messages_are_logged_at_debug_level_and_not_printed(capfd, caplog) -> None:
    load_sounddevice()  # what every audio command does first
    with caplog.at_level(logging.DEBUG, logger="assistant.audio.alsa_messages"):
        assert _open_missing_pcm() < 0
    printed = capfd.readouterr()
    assert "ALSA lib" not in printed.err + printed.out
    [record] = [r for r in caplog.records if "snd_pcm_open" in r.getMessage()]
    assert record.levelno == logging.DEBUG
    assert record.getMessage().startswith("ALSA lib pcm.c:")
    assert "Unknown PCM" in record.getMessage()
