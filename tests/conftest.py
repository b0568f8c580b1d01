"""Fixtures shared by several test modules."""

from tests.helpers.audio_server import audio_room

__all__ = ["audio_room"]
