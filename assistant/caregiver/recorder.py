"""Writes one session into the history as its events come, and derives its totals.

Backward-walking seconds per interval come from state events: time spent in `walking`,
pauses excluded; coming back to `walking` from a pause, stop or check-in continues the same
interval, coming from anywhere else starts the next one.

The session must never wait on the database: a write waits at most `LOCK_WAIT_S` for another
program's lock, then the event is kept and written later (retried every `RETRY_AFTER_S` of
session time, and at the end), in order, so nothing is lost while the walker is guided on.
"""

from __future__ import annotations

import threading
import uuid
from collections import deque
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from assistant.caregiver.records import SessionRecord, SessionUpdate, WalkTally, safety_counts
from assistant.core.clock import local_now
from assistant.core.errors import StoreError
from assistant.core.events import SessionEvent
from assistant.core.names import EndReason
from assistant.script.model import ExerciseScript
from assistant.session.ending import EndingReader

if TYPE_CHECKING:
    from assistant.caregiver.history import HistoryStore

#: The longest one event's write waits for another program's lock during a session.
LOCK_WAIT_S = 0.25
#: Session seconds between attempts to write the events kept while the database was locked.
RETRY_AFTER_S = 5.0
#: At the end, how long the last writes (the kept events, the ending) may wait for the lock.
FINISH_WAIT_S = 5.0
#: Events kept at most while the database cannot be written (a long session's worth).
MAX_KEPT_EVENTS = 20_000


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
        self._ending_reader = EndingReader()
        self._ending_written: tuple[str, str, str] | None = None
        self._kept: deque[tuple[SessionEvent, SessionUpdate]] = deque(maxlen=MAX_KEPT_EVENTS)
        self._retry_at_s: float | None = None
        store.start_session(self.session_id, script, started_at)
        store.set_lock_wait(LOCK_WAIT_S)

    def on_event(self, event: SessionEvent) -> None:
        """Write the event and the totals it changes (kept for later while the database is
        locked: the failure is raised for the event fanout to report, once)."""
        with self._lock:
            self._last_t_s = max(self._last_t_s, event.t_s)
            changed = self._tally.feed(event)
            safety, dizzy = safety_counts(event)
            update = SessionUpdate(
                interval=self._interval(changed),
                walked_s=self._tally.total_s if changed is not None else None,
                safety=safety, dizzy=dizzy, ending=self._ending(event),
            )
            self._kept.append((event, update))
            if self._retry_at_s is None or event.t_s >= self._retry_at_s:
                self._write_kept(event.t_s)

    @property
    def unwritten(self) -> int:
        """How many events wait to be written (the database was locked or failing)."""
        return len(self._kept)

    def _write_kept(self, now_s: float) -> None:
        """Write the kept events in order; on failure keep the rest, retry later, and raise."""
        while self._kept:
            event, update = self._kept[0]
            try:
                self._store.record_event(self.session_id, event, update)
            except StoreError as err:
                self._retry_at_s = now_s + RETRY_AFTER_S
                cause = err.__cause__ or err
                raise StoreError(f"{self._store.path}: {cause}; its events are kept and written "
                                 "as soon as it can be") from err
            self._kept.popleft()
        self._retry_at_s = None

    def _interval(self, number: int | None) -> tuple[int, float] | None:
        return None if number is None else (number, self._tally.by_interval[number])

    def _ending(self, event: SessionEvent) -> tuple[str, str, str] | None:
        reason = self._ending_reader.feed(event)
        if event.fields.get("to") != "done" or self._ending_written is not None:
            return None
        # The table's end reason; for a transition that is none of its ends, the trigger.
        reason_text = str(reason or event.fields.get("trigger", ""))
        status = "completed" if reason == EndReason.COMPLETED else "ended_early"
        ended_at = self._wall_clock().isoformat(timespec="seconds")
        self._ending_written = (status, reason_text, ended_at)
        return self._ending_written

    def finish(self, end_reason: str | None = None) -> SessionRecord:
        """Close the session: the final walked time and how it ended.

        `end_reason` is the machine's own (`SessionSummary.end_reason`): "completed" makes
        the session completed, anything else ended early for that reason. Without it, what the
        events showed stands, or "ended_early" / "no_end_state" if `done` never came."""
        with self._lock:
            self._store.set_lock_wait(FINISH_WAIT_S)
            self._write_kept(self._last_t_s)
            changed = self._tally.close(self._last_t_s)
            ended_at = (self._ending_written[2] if self._ending_written
                        else self._wall_clock().isoformat(timespec="seconds"))
            if end_reason:
                status = "completed" if end_reason == EndReason.COMPLETED else "ended_early"
                self._ending_written = (status, end_reason, ended_at)
            elif self._ending_written is None:
                self._ending_written = ("ended_early", "no_end_state", ended_at)
            self._store.update_session(self.session_id, SessionUpdate(
                interval=self._interval(changed), walked_s=self._tally.total_s,
                ending=self._ending_written,
            ))
        record = self._store.session(self.session_id)
        assert record is not None, "a started session is never deleted"
        return record
