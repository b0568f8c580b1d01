"""Tests of `assistant.run`."""
