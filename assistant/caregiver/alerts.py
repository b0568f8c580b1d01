"""Caregiver alerts: when to alert; `alert_message.py` words them, `delivery.py` sends them.

`Alerter` subscribes to the session's events (`on_event`) and alerts when the machine enters
`emergency`, when the session ends because the assistant can no longer hear, when a
session ends early for a reason the walker did not choose, and (an all-clear) when the
walker cancels an emergency. Delivery runs in one background worker, so speech and the
machine are never delayed; every attempt is logged as an `alert` event. Whether an urgent
alert (help, dizziness, lost hearing) reached anyone flows back through `on_outcome`, so
that what the walker hears follows the truth; `reached(kind)` answers the same question.
In a simulation (`simulated=True`) nothing is sent: each channel's alert is logged as
simulated.

Re-alerts while in `emergency`: the alerter keeps its own countdown on the event times
(events carry `t`). The machine repeats its instructions every `emergency_repeat_s`, so a cue
event arrives on that cadence; the first non-alert event at or after the last send plus
`emergency_repeat_s` re-sends the alert. No timer thread, and simulated sessions stay
deterministic. `resend()` re-sends at once, for a runner that prefers to drive it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from assistant.caregiver.alert_message import (
    alert_sentence,
    attempt_detail,
    build_alert,
    send_test_alert,
    to_json,
)
from assistant.caregiver.channels import describe_channel
from assistant.caregiver.delivery import AttemptReport, DeliveryWorker
from assistant.core.clock import Clock, local_now
from assistant.core.events import EventCallback, SessionEvent, alert_event
from assistant.core.names import EndReason
from assistant.script.model import ExerciseScript
from assistant.session.cues import ALERT_UNREACHED
from assistant.session.ending import EndingReader

__all__ = ["Alerter", "alert_sentence", "build_alert", "send_test_alert"]

_LOGGER = logging.getLogger(__name__)

#: What the walker hears when no caregiver could be reached: calm, plain, one thing to do.
FALLBACK_MESSAGE = ALERT_UNREACHED
#: The detail of a simulated alert's event: what was (not) done, and how to do it for real.
SIMULATED_DETAIL = "simulated: not sent (give --send-alerts to send real alerts)"
#: How many of the latest events an alert carries.
RECENT_EVENT_COUNT = 10
#: Ends that alert as "session_aborted": nobody answered, or a pause went on too long. The
#: others need no alert: the walker answered and chose, the planned finish, a deliberate
#: shut-down of the program, an emergency (already alerted); lost hearing has its own alert.
ABORTED_ENDS = frozenset(
    {EndReason.SUPPORT_CHECK_UNANSWERED, EndReason.NO_ANSWER, EndReason.PAUSE_TOO_LONG}
)
#: The alert for each reason the machine gives for entering `emergency`.
EMERGENCY_ALERTS = {
    "help": "help", "dizzy_not_better": "dizzy_no_answer", "dizzy_no_answer": "dizzy_no_answer",
}
#: Alerts after which the walker is told when no caregiver could be reached. An aborted
#: session is news for the caregiver, not something to worry the walker with.
URGENT_KINDS = frozenset({"help", "dizzy_no_answer", "hearing_lost"})
#: Event times are stamped by ticks, so a repeat may land a little before the exact mark.
_REPEAT_TOLERANCE_S = 0.5


class _EventClock:
    """Without a session clock: the latest event's time, moved on by real time since then."""

    def __init__(self) -> None:
        self._t_s, self._seen_at_s = 0.0, time.monotonic()

    def saw(self, t_s: float) -> None:
        if t_s >= self._t_s:
            self._t_s, self._seen_at_s = t_s, time.monotonic()

    def now_s(self) -> float:
        return self._t_s + time.monotonic() - self._seen_at_s




