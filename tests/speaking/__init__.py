"""Tests of `assistant.speaking`."""
