"""Fixtures shared by several test modules."""

from tests.helpers.audio_server import audio_room
from tests.helpers.voices import broken_pico, without_pico

__all__ = ["audio_room", "broken_pico", "without_pico"]