class Alerter:
    """Watches a session's events and alerts the caregiver when the walker may need someone.

    `emit` receives one `alert` event per delivery attempt (from the delivery worker too, so
    it must be thread-safe). `on_outcome(kind, reached)` hears, for an urgent alert, when
    the news changes: False once every channel has failed at least once with nothing
    delivered (or none is set up; retries go on), True once one has delivered (also from
    the worker: hand it to the loop's thread). `clock` times retries and stamps the events;
    without it, the latest event's time, moved on in real time.
    """

    def __init__(
        self,
        script: ExerciseScript,
        emit: EventCallback,
        on_outcome: Callable[[str, bool], None],
        session_id: str,
        wall_clock: Callable[[], datetime] = local_now,
        clock: Clock | None = None,
        base_delay_s: float = 1.0,
        simulated: bool = False,
    ) -> None:
        self._script, self._emit, self._on_outcome = script, emit, on_outcome
        self._session_id, self._wall_clock, self._clock = session_id, wall_clock, clock
        self._simulated = simulated
        self._event_clock = _EventClock()
        self._worker = DeliveryWorker(clock or self._event_clock, self._on_attempt, base_delay_s)
        self._ending_reader = EndingReader()
        self._lock = threading.RLock()
        self._news = threading.Condition(self._lock)
        self._recent: deque[dict[str, Any]] = deque(maxlen=RECENT_EVENT_COUNT)
        self._last_t_s = 0.0
        self._last_error = ""
        self._in_emergency = False
        self._last_kind = self._last_reason = ""
        self._last_sent_t_s = 0.0
        self._repeat = 0
        self._reached: dict[str, bool] = {}
        # Per kind: the channels that have failed at least once.
        self._failed: dict[str, set[int]] = {}

    def on_event(self, event: SessionEvent) -> None:
        """Subscriber for the session's event fanout: remember it, and alert if it calls for it."""
        with self._lock:
            self._recent.append(event.to_record())
            self._last_t_s = max(self._last_t_s, event.t_s)
            self._event_clock.saw(event.t_s)
            if event.type == "error":
                self._last_error = str(event.fields.get("message", ""))
            elif event.type == "state":
                self._on_state(event)
            elif event.type != "alert" and self._repeat_due(event.t_s):
                self.resend()
        if event.type != "alert":
            self._worker.supervise()

    def _on_state(self, event: SessionEvent) -> None:
        dest = str(event.fields.get("to", ""))
        trigger = str(event.fields.get("trigger", ""))
        end_reason = self._ending_reader.feed(event)
        if dest == "emergency":
            self._in_emergency = True
            self.alert(EMERGENCY_ALERTS.get(trigger, "help"), trigger)
            return
        self._in_emergency = False
        if dest != "done":
            return
        if end_reason == EndReason.HEARING_LOST:
            self.alert("hearing_lost", self._last_error or trigger)
        elif end_reason == EndReason.EMERGENCY_CANCELLED:
            # A call for help still waiting to be retried would arrive after the all-clear.
            self._worker.cancel(tuple(EMERGENCY_ALERTS.values()),
                                "was not made: the walker called the emergency off")
            self.alert("all_clear", trigger)
        elif end_reason is None or end_reason in ABORTED_ENDS:
            self.alert("session_aborted", trigger)

    def _repeat_due(self, t_s: float) -> bool:
        repeat_s = self._script.safety.emergency_repeat_s
        return self._in_emergency and t_s >= self._last_sent_t_s + repeat_s - _REPEAT_TOLERANCE_S

    def alert(self, kind: str, reason: str = "") -> None:
        """Start delivering an alert of `kind` now, in the background."""
        with self._lock:
            self._last_kind, self._last_reason = kind, reason
            self._last_sent_t_s = self._now_s()
            self._reached.pop(kind, None)
            self._failed[kind] = set()
            self._start_delivery(kind, reason, repeat=0)

    def resend(self) -> None:
        """Send the last alert again (the walker is still in `emergency`), with fresh events."""
        with self._lock:
            if not self._last_kind:
                return
            self._repeat += 1
            self._last_sent_t_s = self._now_s()
            self._start_delivery(self._last_kind, self._last_reason, repeat=self._repeat)

    def reached(self, kind: str) -> bool | None:
        """Has an alert of `kind` been delivered? None while no answer is known yet."""
        with self._lock:
            return self._reached.get(kind)

    def wait_for_news(self, kind: str, timeout_s: float) -> bool | None:
        """Wait up to `timeout_s` real seconds until `reached(kind)` is known; then it."""
        deadline_s = time.monotonic() + timeout_s
        with self._news:
            while kind not in self._reached and time.monotonic() < deadline_s:
                self._news.wait(max(deadline_s - time.monotonic(), 0.0))
            return self._reached.get(kind)

    @property
    def urgent_kind(self) -> str:
        """The kind of the latest alert, when it is urgent; else ""."""
        with self._lock:
            return self._last_kind if self._last_kind in URGENT_KINDS else ""

    def settle(self, timeout_s: float) -> bool:
        """Wait until every attempt due by the clock has been made and logged (for callers
        that move a simulated clock and want a log that is the same every time)."""
        return self._worker.wait_settled(timeout_s)

    def close(self, timeout_s: float = 30.0) -> bool:
        """Wait up to `timeout_s` for pending deliveries, then log what was not delivered.

        True when every attempt was made in time."""
        return self._worker.close(timeout_s)

    def _now_s(self) -> float:
        return self._clock.now_s() if self._clock is not None else self._last_t_s

    def _start_delivery(self, kind: str, reason: str, repeat: int) -> None:
        payload = build_alert(
            kind, self._script, self._session_id, self._now_s(), self._wall_clock(),
            list(self._recent), reason, repeat,
        )
        self._deliver_in_background(payload)

    def _deliver_in_background(self, payload: Mapping[str, Any]) -> None:
        kind, channels = str(payload["kind"]), self._script.alerts
        if not channels:
            self._log_attempt("none", False, "no alert channel is configured in the script",
                              {"kind": kind, "simulated": self._simulated})
            self._note_outcome(kind, False)
        elif self._simulated:
            for channel in channels:
                self._log_attempt(describe_channel(channel), True, SIMULATED_DETAIL,
                                  {"kind": kind, "simulated": True})
            self._note_outcome(kind, True)
        else:
            self._worker.submit(kind, channels, to_json(payload), self._now_s())

    def _on_attempt(self, attempt: AttemptReport) -> None:
        """From the worker: log the attempt, and pass on what it means for the walker."""
        extra = {"kind": attempt.kind, "attempt": attempt.number, "attempts": attempt.total,
                 "simulated": False}
        self._log_attempt(attempt.channel, attempt.ok, attempt_detail(attempt), extra,
                          attempt.at_s)
        with self._news:
            failed = self._failed.setdefault(attempt.kind, set())
            if not attempt.ok:
                failed.add(attempt.channel_index)
            # Nobody reached yet: every channel has failed (retries may still come, and a
            # delivery then changes the news again). The walker should know at once.
            nobody = len(failed) >= len(self._script.alerts)
        if attempt.ok or nobody:
            self._note_outcome(attempt.kind, attempt.ok)

    def _note_outcome(self, kind: str, reached: bool) -> None:
        with self._news:
            before = self._reached.get(kind)
            if before is True or before == reached:
                return  # once delivered, a later failed resend changes nothing
            self._reached[kind] = reached
            self._news.notify_all()
        if not reached and kind in URGENT_KINDS:
            _LOGGER.warning("no alert channel delivered the %s alert", kind)
        if kind in URGENT_KINDS:
            try:
                self._on_outcome(kind, reached)
            except Exception:  # the news is also in the log: never let it stop delivery
                _LOGGER.exception("could not pass on the news of the %s alert", kind)

    def _log_attempt(self, channel: str, ok: bool, detail: str,
                     extra: Mapping[str, Any] | None = None, at_s: float | None = None) -> None:
        t_s = self._now_s() if at_s is None else at_s
        try:
            self._emit(alert_event(t_s, channel, ok, detail, extra))
        except Exception:  # a broken log must never stop an alert on its way
            _LOGGER.exception("could not log an alert attempt")
