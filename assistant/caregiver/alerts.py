"""Caregiver alerts: when to alert and what an alert says; `delivery.py` sends them.

`Alerter` subscribes to the session's events (`on_event`) and alerts when the machine enters
`emergency`, when the session ends because the assistant can no longer hear, and when a
session ends early for a reason the walker did not choose. Delivery runs in background
threads, one per channel, so speech and the machine are never delayed; every attempt is
logged as an `alert` event. If no channel succeeds after an urgent alert (help, dizziness,
lost hearing), the walker is told so, in plain words.

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
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from assistant.caregiver.delivery import DeliveryResult, deliver_everywhere
from assistant.core.clock import Clock, local_now
from assistant.core.events import EventCallback, SessionEvent, alert_event
from assistant.core.names import EndReason
from assistant.script.model import ExerciseScript
from assistant.session.end_words import end_words
from assistant.session.ending import EndingReader

_LOGGER = logging.getLogger(__name__)

#: What the walker hears when no caregiver could be reached: calm, plain, one thing to do.
FALLBACK_MESSAGE = (
    "I could not reach your caregiver. If you need help, call someone or press your "
    "emergency button."
)
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


def alert_sentence(kind: str, walker: str, reason: str = "") -> str:
    """The human sentence of an alert, for a caregiver reading it on a phone."""
    sentences = {
        "help": f"{walker} asked for help during backward walking. Please check on them now.",
        "dizzy_no_answer": f"{walker} felt dizzy during backward walking and did not say they "
        "are better. Please check on them now.",
        "hearing_lost": f"RetroWalk stopped {walker}'s session because it could no longer "
        f"hear ({reason or 'microphone lost'}). {walker} was told to stand still. "
        "Please check on them.",
        "session_aborted": f"{walker}'s backward-walking session ended early "
        f"({end_words(reason)}). You may want to check on them.",
        "test": f"This is a test alert from RetroWalk for {walker}. No action is needed.",
    }
    return sentences.get(kind, f"RetroWalk alert for {walker}: {kind} ({reason}).")


def build_alert(
    kind: str,
    script: ExerciseScript,
    session_id: str,
    session_t_s: float,
    wall_time: datetime,
    recent_events: Sequence[Mapping[str, Any]] = (),
    reason: str = "",
    repeat: int = 0,
) -> dict[str, Any]:
    """The alert as a JSON-ready mapping: who, what, a sentence, when, which session, context."""
    return {
        "retrowalk_alert": 1,
        "kind": kind,
        "walker": script.walker,
        "message": alert_sentence(kind, script.walker, reason),
        "reason": reason,
        "time": wall_time.isoformat(timespec="seconds"),
        "session_t_s": round(session_t_s, 3),
        "session_id": session_id,
        "script": {"name": script.name, "source": script.source},
        "repeat": repeat,
        "recent_events": [dict(record) for record in recent_events],
    }


def send_test_alert(
    script: ExerciseScript,
    base_delay_s: float = 1.0,
    report_attempt: Callable[[str, bool, str], None] | None = None,
    wall_clock: Callable[[], datetime] = local_now,
) -> list[DeliveryResult]:
    """Send a "test" alert through every channel of the script; one result per channel."""
    now = wall_clock()
    payload = build_alert("test", script, f"test-{now:%Y%m%d-%H%M%S}", 0.0, now)
    return deliver_everywhere(
        script.alerts, payload, report_attempt or (lambda *_: None), base_delay_s
    )


class Alerter:
    """Watches a session's events and alerts the caregiver when the walker may need someone.

    `emit` receives one `alert` event per delivery attempt (it is called from delivery
    threads, so it must be thread-safe); `tell_walker` receives the fallback sentence when
    no channel delivered an urgent alert (also from a delivery thread: queue it for the voice).
    `clock` stamps the alert events; without it, the latest event's time is used."""

    def __init__(
        self,
        script: ExerciseScript,
        emit: EventCallback,
        tell_walker: Callable[[str], None],
        session_id: str,
        wall_clock: Callable[[], datetime] = local_now,
        clock: Clock | None = None,
        base_delay_s: float = 1.0,
    ) -> None:
        self._script = script
        self._emit = emit
        self._tell_walker = tell_walker
        self._session_id = session_id
        self._wall_clock = wall_clock
        self._clock = clock
        self._base_delay_s = base_delay_s
        self._ending_reader = EndingReader()
        self._lock = threading.RLock()
        self._recent: deque[dict[str, Any]] = deque(maxlen=RECENT_EVENT_COUNT)
        self._threads: list[threading.Thread] = []
        self._last_t_s = 0.0
        self._last_error = ""
        self._in_emergency = False
        self._last_kind = ""
        self._last_reason = ""
        self._last_sent_t_s = 0.0
        self._repeat = 0
        self._walker_told = False

    def on_event(self, event: SessionEvent) -> None:
        """Subscriber for the session's event fanout: remember it, and alert if it calls for it."""
        with self._lock:
            self._recent.append(event.to_record())
            self._last_t_s = max(self._last_t_s, event.t_s)
            if event.type == "error":
                self._last_error = str(event.fields.get("message", ""))
            elif event.type == "state":
                self._on_state(event)
            elif event.type != "alert" and self._repeat_due(event.t_s):
                self.resend()

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
            self._start_delivery(kind, reason, repeat=0)

    def resend(self) -> None:
        """Send the last alert again (the walker is still in `emergency`), with fresh events."""
        with self._lock:
            if not self._last_kind:
                return
            self._repeat += 1
            self._last_sent_t_s = self._now_s()
            self._start_delivery(self._last_kind, self._last_reason, repeat=self._repeat)

    def close(self, timeout_s: float = 30.0) -> bool:
        """Wait up to `timeout_s` for pending deliveries; True when all have finished."""
        deadline_s = time.monotonic() + timeout_s
        for thread in list(self._threads):
            thread.join(max(deadline_s - time.monotonic(), 0.0))
        return not any(thread.is_alive() for thread in self._threads)

    def _now_s(self) -> float:
        return self._clock.now_s() if self._clock is not None else self._last_t_s

    def _start_delivery(self, kind: str, reason: str, repeat: int) -> None:
        payload = build_alert(
            kind, self._script, self._session_id, self._now_s(), self._wall_clock(),
            list(self._recent), reason, repeat,
        )
        self._deliver_in_background(payload)

    def _deliver_in_background(self, payload: Mapping[str, Any]) -> None:
        # Not a daemon: an alert on its way should outlive a session that is closing.
        thread = threading.Thread(
            target=self._deliver, args=(payload,), name=f"alert-{payload['kind']}",
            daemon=False,
        )
        self._threads.append(thread)
        thread.start()

    def _deliver(self, payload: Mapping[str, Any]) -> None:
        results = deliver_everywhere(
            self._script.alerts, payload, self._report_attempt, self._base_delay_s
        )
        if not results:
            self._report_attempt("none", False, "no alert channel is configured in the script")
        if payload["kind"] not in URGENT_KINDS:
            return
        with self._lock:
            if any(result.ok for result in results):
                self._walker_told = False
                return
            # Told once per run of failures: repeating it every re-alert would drown the
            # emergency instructions.
            first_failure, self._walker_told = not self._walker_told, True
        if results:  # with no channel set up at all, the log's alert event says so quietly
            _LOGGER.warning("no alert channel delivered the %s alert", payload["kind"])
        if first_failure:
            self._tell_walker(FALLBACK_MESSAGE)

    def _report_attempt(self, channel: str, ok: bool, detail: str) -> None:
        try:
            self._emit(alert_event(self._now_s(), channel, ok, detail))
        except Exception:  # a broken log must never stop an alert on its way
            _LOGGER.exception("could not log an alert attempt")
