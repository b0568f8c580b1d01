"""Tests of RetroWalk, one folder per subpackage of `assistant`."""
