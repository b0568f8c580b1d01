"""People's words for how a session ended, in history, report, alerts and closing lines:
never a stored code such as `ended_by_walker`, while the stored names stay as they were."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from assistant.caregiver.alerts import alert_sentence
from assistant.caregiver.history import HistoryStore
from assistant.caregiver.recorder import HistoryRecorder
from assistant.caregiver.report import build_report
from assistant.cli import main
from assistant.core.events import SessionEvent
from assistant.core.names import EndReason
from assistant.session.end_words import END_WORDS, UNKNOWN_END, end_words, outcome_words
from tests.helpers.caregiver import EventTape, dizzy_session, make_script, start_walking

#: A stored code: lower-case words joined by underscores.
CODE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
#: Every code the history or the session table may store.
STORED_CODES = [*EndReason, "process_ended", "no_end_state"]


def emergency_called_off() -> list[SessionEvent]:
    """Dizzy, no answer at the check-in (emergency), then "cancel": ended, not by dizziness."""
    tape = EventTape()
    tape.events = dizzy_session(to_emergency=True)
    tape.t_s, tape.state = tape.events[-1].t_s, "emergency"
    return tape.say("cancel", after_s=5).go("done", "cancel").events


def ended_by_walker() -> list[SessionEvent]:
    tape = start_walking(EventTape()).say("end", after_s=20).say("yes", after_s=3)
    return tape.go("cool_down", "yes").go("done", "phase_end", after_s=30).events


def record(store: HistoryStore, events: list[SessionEvent], day: int) -> None:
    start = datetime(2026, 3, day, 9, 30, tzinfo=UTC)
    recorder = HistoryRecorder(store, make_script(), wall_clock=lambda: start)
    for event in events:
        recorder.on_event(event)
    recorder.finish()


@pytest.mark.parametrize("code", STORED_CODES)
def test_every_stored_end_has_words_that_are_no_code(code: str) -> None:
    words = end_words(code)
    assert words != UNKNOWN_END and words == END_WORDS[code]
    assert not CODE.search(words) and (code not in words or "_" not in code)


def test_triggers_that_name_one_end_get_its_words_and_others_are_not_guessed() -> None:
    assert end_words("support_unanswered") == END_WORDS[EndReason.SUPPORT_CHECK_UNANSWERED]
    assert end_words("prompt_unanswered") == END_WORDS[EndReason.NO_ANSWER]
    # "cancel" ends an emergency that was called off, or a session after dizziness.
    assert end_words("cancel") == UNKNOWN_END
    assert end_words("some_new_code") == UNKNOWN_END and end_words(None) == UNKNOWN_END


def test_closing_line_words() -> None:
    assert outcome_words(True, EndReason.COMPLETED) == "completed"
    assert outcome_words(False, EndReason.ENDED_BY_WALKER) == (
        "ended early (the walker chose to end it)")


def test_history_keeps_the_codes_and_shows_the_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "h.sqlite3"
    with HistoryStore(db) as store:
        record(store, emergency_called_off(), day=2)
        record(store, ended_by_walker(), day=3)
        stored = [s.end_reason for s in store.sessions()]
    assert stored == [EndReason.ENDED_BY_WALKER, EndReason.EMERGENCY_CANCELLED]
    assert main(["history", "--db", str(db)]) == 0
    table = capsys.readouterr().out
    assert "ended early (the walker chose to end it)" in table
    assert "ended early (the walker called off the call for help)" in table
    assert "dizzy" not in table and not CODE.search(table.replace("-", " "))


def test_report_says_why_each_session_ended_early(tmp_path: Path) -> None:
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        record(store, emergency_called_off(), day=2)
        record(store, dizzy_session(), day=3)
        page = build_report(store, tmp_path / "report", days=14,
                            now=datetime(2026, 3, 12, 18, 0, tzinfo=UTC)).read_text()
    assert "Ended early (the walker called off the call for help)" in page
    assert "Ended early (the walker felt dizzy)" in page
    assert not any(code in page for code in STORED_CODES if "_" in code)


def test_aborted_session_alert_says_why_in_words() -> None:
    sentence = alert_sentence("session_aborted", "Anna", "support_unanswered")
    assert "no answer when asked to stand at the support" in sentence
    assert not CODE.search(sentence)
