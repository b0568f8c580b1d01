"""Tests of `assistant.script.loading`."""
