"""Tests of `assistant.commands`."""
