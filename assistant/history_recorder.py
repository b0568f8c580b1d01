"""Writes one session into the history as its events come, and derives its totals.

Backward-walking seconds per interval come from state events: time spent in `walking`,
pauses excluded; coming back to `walking` from a pause, stop or check-in continues the same
interval, coming from anywhere else starts the next one.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from assistant.events import SessionEvent
from assistant.script_model import ExerciseScript

if TYPE_CHECKING:
    from assistant.history import HistoryStore, SessionRecord

#: Intents that count as safety events in the history (and hold back progression).
SAFETY_EVENT_INTENTS = frozenset({"stop", "dizzy", "help"})
#: Back to `walking` from these continues the same interval; from anywhere else, a new one.
_INTERVAL_CONTINUES_FROM = frozenset({"paused", "stopped", "safety_pause", "check_in"})


def local_now() -> datetime:
    """Wall-clock time with the local time zone: history dates are read by people."""
    return datetime.now().astimezone()


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


class HistoryRecorder:
    """Subscriber that writes one session into the history as its events come.

    Thread-safe: alert events arrive from the alerter's delivery threads."""

    def __init__(
        self,
        store: HistoryStore,
        script: ExerciseScript,
        session_id: str | None = None,
        wall_clock: Callable[[], datetime] = local_now,
    ) -> None:
        self._store = store
        self._wall_clock = wall_clock
        started_at = wall_clock()
        self.session_id = session_id or f"{started_at:%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"
        self._lock = threading.Lock()
        self._tally = WalkTally()
        self._last_t_s = 0.0
        self._ended = False
        store.start_session(self.session_id, script, started_at)

    def on_event(self, event: SessionEvent) -> None:
        """Write the event and the totals it changes, committed before returning."""
        with self._lock:
            self._last_t_s = max(self._last_t_s, event.t_s)
            changed = self._tally.feed(event)
            safety, dizzy = safety_counts(event)
            update = SessionUpdate(
                interval=self._interval(changed),
                walked_s=self._tally.total_s if changed is not None else None,
                safety=safety, dizzy=dizzy, ending=self._ending(event),
            )
            self._store.record_event(self.session_id, event, update)

    def _interval(self, number: int | None) -> tuple[int, float] | None:
        return None if number is None else (number, self._tally.by_interval[number])

    def _ending(self, event: SessionEvent) -> tuple[str, str, str] | None:
        if event.type != "state" or event.fields.get("to") != "done" or self._ended:
            return None
        self._ended = True
        status = "completed" if event.fields.get("from") == "cool_down" else "ended_early"
        ended_at = self._wall_clock().isoformat(timespec="seconds")
        return status, str(event.fields.get("trigger", "")), ended_at

    def finish(self, end_reason: str | None = None) -> SessionRecord:
        """Close the session: the final walked time, and "ended_early" (with `end_reason`)
        if the machine never reached `done`. Returns the session as stored."""
        with self._lock:
            changed = self._tally.close(self._last_t_s)
            ending = None
            if not self._ended:
                self._ended = True
                ended_at = self._wall_clock().isoformat(timespec="seconds")
                ending = ("ended_early", end_reason or "no_end_state", ended_at)
            self._store.update_session(self.session_id, SessionUpdate(
                interval=self._interval(changed), walked_s=self._tally.total_s, ending=ending,
            ))
        record = self._store.session(self.session_id)
        assert record is not None, "a started session is never deleted"
        return record
