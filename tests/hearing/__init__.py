"""Tests of `assistant.hearing`."""
