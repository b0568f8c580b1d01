"""The history's values: a session as recorded, the totals one event changes, and the tally
of backward-walking seconds per interval (read by the store and the recorder alike)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from assistant.core.events import SessionEvent
from assistant.core.names import SAFETY_EVENT_INTENTS

#: Back to `walking` from these continues the same interval; from anywhere else, a new one.
_INTERVAL_CONTINUES_FROM = frozenset({"paused", "stopped", "safety_pause", "check_in"})


class WalkTally:
    """Seconds of backward walking per interval, from state events (time in `walking`)."""

    def __init__(self) -> None:
        self.by_interval: dict[int, float] = {}
        self._number = 0
        self._walking_since_s: float | None = None

    @property
    def total_s(self) -> float:
        return sum(self.by_interval.values())

    def feed(self, event: SessionEvent) -> int | None:
        """Take one event; returns the interval number whose time changed, if any."""
        if event.type != "state":
            return None
        changed = self.close(event.t_s)
        if event.fields.get("to") == "walking":
            if self._number == 0 or event.fields.get("from") not in _INTERVAL_CONTINUES_FROM:
                self._number += 1
            self.by_interval.setdefault(self._number, 0.0)
            self._walking_since_s = event.t_s
        return changed

    def close(self, t_s: float) -> int | None:
        """End a walking stretch still open at `t_s` (leaving `walking`, or the session's end)."""
        if self._walking_since_s is None:
            return None
        self.by_interval[self._number] += max(t_s - self._walking_since_s, 0.0)
        self._walking_since_s = None
        return self._number


@dataclass(frozen=True)
class SessionUpdate:
    """The totals one event changes, written in the same transaction as the event."""

    interval: tuple[int, float] | None = None
    walked_s: float | None = None
    safety: int = 0
    dizzy: int = 0
    ending: tuple[str, str, str] | None = None
    """(status, end reason, ended_at ISO) when the event ends the session."""


def safety_counts(event: SessionEvent) -> tuple[int, int]:
    if event.type == "error":
        return 1, 0
    if event.type == "intent" and event.fields.get("intent") in SAFETY_EVENT_INTENTS:
        return 1, int(event.fields.get("intent") == "dizzy")
    return 0, 0



@dataclass(frozen=True)
class SessionRecord:
    """One session as the history keeps it."""

    id: str
    script_name: str
    script_path: str
    walker: str
    started_at: datetime
    ended_at: datetime | None
    status: str
    """"running", "completed", "ended_early" or "interrupted"."""
    end_reason: str | None
    walked_s: float
    """Backward walking in seconds, pauses excluded."""
    safety_events: int
    dizzy_events: int
    planned_walk_s: float | None
    planned_intervals: int | None
