"""Caregiver alerts through real channels: a real HTTP server on 127.0.0.1, a real command,
a real file; retries with backoff, every attempt logged, and the walker told on failure."""

from __future__ import annotations

import json
import os
import stat
import sys
import time
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from assistant.caregiver.alerts import Alerter, send_test_alert
from assistant.cli import main
from assistant.core.events import EventFanout, SessionEvent
from assistant.script.model import AlertChannel, ExerciseScript
from tests.helpers.caregiver import (
    EventTape,
    completed_session,
    dizzy_session,
    ended_by_walker_session,
    make_script,
    run_real_session,
)
from tests.helpers.http_receiver import HttpReceiver, closed_port_url

FAST_S = 0.01


class RecordingAlerter(Alerter):
    """The real alerter, keeping each payload it hands to delivery, in order, for the tests."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sent: list[Mapping[str, Any]] = []

    def _deliver_in_background(self, payload: Mapping[str, Any]) -> None:
        self.sent.append(payload)
        super()._deliver_in_background(payload)


class Session:
    """An event fanout with an alerter subscribed, as the runner wires it."""

    def __init__(self, script: ExerciseScript, base_delay_s: float = FAST_S) -> None:
        self.fanout = EventFanout()
        self.news: list[tuple[str, bool]] = []
        self.alerter = RecordingAlerter(
            script, self.fanout.emit, lambda kind, reached: self.news.append((kind, reached)),
            "session-42", base_delay_s=base_delay_s,
        )
        self.fanout.subscribe(self.alerter.on_event)

    def play(self, events: list[SessionEvent]) -> None:
        for event in events:
            self.fanout.emit(event)

    def finish(self) -> list[dict[str, object]]:
        assert self.alerter.close(timeout_s=20)
        return [e.to_record() for e in self.fanout.events if e.type == "alert"]


def test_emergency_posts_who_what_when_and_last_events_to_a_real_server() -> None:
    with HttpReceiver([200]) as receiver:
        session = Session(make_script((AlertChannel("webhook", url=receiver.url),)))
        events = dizzy_session(to_emergency=True)
        session.play(events)
        attempts = session.finish()
    assert len(receiver.bodies) == 1
    body = receiver.bodies[0]
    at = next(i for i, e in enumerate(events) if e.fields.get("to") == "emergency")
    emergency = events[at]
    assert body["kind"] == "dizzy_no_answer"
    assert body["walker"] == "Anna" and "Anna" in body["message"]
    assert body["session_id"] == "session-42" and body["script"]["name"] == "gentle"
    assert body["session_t_s"] == pytest.approx(emergency.t_s)
    assert datetime.fromisoformat(body["time"]).tzinfo is not None
    seen = [e.to_record() for e in events[: at + 1]][-10:]
    assert body["recent_events"] == seen
    assert receiver.headers[0]["Content-Type"].startswith("application/json")
    assert [a["ok"] for a in attempts] == [True]
    assert "secret" not in str(attempts), "webhook tokens must stay out of the event log"


def test_a_failing_server_is_retried_with_backoff_until_it_answers() -> None:
    with HttpReceiver([500, 500, 200]) as receiver:
        session = Session(make_script((AlertChannel("webhook", url=receiver.url, retries=3),)))
        session.play(EventTape().go("emergency", "help").events)
        attempts = session.finish()
    assert len(receiver.bodies) == 3
    assert [a["ok"] for a in attempts] == [False, False, True]
    assert "HTTP 500" in str(attempts[0]["detail"])
    assert [a["attempt"] for a in attempts] == [1, 2, 3]
    # Nobody reached after the first failure (one channel): the walker is told at once;
    # the retry that gets through changes the news back.
    assert session.news == [("help", False), ("help", True)]
    assert session.alerter.reached("help") is True


@pytest.mark.parametrize("broken", ["http500", "closed_port"])
def test_when_no_channel_succeeds_every_attempt_is_logged_and_the_walker_is_told(
    broken: str,
) -> None:
    with HttpReceiver([500]) as receiver:
        url = receiver.url if broken == "http500" else closed_port_url()
        session = Session(make_script((AlertChannel("webhook", url=url, retries=2),)))
        started = time.monotonic()
        session.play(EventTape().go("emergency", "help").events)
        attempts = session.finish()
    assert [a["ok"] for a in attempts] == [False, False, False]
    assert time.monotonic() - started >= 3 * FAST_S, "backoff waits between attempts"
    assert session.news == [("help", False)]
    assert session.alerter.reached("help") is False


def test_no_configured_channel_means_the_walker_is_told() -> None:
    session = Session(make_script(()))
    session.play(EventTape().go("emergency", "help").events)
    attempts = session.finish()
    assert attempts[0]["ok"] is False and attempts[0]["channel"] == "none"
    assert session.news == [("help", False)]


def test_delivery_never_blocks_the_caller() -> None:
    channel = AlertChannel("webhook", url=closed_port_url(), retries=3)
    session = Session(make_script((channel,)), base_delay_s=0.2)
    started = time.monotonic()
    session.play(EventTape().go("emergency", "help").events)
    assert time.monotonic() - started < 0.2
    session.finish()
    assert time.monotonic() - started >= 1.4  # 0.2 + 0.4 + 0.8 s of backoff


def test_command_channel_gets_the_alert_on_stdin_and_in_the_environment(tmp_path: Path) -> None:
    out = tmp_path / "got.json"
    code = (
        "import json, os, sys; data = sys.stdin.read(); "
        f"open({str(out)!r}, 'w').write(json.dumps([data, os.environ['RETROWALK_ALERT']]))"
    )
    channel = AlertChannel("command", argv=(sys.executable, "-c", code))
    session = Session(make_script((channel,)))
    session.play(EventTape().go("emergency", "help").events)
    attempts = session.finish()
    from_stdin, from_env = json.loads(out.read_text())
    assert from_stdin == from_env
    assert json.loads(from_stdin)["kind"] == "help"
    assert attempts[0]["ok"] is True and attempts[0]["channel"] == "command:" + Path(
        sys.executable
    ).name


def test_a_failing_command_is_reported_with_its_error(tmp_path: Path) -> None:
    code = "import sys; sys.exit('no phone signal')"
    channel = AlertChannel("command", argv=(sys.executable, "-c", code), retries=1)
    session = Session(make_script((channel,)))
    session.play(EventTape().go("emergency", "help").events)
    attempts = session.finish()
    assert [a["ok"] for a in attempts] == [False, False]
    assert "no phone signal" in str(attempts[-1]["detail"])
    assert session.news == [("help", False)]


def test_file_channel_appends_one_private_json_line_per_alert(tmp_path: Path) -> None:
    path = tmp_path / "alerts" / "alerts.jsonl"
    session = Session(make_script((AlertChannel("file", path=str(path)),)))
    tape = EventTape().go("warm_up", "start").go("emergency", "help", after_s=5)
    session.play(tape.go("done", "emergency_over", after_s=10).events)
    session.alerter.resend()
    session.finish()
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [line["kind"] for line in lines] == ["help", "help"]
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_alerts_are_resent_on_the_emergency_cadence_until_emergency_ends(tmp_path: Path) -> None:
    path = tmp_path / "alerts.jsonl"
    session = Session(make_script((AlertChannel("file", path=str(path)),), emergency_repeat_s=30))
    tape = EventTape().go("emergency", "help", after_s=100)
    for _ in range(2):  # the machine repeats its instructions every 30 s
        tape.cue("Stay where you are.", after_s=10).cue("Help is coming.", after_s=20)
    tape.go("done", "emergency_over", after_s=5).cue("Goodbye.", after_s=30)
    session.play(tape.events)
    session.finish()
    sent = [(p["repeat"], p["session_t_s"]) for p in session.alerter.sent]
    assert sent == [(0, 100.0), (1, 130.0), (2, 160.0)]


def test_hearing_lost_alerts_with_the_error() -> None:
    tape = EventTape().go("walking", "ready").error("microphone disconnected", after_s=3)
    session = Session(make_script(()))
    session.play(tape.go("done", "hearing_lost").events)
    session.finish()
    (payload,) = session.alerter.sent
    assert payload["kind"] == "hearing_lost"
    assert "microphone disconnected" in payload["message"]


def test_only_sessions_ended_for_reasons_the_walker_did_not_choose_alert() -> None:
    aborted = EventTape().go("support_check", "phase_end")
    aborted.go("done", "support_unanswered", after_s=80)
    ended_by_walker = EventTape().go("stopped", "stop").go("done", "end", after_s=5)

    kinds, told = [], []
    for events in (completed_session(2, 30), ended_by_walker.events, aborted.events,
                   ended_by_walker_session(10.0), dizzy_session()):
        session = Session(make_script(()))
        session.play(events)
        session.finish()
        kinds.append([(p["kind"], p["reason"]) for p in session.alerter.sent])
        told += session.news
    assert kinds == [[], [], [("session_aborted", "support_unanswered")], [], []]
    assert told == [], "an aborted session is news for the caregiver, not for the walker"


def test_send_test_alert_reports_each_channel() -> None:
    with HttpReceiver([200]) as receiver:
        script = make_script(
            (
                AlertChannel("webhook", url=receiver.url),
                AlertChannel("webhook", url=closed_port_url(), retries=1),
            )
        )
        results = send_test_alert(script, base_delay_s=FAST_S)
    assert [(r.ok, r.attempts) for r in results] == [(True, 1), (False, 2)]
    assert receiver.bodies[0]["kind"] == "test"
    assert "refused" in results[1].detail.lower() or "reached" in results[1].detail


def script_with_channels(tmp_path: Path, channels_yaml: str) -> Path:
    """The bundled default script with the given `alerts: channels:` list."""
    from assistant.script.loading import default_script_path

    text = default_script_path().read_text()
    assert "  channels: []" in text
    path = tmp_path / "with-alerts.yaml"
    named = "walker: Anna\n" + text  # alerts name the walker: a script with channels must
    path.write_text(named.replace("  channels: []", "  channels:\n" + channels_yaml, 1))
    return path


def test_alert_test_command_exits_0_when_every_channel_delivers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    alerts_file = tmp_path / "alerts.jsonl"
    with HttpReceiver([200]) as receiver:
        script = script_with_channels(
            tmp_path,
            f"    - {{type: webhook, url: '{receiver.url}', timeout_s: 2}}\n"
            f"    - {{type: file, path: '{alerts_file}'}}\n",
        )
        assert main(["alert-test", str(script)]) == 0
    out = capsys.readouterr().out
    assert out.count("OK ") == 2 and "FAILED" not in out
    assert receiver.bodies[0]["kind"] == "test" and receiver.bodies[0]["walker"] == "Anna"
    assert json.loads(alerts_file.read_text())["kind"] == "test"


def test_alert_test_command_exits_1_and_names_the_failing_channel(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = script_with_channels(
        tmp_path, f"    - {{type: webhook, url: '{closed_port_url()}', retries: 1}}\n"
    )
    assert main(["alert-test", str(script), "--retry-delay", "0.01"]) == 1
    out = capsys.readouterr().out
    assert "FAILED webhook:http://127.0.0.1 (2 attempt(s))" in out
    assert main(["alert-test", "default"]) == 1
    assert "no alert channels" in capsys.readouterr().out


def test_the_real_machine_unanswered_dizzy_check_in_alerts_and_realerts(tmp_path: Path) -> None:
    from dataclasses import replace

    from assistant.script.loading import default_script_path, load_script

    path = tmp_path / "alerts.jsonl"
    script = replace(load_script(default_script_path()),
                     alerts=(AlertChannel("file", path=str(path)),))
    fanout, news = EventFanout(), []
    alerter = RecordingAlerter(script, fanout.emit, lambda *item: news.append(item), "real-1",
                               base_delay_s=FAST_S)
    fanout.subscribe(alerter.on_event)
    repeat_s = script.safety.emergency_repeat_s
    run_real_session(script, {185.0: "ready", 190.0: "dizzy"}, fanout.emit, max_s=600)
    assert alerter.close(10)
    emergency_t = next(e.t_s for e in fanout.events if e.fields.get("to") == "emergency")
    handed = alerter.sent
    assert [p["repeat"] for p in handed] == list(range(len(handed)))
    assert {p["kind"] for p in handed} == {"dizzy_no_answer"}
    times = [p["session_t_s"] for p in handed]
    assert times[0] == emergency_t
    assert len(handed) == 1 + int((600 - emergency_t) // repeat_s)
    assert all(abs(b - a - repeat_s) <= 1.0 for a, b in zip(times, times[1:], strict=False))
    # One worker: a resend queued behind a busy attempt replaces the one still waiting, so
    # the file holds the first alert, then newer ones in order, and always the last.
    written = [json.loads(line)["repeat"] for line in path.read_text().splitlines()]
    assert written[0] == 0 and written[-1] == len(handed) - 1
    assert written == sorted(set(written))
    assert news == [("dizzy_no_answer", True)]
