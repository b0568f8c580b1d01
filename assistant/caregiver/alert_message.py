"""What an alert says: the caregiver's sentence and the JSON payload; and the test alert.

The `Alerter` (`alerts.py`) decides when to alert; this module words and builds an alert,
and sends the test alert of `retrowalk alert-test` (waiting for every channel, bounded).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from assistant.caregiver.channels import describe_channel
from assistant.caregiver.delivery import STUCK_GRACE_S, AttemptReport, DeliveryWorker
from assistant.core.clock import MonotonicClock, local_now
from assistant.script.model import AlertChannel, ExerciseScript
from assistant.session.end_words import end_words


@dataclass(frozen=True)
class DeliveryResult:
    """How one channel fared: delivered or not, after how many attempts, and the last detail."""

    channel: str
    ok: bool
    attempts: int
    detail: str


def alert_sentence(kind: str, walker: str, reason: str = "") -> str:
    """The human sentence of an alert, for a caregiver reading it on a phone."""
    walker = walker or "The walker"  # a script need not name the walker
    sentences = {
        "help": f"{walker} asked for help during backward walking. Please check on them now.",
        "dizzy_no_answer": f"{walker} felt dizzy during backward walking and did not say they "
        "are better. Please check on them now.",
        "hearing_lost": f"RetroWalk stopped {walker}'s session because it could no longer "
        f"hear ({reason or 'microphone lost'}). {walker} was told to stand still. "
        "Please check on them.",
        "session_aborted": f"{walker}'s backward-walking session ended early "
        f"({end_words(reason)}). You may want to check on them.",
        "all_clear": f"{walker} cancelled the call for help: they said they are all right. "
        "You may still want to check on them.",
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

    def show(attempt: AttemptReport) -> None:
        if report_attempt is not None:
            report_attempt(attempt.channel, attempt.ok, attempt_detail(attempt))

    return deliver_everywhere(script.alerts, "test", to_json(payload), show, base_delay_s)


def to_json(payload: Mapping[str, Any]) -> str:
    """The payload as one JSON text, as every channel sends it."""
    return json.dumps(payload, ensure_ascii=False)


def attempt_detail(attempt: AttemptReport) -> str:
    """An attempt's `detail` in the log: "attempt 2 of 4: HTTP 500"."""
    return f"attempt {attempt.number} of {attempt.total}: {attempt.detail}"


def deliver_everywhere(
    channels: Sequence[AlertChannel],
    kind: str,
    payload_json: str,
    report: Callable[[AttemptReport], None],
    base_delay_s: float = 1.0,
) -> list[DeliveryResult]:
    """Deliver one alert to every channel, in real time, and wait for it; one result each.

    For `alert-test`: the wait is bounded by every attempt's deadline and every backoff."""
    finals: dict[int, AttemptReport] = {}

    def keep(attempt: AttemptReport) -> None:
        if attempt.final:
            finals[attempt.channel_index] = attempt
        report(attempt)

    worker = DeliveryWorker(MonotonicClock(), keep, base_delay_s)
    worker.submit(kind, channels, payload_json)
    worker.close(sum(_longest_delivery_s(channel, base_delay_s) for channel in channels))
    return [
        DeliveryResult(describe_channel(channel), finals[index].ok, finals[index].number,
                       finals[index].detail)
        for index, channel in enumerate(channels)
    ]


def _longest_delivery_s(channel: AlertChannel, base_delay_s: float) -> float:
    attempts = 1 + max(channel.retries, 0)
    backoff_s = base_delay_s * (2 ** (attempts - 1) - 1)
    return attempts * (channel.timeout_s + STUCK_GRACE_S) + backoff_s + 1.0
