"""Every channel's attempt ends by its deadline, whatever the other side does: real servers
on 127.0.0.1 that refuse, hang, trickle headers or are not HTTP; a FIFO nobody reads; a
command whose grandchild would hang. Each ends as a logged failed attempt, nothing escapes,
and no process is left behind."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from assistant.caregiver.alerts import Alerter
from assistant.caregiver.channels import deliver
from assistant.caregiver.delivery import AttemptReport, DeliveryWorker
from assistant.cli import main
from assistant.core.clock import SimulatedClock
from assistant.core.errors import AlertError
from assistant.core.events import EventFanout
from assistant.script.model import AlertChannel
from tests.caregiver.test_alerts import script_with_channels
from tests.helpers.bad_servers import BadServer
from tests.helpers.caregiver import EventTape, make_script
from tests.helpers.http_receiver import HttpReceiver, closed_port_url

#: A small deadline per attempt, so the tests are quick.
DEADLINE_S = 0.5
#: Generous: the bound within which a test's delivery must be over (not a timing claim).
BOUND_S = 20.0


def alert_attempts(channel: AlertChannel) -> list[dict[str, object]]:
    """One emergency alert through `channel` with a real alerter; its `alert` events."""
    fanout = EventFanout()
    news: list[tuple[str, bool]] = []
    alerter = Alerter(make_script((channel,)), fanout.emit,
                      lambda kind, reached: news.append((kind, reached)), "s-1",
                      base_delay_s=0.01)
    fanout.subscribe(alerter.on_event)
    fanout.emit(EventTape().go("emergency", "help").events[0])
    assert alerter.close(BOUND_S), "the drain ends with every attempt made"
    assert news == [("help", False)]
    return [event.to_record() for event in fanout.events if event.type == "alert"]


@pytest.mark.parametrize(("behaviour", "words"), [
    ("hang", "did not answer in time"),
    ("trickle", "did not answer in time"),
    ("garbage", "did not answer as an HTTP server"),
])
def test_a_webhook_that_misbehaves_is_a_failed_attempt(behaviour: str, words: str) -> None:
    with BadServer(behaviour) as server:
        channel = AlertChannel("webhook", url=server.url, timeout_s=DEADLINE_S, retries=1)
        attempts = alert_attempts(channel)
        assert server.requests == 2
    assert [(a["ok"], a["attempt"], a["attempts"]) for a in attempts] == [
        (False, 1, 2), (False, 2, 2)]
    assert all(words in str(a["detail"]) for a in attempts), attempts


def test_a_trickling_server_cannot_stretch_an_attempt_past_its_deadline() -> None:
    with BadServer("trickle") as server:
        channel = AlertChannel("webhook", url=server.url, timeout_s=1.5, retries=0)
        with pytest.raises(AlertError, match="did not answer in time"):
            deliver(channel, "{}")  # urlopen would wait for the headers' end: for ever


def test_a_refusing_webhook_is_a_failed_attempt() -> None:
    channel = AlertChannel("webhook", url=closed_port_url(), timeout_s=DEADLINE_S, retries=0)
    (attempt,) = alert_attempts(channel)
    assert attempt["ok"] is False and "could not be reached" in str(attempt["detail"])


def test_a_fifo_nobody_reads_fails_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "alerts.fifo"
    os.mkfifo(fifo)
    (attempt,) = alert_attempts(AlertChannel("file", path=str(fifo), retries=0))
    assert attempt["ok"] is False
    assert "could not be written: No such device or address" in str(attempt["detail"])


def live_members(group: int) -> list[int]:
    """Processes of process group `group` that are still alive (zombies do not count)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        state, pgrp = fields[0], int(fields[2])
        if pgrp == group and state not in ("Z", "X"):
            members.append(int(entry.name))
    return members


