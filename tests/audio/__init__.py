"""Tests of `assistant.audio.chunks`."""
