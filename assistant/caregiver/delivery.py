"""Alert delivery: to every channel at once, each with retries and backoff, every attempt
reported (for the log's `alert` events)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from assistant.caregiver.channels import deliver, describe_channel
from assistant.core.errors import AlertError
from assistant.script.model import AlertChannel


@dataclass(frozen=True)
class DeliveryResult:
    """How one channel fared: delivered or not, after how many attempts, and the last detail."""

    channel: str
    ok: bool
    attempts: int
    detail: str


def deliver_with_retries(
    channel: AlertChannel,
    payload_json: str,
    report_attempt: Callable[[str, bool, str], None],
    base_delay_s: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
) -> DeliveryResult:
    """Up to 1 + `channel.retries` attempts, waiting base, 2x base, 4x base... in between.

    Every attempt is reported as (channel name, ok, detail)."""
    name = describe_channel(channel)
    total = 1 + max(channel.retries, 0)
    detail = ""
    for attempt in range(1, total + 1):
        try:
            detail = deliver(channel, payload_json)
        except AlertError as err:
            detail = str(err)
            report_attempt(name, False, f"attempt {attempt} of {total}: {detail}")
            if attempt < total:
                sleep(base_delay_s * 2 ** (attempt - 1))
            continue
        report_attempt(name, True, f"attempt {attempt} of {total}: {detail}")
        return DeliveryResult(name, True, attempt, detail)
    return DeliveryResult(name, False, total, detail)


def deliver_everywhere(
    channels: Sequence[AlertChannel],
    payload: Mapping[str, Any],
    report_attempt: Callable[[str, bool, str], None],
    base_delay_s: float = 1.0,
) -> list[DeliveryResult]:
    """Deliver to all channels at once (a slow webhook must not hold up the file channel)."""
    if not channels:
        return []
    payload_json = json.dumps(payload, ensure_ascii=False)
    with ThreadPoolExecutor(max_workers=len(channels), thread_name_prefix="alert") as pool:
        futures = [
            pool.submit(deliver_with_retries, channel, payload_json, report_attempt, base_delay_s)
            for channel in channels
        ]
        return [future.result() for future in futures]
