"""Tests of `assistant.caregiver`."""
