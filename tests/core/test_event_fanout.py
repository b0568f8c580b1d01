"""The event fanout isolates its subscribers, and the event log is private and gives up
cleanly when its file cannot take more."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import pytest

from assistant.core.errors import RetroWalkError
from assistant.core.event_log import EventLog
from assistant.core.events import EventFanout, SessionEvent, cue_event, state_event


class Broken:
    """A subscriber that always fails, as a full disk or a locked database would."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, event: SessionEvent) -> None:
        self.calls += 1
        raise OSError(28, "No space left on device")


def test_a_failing_subscriber_is_reported_once_and_the_others_still_hear_everything(
    caplog: pytest.LogCaptureFixture,
) -> None:
    broken, heard = Broken(), []
    fanout = EventFanout()
    fanout.subscribe(broken, "the event log")
    fanout.subscribe(heard.append, "the alerter")
    with caplog.at_level(logging.WARNING):
        fanout.emit(state_event(1.0, "warm_up", "help_pending", "help"))
        fanout.emit(cue_event(2.0, "I will call your caregiver.", False))
    assert [e.type for e in heard] == ["state", "error", "cue"]
    assert "the event log failed" in str(heard[1].fields["message"])
    assert broken.calls == 2  # still offered every event: it may recover
    assert fanout.missed == {"the event log": 2}
    assert len(caplog.records) == 1
    assert "No space left on device" in caplog.records[0].getMessage()


def test_a_subscriber_failing_on_the_failure_notice_does_not_loop() -> None:
    first, second = Broken(), Broken()
    fanout = EventFanout(first, second)
    fanout.emit(cue_event(0.0, "Hello.", False))
    assert first.calls == 2 and second.calls == 2  # the event, and the other's notice
    assert [e.type for e in fanout.events] == ["cue", "error", "error"]


def test_a_new_event_log_is_private(tmp_path: Path) -> None:
    log = EventLog(tmp_path / "session.jsonl")
    log.write(cue_event(0.0, "Hello.", False))
    log.close()
    assert stat.S_IMODE((tmp_path / "session.jsonl").stat().st_mode) == 0o600


def test_a_log_that_cannot_be_written_fails_fast_and_closes_quietly(tmp_path: Path) -> None:
    log = EventLog("/dev/full")
    for _ in range(2):
        with pytest.raises(RetroWalkError, match="cannot write the event log /dev/full"):
            log.write(cue_event(0.0, "Hello.", False))
    log.close()
