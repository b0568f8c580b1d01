"""Fixtures shared by several test modules."""

from audio_server import audio_room

__all__ = ["audio_room"]
