"""The caregiver's report from a real SQLite history: the numbers, the page, the charts."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pytest
from matplotlib.image import imread

from assistant.caregiver.history import HistoryStore
from assistant.caregiver.recorder import HistoryRecorder
from assistant.caregiver.records import SessionRecord
from assistant.caregiver.report import build_report, collect_report_data
from assistant.cli import main
from assistant.core.events import SessionEvent
from tests.helpers.caregiver import completed_session, dizzy_session, make_script, paused_session

NOW = datetime(2026, 3, 12, 18, 0, tzinfo=UTC)


def record_on(store: HistoryStore, day: date, events: list[SessionEvent], **script: object) -> None:
    start = datetime(day.year, day.month, day.day, 9, 30, tzinfo=UTC)
    recorder = HistoryRecorder(
        store, make_script(**script), wall_clock=lambda: start  # type: ignore[arg-type]
    )
    for event in events:
        recorder.on_event(event)
    recorder.finish()


@pytest.fixture
def history(tmp_path: Path) -> Path:
    db = tmp_path / "history.sqlite3"
    with HistoryStore(db) as store:
        record_on(store, date(2026, 1, 5), completed_session(1, 30.0))  # outside 14 days
        record_on(store, date(2026, 3, 2), completed_session(3, 30.0), intervals=3, walk_s=30.0)
        record_on(store, date(2026, 3, 4), dizzy_session(walk_before_s=12.0))
        record_on(store, date(2026, 3, 10), completed_session(2, 45.0), intervals=2, walk_s=45.0)
        record_on(store, date(2026, 3, 10), paused_session(40.0, 25.0), intervals=1, walk_s=40.0)
    return db


def sessions_of(db: Path) -> list[SessionRecord]:
    with HistoryStore(db) as store:
        return store.sessions()


def test_report_numbers_come_from_the_history(history: Path) -> None:
    sessions = sessions_of(history)
    data = collect_report_data(sessions, days=14, today=NOW.date())
    in_period = [s for s in sessions if s.started_at.date() >= date(2026, 2, 27)]
    assert len(data.sessions) == len(in_period) == 4
    for day in {s.started_at.date() for s in in_period}:
        walked_s = sum(s.walked_s for s in in_period if s.started_at.date() == day)
        assert data.minutes_by_day[day] == pytest.approx(walked_s / 60)
    assert len(data.minutes_by_day) == 14 and data.minutes_by_day[date(2026, 3, 3)] == 0
    assert data.safety_by_day[date(2026, 3, 4)] == 1
    by_week = {w.monday: (w.sessions, w.completed) for w in data.weeks}
    assert by_week == {date(2026, 2, 23): (0, 0), date(2026, 3, 2): (2, 1),
                       date(2026, 3, 9): (2, 2)}
    assert sum(w.minutes for w in data.weeks) == pytest.approx(data.total_minutes)


def test_report_page_and_charts_show_the_sessions(history: Path, tmp_path: Path) -> None:
    with HistoryStore(history) as store:
        page = build_report(store, tmp_path / "report", days=14, now=NOW)
    text = page.read_text()
    assert "http://" not in text and "https://" not in text, "no external assets"
    images = re.findall(r'<img src="([^"]+)"', text)
    assert sorted(images) == ["completion.png", "minutes_per_day.png", "safety.png"]
    for name in images:
        pixels = imread(page.parent / name)
        assert pixels.shape[0] > 100 and pixels.shape[1] > 100
    # The 10 March week: 2 sessions, both completed, 90 s + 40 s walked.
    assert re.search(r"09 March 2026</td><td[^>]*>2</td><td[^>]*>2</td><td[^>]*>2\.2</td>", text)
    assert text.count("Ended early") == 1 and "Completed" in text
    assert re.search(r"Wed 04 Mar 2026 09:30</td><td>gentle</td><td[^>]*>0\.2</td>", text)
    # 64 s to the first walk, then 12 s walked before "I feel dizzy".
    dizzy_row = ("Wed 04 Mar 2026 09:31 (1:16 into the session)</td><td>The walker said they "
                 "felt dizzy (&quot;I feel")
    assert dizzy_row in text
    blue_bars = np.all(np.abs(imread(page.parent / "minutes_per_day.png")[..., :3]
                              - np.array([0x15, 0x65, 0xC0]) / 255) < 0.02, axis=-1)
    assert blue_bars.sum() > 200, "the minutes chart has bars"
    red_bars = np.all(np.abs(imread(page.parent / "safety.png")[..., :3]
                             - np.array([0xC6, 0x28, 0x28]) / 255) < 0.02, axis=-1)
    assert red_bars.sum() > 50, "the safety chart shows the dizzy day"


def test_an_empty_history_gives_a_page_that_says_so(tmp_path: Path) -> None:
    with HistoryStore(tmp_path / "empty.sqlite3") as store:
        page = build_report(store, tmp_path / "out", days=7, now=NOW)
    assert "No sessions were recorded" in page.read_text()
    assert list(page.parent.glob("*.png")) == []


def test_report_command_writes_the_page(history: Path, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cli-report"
    days = (datetime.now().astimezone().date() - date(2026, 3, 2)).days + 1
    code = main(["report", "--out", str(out), "--db", str(history), "--days", str(days)])
    assert code == 0
    assert str(out / "index.html") in capsys.readouterr().out
    assert "Each session" in (out / "index.html").read_text()
    assert (out / "completion.png").stat().st_size > 0


def test_the_report_says_the_caregiver_was_alerted_only_when_an_alert_was_delivered(
    tmp_path: Path,
) -> None:
    from assistant.caregiver.report import safety_notes
    from assistant.core.events import alert_event

    emergency = dizzy_session(to_emergency=True)
    t_s = emergency[-1].t_s
    failed = [alert_event(t_s, "webhook:http://127.0.0.1", False, "attempt 1 of 1: refused",
                          {"kind": "dizzy_no_answer"})]
    delivered = [alert_event(t_s, "file:a.jsonl", True, "attempt 1 of 1: appended",
                             {"kind": "dizzy_no_answer"})]
    simulated = [alert_event(t_s, "file:a.jsonl", True, "simulated: not sent",
                             {"kind": "dizzy_no_answer", "simulated": True})]
    notes = []
    for number, alerts in enumerate((failed, delivered, simulated)):
        with HistoryStore(tmp_path / f"h{number}.sqlite3") as store:
            record_on(store, date(2026, 3, 4), emergency + alerts)
            notes.append([what for _, what in safety_notes(store, store.sessions())])
    assert "The caregiver was alerted." not in notes[0]
    assert "The caregiver could not be alerted: no alert was delivered." in notes[0]
    assert "The caregiver was alerted." in notes[1]
    assert "The caregiver was alerted." not in notes[2]
    assert any("simulated" in what for what in notes[2])
