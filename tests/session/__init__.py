"""Tests of `assistant.session.machine`."""
