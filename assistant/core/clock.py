"""Clocks. Core code never reads time itself: a clock is injected wherever time matters.

The real clock is monotonic time; the simulated clock is moved by whoever owns it (the
audio source, counting samples, or a test).
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Protocol


class Clock(Protocol):
    """Seconds since the session started, on the session's clock."""

    def now_s(self) -> float: ...


class MonotonicClock:
    """Real time: seconds since this clock was made, from `time.monotonic()`."""

    def __init__(self) -> None:
        self._origin_s = time.monotonic()

    def now_s(self) -> float:
        return time.monotonic() - self._origin_s


class SimulatedClock:
    """Time that moves only when told to: by audio consumed, or by a test."""

    def __init__(self, start_s: float = 0.0) -> None:
        self._now_s = start_s

    def now_s(self) -> float:
        return self._now_s

    def advance(self, seconds: float) -> None:
        """Move time forward; time never goes back."""
        if seconds < 0:
            raise ValueError("a clock cannot go back in time")
        self._now_s += seconds


def local_now() -> datetime:
    """Wall-clock time with the local time zone, for what people read (history, alerts)."""
    return datetime.now().astimezone()
