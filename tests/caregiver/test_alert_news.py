"""What the walker hears follows what the alerts did: whole sessions (the real machine, the
runner, the alerter, real channels) on a simulated clock, with the console's printed cues.

"Help is being called" only while an alert may get through; "I could not reach your
caregiver" when none did; a failed lost-hearing alert is told before the program ends; a
cancelled emergency sends an all-clear; a simulated session sends nothing.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

from assistant.caregiver.alerts import SIMULATED_DETAIL
from assistant.core.clock import SimulatedClock
from assistant.core.events import Intent
from assistant.core.names import IntentName
from assistant.run.wiring import WiredSession, wire_session
from assistant.script.loading import load_script, resolve_script
from assistant.script.model import AlertChannel, ExerciseScript
from assistant.session import cues
from assistant.speaking.cue_output import PrintedCues
from tests.helpers.http_receiver import closed_port_url

#: Real seconds an attempt may take before the test's clock moves on (a bound, not a claim).
SETTLE_S = 20.0
STEP_S = 0.5


def script_with(*channels: AlertChannel, emergency_max_s: float = 120.0) -> ExerciseScript:
    script = load_script(resolve_script("default"))
    safety = replace(script.safety, emergency_max_s=emergency_max_s)
    return replace(script, alerts=channels, safety=safety)


def wire(script: ExerciseScript, clock: SimulatedClock, simulated: bool = False) -> WiredSession:
    return wire_session(script, clock, lambda events: PrintedCues(clock, events.emit,
                                                                  lambda text: None),
                        record_history=False, simulated_alerts=simulated)


def drive(wired: WiredSession, clock: SimulatedClock, said: dict[float, str],
          until_s: float = 600.0) -> None:
    """Run the session on the simulated clock; every due alert attempt is made before the
    clock moves on, so the outcome is the same every time."""
    runner, alerter = wired.runner, wired.alerter
    assert alerter is not None
    runner.start()
    while not runner.finished and clock.now_s() < until_s:
        assert alerter.settle(SETTLE_S)  # what the last step set off is done at its time
        clock.advance(STEP_S)
        name = said.get(round(clock.now_s(), 3))
        if name:
            runner.handle_intent(Intent(IntentName(name), name, clock.now_s()))
        assert alerter.settle(SETTLE_S)
        runner.step()


def cue_texts(wired: WiredSession) -> list[str]:
    return [str(e.fields["text"]) for e in wired.events.events if e.type == "cue"]


def alerts_of(wired: WiredSession) -> list[dict[str, object]]:
    return [e.to_record() for e in wired.events.events if e.type == "alert"]


def test_when_every_channel_fails_the_walker_hears_nobody_was_reached() -> None:
    clock = SimulatedClock()
    channel = AlertChannel("webhook", url=closed_port_url(), timeout_s=0.5, retries=1)
    wired = wire(script_with(channel), clock)
    try:
        drive(wired, clock, {2.0: "help"})
    finally:
        wired.close()
    said = cue_texts(wired)
    first_call = said.index(cues.EMERGENCY)  # said when the alert goes, before any news
    after = said[first_call + 1:]
    assert cues.ALERT_UNREACHED in after and cues.EMERGENCY not in after
    assert after.count(cues.ALERT_UNREACHED) >= 4, "repeated through the emergency"
    assert said[-1] == cues.EMERGENCY_OVER_UNREACHED
    assert wired.session.summary.end_reason == "emergency"
    attempts = alerts_of(wired)
    assert attempts and not any(a["ok"] for a in attempts)


def test_with_no_channel_the_walker_is_never_told_help_is_called() -> None:
    clock = SimulatedClock()
    wired = wire(script_with(), clock)
    try:
        drive(wired, clock, {2.0: "help", 40.0: "help"})
    finally:
        wired.close()
    said = cue_texts(wired)
    assert cues.EMERGENCY not in said
    assert said.count(cues.ALERT_UNREACHED) >= 4  # also the answer to "help" in emergency
    assert said[-1] == cues.EMERGENCY_OVER_UNREACHED


def test_a_delivered_alert_keeps_help_is_being_called(tmp_path: Path) -> None:
    clock = SimulatedClock()
    wired = wire(script_with(AlertChannel("file", path=str(tmp_path / "a.jsonl"))), clock)
    try:
        drive(wired, clock, {2.0: "help"})
    finally:
        wired.close()
    said = cue_texts(wired)
    assert cues.ALERT_UNREACHED not in said and said.count(cues.EMERGENCY) >= 4
    assert wired.alerter is not None and wired.alerter.reached("help") is True


def test_cancelling_an_emergency_sends_an_all_clear(tmp_path: Path) -> None:
    path = tmp_path / "alerts.jsonl"
    clock = SimulatedClock()
    wired = wire(script_with(AlertChannel("file", path=str(path))), clock)
    try:
        drive(wired, clock, {2.0: "help", 30.0: "cancel"})
    finally:
        wired.close()
    assert wired.session.summary.end_reason == "emergency_cancelled"
    kinds = [json.loads(line)["kind"] for line in path.read_text().splitlines()]
    assert kinds == ["help", "all_clear"]


def test_a_failed_lost_hearing_alert_is_told_before_the_end(tmp_path: Path) -> None:
    fifo = tmp_path / "alerts.fifo"
    os.mkfifo(fifo)  # nobody reads it: every attempt fails at once
    clock = SimulatedClock()
    wired = wire(script_with(AlertChannel("file", path=str(fifo), retries=0)), clock)
    try:
        drive(wired, clock, {}, until_s=5.0)
        wired.runner.hearing_lost("the microphone stopped working")
        wired.say_undelivered_alert()
    finally:
        wired.close()
    said = cue_texts(wired)
    assert said[-2:] == [cues.HEARING_LOST, cues.ALERT_UNREACHED]
    (attempt,) = alerts_of(wired)
    assert attempt["kind"] == "hearing_lost" and attempt["ok"] is False


def test_a_simulated_session_sends_nothing_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "alerts.jsonl"
    clock = SimulatedClock()
    wired = wire(script_with(AlertChannel("file", path=str(path))), clock, simulated=True)
    try:
        drive(wired, clock, {2.0: "help"}, until_s=60.0)
    finally:
        wired.close()
    assert not path.exists()
    attempts = alerts_of(wired)
    assert attempts and all(a["simulated"] is True and a["ok"] is True for a in attempts)
    assert all(a["detail"] == SIMULATED_DETAIL for a in attempts)


def test_a_call_for_help_waiting_for_its_retry_is_dropped_when_the_walker_cancels() -> None:
    clock = SimulatedClock()
    channel = AlertChannel("webhook", url=closed_port_url(), timeout_s=0.5, retries=2)
    wired = wire(script_with(channel), clock)
    try:
        # help at 2 s, the alert at 12 s, retried at 13 and 15 s: "cancel" comes at 14 s.
        drive(wired, clock, {2.0: "help", 14.0: "cancel"})
    finally:
        wired.close()
    attempts = [(a["kind"], a["attempt"], str(a["detail"])) for a in alerts_of(wired)]
    help_attempts = [a for a in attempts if a[0] == "help"]
    assert [number for _, number, _ in help_attempts] == [1, 2, 3]
    assert "called the emergency off" in help_attempts[-1][2]
    assert [kind for kind, _, _ in attempts[len(help_attempts):]] == ["all_clear"] * 3
