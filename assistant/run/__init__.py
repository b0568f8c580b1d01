"""Whole sessions put together: the runner, the wiring, live, simulated and console sessions."""