def test_a_hanging_command_is_killed_with_its_grandchildren(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    argv = ("sh", "-c", f"echo $$ > {pid_file}; sleep 300 & sleep 300")
    (attempt,) = alert_attempts(AlertChannel("command", argv=argv, timeout_s=DEADLINE_S,
                                             retries=0))
    assert attempt["ok"] is False and "did not finish within" in str(attempt["detail"])
    group = int(pid_file.read_text())  # its own session: the shell leads its process group
    assert group != os.getpgrp()
    assert live_members(group) == [], "no process of the command's group may be left"


def test_every_foreign_exception_is_a_failed_attempt() -> None:
    reports: list[AttemptReport] = []

    def broken(channel: AlertChannel, payload_json: str) -> str:
        raise ValueError("a bug in a channel")

    worker = DeliveryWorker(SimulatedClock(), reports.append, 0.0, attempt=broken)
    worker.submit("help", (AlertChannel("file", path="x", retries=0),), "{}")
    assert worker.close(BOUND_S)
    assert [(r.ok, r.detail, r.final) for r in reports] == [
        (False, "ValueError: a bug in a channel", True)]


def test_retries_wait_on_the_session_clock() -> None:
    clock = SimulatedClock()
    reports: list[AttemptReport] = []
    done = threading.Event()

    def report(attempt: AttemptReport) -> None:
        reports.append(attempt)
        done.set()

    channel = AlertChannel("webhook", url=closed_port_url(), timeout_s=DEADLINE_S, retries=1)
    worker = DeliveryWorker(clock, report, base_delay_s=10.0)
    worker.submit("help", (channel,), "{}")
    assert done.wait(BOUND_S)
    done.clear()
    assert not done.wait(0.5), "the retry waits for the session's clock, not real time"
    clock.advance(10.0)
    assert done.wait(BOUND_S)
    assert worker.close(BOUND_S)
    assert [(r.number, r.at_s) for r in reports] == [(1, 0.0), (2, 10.0)]


def test_the_drain_at_close_is_bounded_and_records_what_was_not_delivered() -> None:
    with BadServer("hang") as server:
        channel = AlertChannel("webhook", url=server.url, timeout_s=5.0, retries=3)
        fanout = EventFanout()
        alerter = Alerter(make_script((channel,)), fanout.emit, lambda *_: None, "s-2")
        fanout.subscribe(alerter.on_event)
        fanout.emit(EventTape().go("emergency", "help").events[0])
        time.sleep(0.2)  # the first attempt begins, or is still waiting: both are undone
        assert alerter.close(0.3) is False
    attempts = [event.to_record() for event in fanout.events if event.type == "alert"]
    assert [(a["ok"], a["attempt"]) for a in attempts] == [(False, 1)]
    assert "not delivered" in str(attempts[0]["detail"])
    assert "when the program ended" in str(attempts[0]["detail"])


def test_alert_test_against_a_service_that_is_not_http_fails_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with BadServer("garbage") as server:
        script = script_with_channels(
            tmp_path, f"    - {{type: webhook, url: '{server.url}', retries: 0, timeout_s: 1}}\n")
        assert main(["alert-test", str(script)]) == 1
    out = capsys.readouterr().out
    (line,) = [line for line in out.splitlines() if line.startswith("FAILED")]
    assert "did not answer as an HTTP server" in line


def test_a_good_webhook_still_delivers_within_its_deadline() -> None:
    with HttpReceiver([200]) as receiver:
        channel = AlertChannel("webhook", url=receiver.url, timeout_s=DEADLINE_S)
        assert deliver(channel, '{"kind": "test"}') == "HTTP 200"
    assert receiver.bodies == [{"kind": "test"}]


def test_an_attempt_stuck_past_its_deadline_is_abandoned_and_the_retry_made() -> None:
    release, started = threading.Event(), threading.Event()
    reports: list[AttemptReport] = []
    calls: list[int] = []

    def attempt(channel: AlertChannel, payload_json: str) -> str:
        calls.append(len(calls) + 1)
        started.set()
        if len(calls) == 1:
            release.wait(BOUND_S)  # stuck beyond any deadline, as a hung name lookup is
        return "delivered"

    channel = AlertChannel("file", path="unused", timeout_s=0.1, retries=1)
    worker = DeliveryWorker(SimulatedClock(), reports.append, 0.0, attempt=attempt)
    worker.submit("help", (channel,), "{}")
    assert started.wait(BOUND_S)
    give_up_s = time.monotonic() + BOUND_S
    while len(reports) < 2 and time.monotonic() < give_up_s:
        worker.supervise()  # the alerter does this on every session event
        time.sleep(0.05)
    release.set()
    assert worker.close(BOUND_S)
    assert [(r.number, r.ok) for r in reports] == [(1, False), (2, True)]
    assert "did not end by its deadline" in reports[0].detail


def test_what_a_stranger_sent_reaches_the_log_printable() -> None:
    with BadServer("garbage") as server:
        channel = AlertChannel("webhook", url=server.url, timeout_s=DEADLINE_S, retries=0)
        (attempt,) = alert_attempts(channel)
    detail = str(attempt["detail"])
    assert detail.isprintable() and "not-a-web-server" in detail
