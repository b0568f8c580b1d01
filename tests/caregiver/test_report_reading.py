"""The report as a physiotherapist reads it: dates on the axes, a bar or a mark for every
session (0 minutes walked too), why each early end happened, and events in time order
(issue 11, part 4). Sessions come from the real session machine on a simulated clock."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from assistant.caregiver.history import HistoryStore
from assistant.caregiver.report import build_report, collect_report_data
from assistant.caregiver.report_charts import chart_figure, session_labels
from assistant.core.events import SessionEvent
from tests.caregiver.test_report import NOW, record_on
from tests.helpers.caregiver import completed_session, make_script, run_real_session


def real_session(said: dict[float, str]) -> list[SessionEvent]:
    events: list[SessionEvent] = []
    run_real_session(make_script(intervals=2), said, events.append)
    return events


@pytest.fixture
def store(tmp_path: Path) -> HistoryStore:
    with HistoryStore(tmp_path / "history.sqlite3") as history:
        record_on(history, date(2026, 3, 2), completed_session(2, 30.0), intervals=2)
        # Stopped in the warm-up, then "end": 0 minutes of backward walking.
        record_on(history, date(2026, 3, 5), real_session({20.0: "stop", 25.0: "end"}),
                  intervals=2)
        # Nobody said "ready": 0 minutes, ended early for want of an answer.
        record_on(history, date(2026, 3, 9), real_session({}), intervals=2)
        record_on(history, date(2026, 3, 9), real_session({61.0: "ready", 70.0: "dizzy"}),
                  intervals=2)
        yield history


def _tick_texts(name: str, store: HistoryStore) -> tuple[list[str], object]:
    data = collect_report_data(store.sessions(), days=14, today=NOW.date())
    figure = chart_figure(name, data)
    FigureCanvasAgg(figure).draw()  # the tick labels are set when the figure is drawn
    axes = figure.axes[0]
    return [label.get_text() for label in axes.get_xticklabels()], axes


def test_every_session_has_a_bar_or_a_mark_under_its_date(store: HistoryStore) -> None:
    labels, axes = _tick_texts("completion", store)
    assert labels == ["02 Mar", "05 Mar", "09 Mar 09:30", "09 Mar 09:30"]
    sessions = collect_report_data(store.sessions(), days=14, today=NOW.date()).sessions
    idle = [at for at, session in enumerate(sessions) if session.walked_s == 0]
    assert len(idle) == 2 and idle[0] == 1  # 5 March, and one of the two on 9 March
    bars = [patch for patch in axes.patches if patch.get_height() > 0]
    marks = axes.collections[0].get_offsets()
    assert len(bars) == 2 and len(marks) == 2  # the two 0-minute sessions have their mark
    assert sorted(int(x) for x, _y in marks) == idle and all(y == 0 for _x, y in marks)


def test_the_day_charts_have_dates_on_their_axis(store: HistoryStore) -> None:
    for name in ("minutes_per_day", "safety"):
        labels, axes = _tick_texts(name, store)
        days = [datetime.strptime(f"{label} 2026", "%d %b %Y").date() for label in labels if label]
        assert days and all(date(2026, 2, 20) <= day <= date(2026, 3, 15) for day in days)
        assert axes.get_xlabel() == "day"
    # 5 March had a session and no backward walking: a ring at 0 shows it.
    _, axes = _tick_texts("minutes_per_day", store)
    rings = axes.lines[0].get_xydata()
    assert len(rings) == 1 and rings[0][1] == 0


def test_the_page_says_why_each_session_ended_early_and_tells_events_in_order(
        store: HistoryStore, tmp_path: Path) -> None:
    text = build_report(store, tmp_path / "report", days=14, now=NOW).read_text()
    assert "Ended early (the walker chose to end it)" in text
    assert "Ended early (no answer when asked to stand at the support)" in text
    assert "ended_by_walker" not in text and "support_check_unanswered" not in text
    story = text[text.index("What happened at each safety event"):]
    rows = re.findall(r"<tr><td>(\w{3} \d\d \w{3} 2026 \d\d:\d\d) \((\d+):(\d\d) into the "
                      r"session\)</td><td>([^<]*)</td></tr>", story)
    whens = [datetime.strptime(row[0], "%a %d %b %Y %H:%M") for row in rows]
    assert whens == sorted(whens) and len(rows) >= 4
    what = [row[3] for row in rows]
    assert what[:3] == ['A session of &quot;gentle&quot; began.', 'The walker said stop '
                        '(&quot;stop&quot;).', "The session ended early (the walker chose to "
                        "end it)."]
    assert [row[1:3] for row in rows[:3]] == [("0", "00"), ("0", "20"), ("1", "25")]
    assert what[3] == what[0] and what[4].startswith("The walker said they felt dizzy")
    assert what[-1].startswith("The session ended early (")


def test_session_labels_add_the_time_only_where_a_day_has_several(store: HistoryStore) -> None:
    labels = session_labels(store.sessions())
    assert labels.count("02 Mar") == 1 and labels.count("09 Mar 09:30") == 2


def test_a_script_without_a_name_gives_a_title_without_one(tmp_path: Path) -> None:
    with HistoryStore(tmp_path / "h.sqlite3") as history:
        record_on(history, date(2026, 3, 9), completed_session(2, 30.0), walker="")
        text = build_report(history, tmp_path / "out", days=7, now=NOW).read_text()
    assert "<h1>Backward walking report</h1>" in text and " for " not in text.split("</h1>")[0]
