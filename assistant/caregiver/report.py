"""The caregiver's progress report: one HTML page with PNG charts, readable without training.

`collect_report_data` turns the history into the numbers every chart and table shows;
`build_report` draws the charts (`report_charts.py`) and writes `index.html` beside them.
Sessions and events are listed in time order, oldest first, as the charts read. No external
assets: the folder can be copied, mailed or printed.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from assistant.caregiver.history import HistoryStore
from assistant.caregiver.records import SessionRecord
from assistant.caregiver.report_charts import draw_charts
from assistant.core.clock import local_now
from assistant.core.errors import StoreError
from assistant.core.names import SAFETY_EVENT_INTENTS, IntentName
from assistant.session.end_words import end_words

#: Plain words for each session status.
RESULT_WORDS = {
    "completed": "Completed",
    "ended_early": "Ended early",
    "interrupted": "Interrupted",
    "running": "Still running",
}
#: The last line of a session's story, by status ({} is the result in words).
_ENDING_WORDS = {
    "completed": "The session was completed as planned.",
    "ended_early": "The session {}.",
    "interrupted": "The session was {}.",
}


@dataclass(frozen=True)
class WeekRow:
    """One line of the weekly adherence table."""

    monday: date
    sessions: int
    completed: int
    minutes: float


@dataclass(frozen=True)
class ReportData:
    """Everything the report shows, computed once from the history."""

    first_day: date
    last_day: date
    sessions: tuple[SessionRecord, ...]
    """Sessions in the period, oldest first."""
    minutes_by_day: dict[date, float]
    """Backward-walking minutes on every day of the period (0 on days without a session)."""
    safety_by_day: dict[date, int]
    weeks: tuple[WeekRow, ...]

    @property
    def total_minutes(self) -> float:
        return sum(self.minutes_by_day.values())


def collect_report_data(
    sessions: Sequence[SessionRecord], days: int, today: date
) -> ReportData:
    """The report's numbers for the `days` days up to and including `today`."""
    first_day = today - timedelta(days=days - 1)
    chosen = sorted(
        (s for s in sessions if first_day <= s.started_at.date() <= today),
        key=lambda s: s.started_at,
    )
    all_days = [first_day + timedelta(days=n) for n in range(days)]
    minutes = dict.fromkeys(all_days, 0.0)
    safety = dict.fromkeys(all_days, 0)
    for session in chosen:
        minutes[session.started_at.date()] += session.walked_s / 60.0
        safety[session.started_at.date()] += session.safety_events
    return ReportData(first_day, today, tuple(chosen), minutes, safety, _weeks(chosen, all_days))


def _weeks(sessions: Sequence[SessionRecord], all_days: Sequence[date]) -> tuple[WeekRow, ...]:
    mondays = sorted({day - timedelta(days=day.weekday()) for day in all_days})
    rows = []
    for monday in mondays:
        in_week = [s for s in sessions if 0 <= (s.started_at.date() - monday).days < 7]
        rows.append(WeekRow(
            monday,
            len(in_week),
            sum(s.status == "completed" for s in in_week),
            sum(s.walked_s for s in in_week) / 60.0,
        ))
    return tuple(rows)


#: How the report tells each safety event's intent (SAFETY_EVENT_INTENTS, one each).
_SAFETY_WORDS = {
    IntentName.STOP: "said stop", IntentName.DIZZY: "said they felt dizzy",
    IntentName.HELP: "asked for help",
}


def safety_notes(store: HistoryStore, sessions: Sequence[SessionRecord]) -> list[list[str]]:
    """Every safety event of the sessions, in time order (oldest first), as table rows:
    when, what happened, whether the caregiver was alerted, and how the session ended."""
    rows = []
    for session in sessions:
        if not session.safety_events:
            continue
        rows.append([_when(session, 0.0), f'A session of "{session.script_name}" began.'])
        end_s = None
        records = store.events(session.id)
        for at, record in enumerate(records):
            when = _when(session, float(record["t"]))
            what = _safety_text(record, records, at)
            if what:
                rows.append([when, what])
            if record["type"] == "state" and record.get("to") == "done":
                end_s = float(record["t"])
        rows.append(_ending_row(session, end_s))
    return rows


def _when(session: SessionRecord, t_s: float) -> str:
    """The clock time of a moment of the session, and how far into the session it was."""
    at = session.started_at + timedelta(seconds=t_s)
    minutes, seconds = divmod(int(max(t_s, 0.0)), 60)
    return f"{at:%a %d %b %Y %H:%M} ({minutes}:{seconds:02d} into the session)"


def _ending_row(session: SessionRecord, end_s: float | None) -> list[str]:
    """The last row of a session's story: when (on the session's clock) and how it ended."""
    if end_s is None and session.ended_at is not None:
        end_s = (session.ended_at - session.started_at).total_seconds()
    if end_s is None:
        return [f"{session.started_at:%a %d %b %Y %H:%M}", "The session has no recorded end."]
    return [_when(session, end_s), _ENDING_WORDS.get(session.status, "The session ended: {}.")
            .format(_result(session).lower())]


def _safety_text(record: dict[str, Any], records: Sequence[dict[str, Any]], at: int) -> str:
    if record["type"] == "intent" and record.get("intent") in SAFETY_EVENT_INTENTS:
        said = _SAFETY_WORDS[IntentName(str(record["intent"]))]
        return f'The walker {said} ("{record.get("text", "")}").'
    if record["type"] == "error":
        return f"The assistant could not hear any more: {record.get('message', '')}"
    if record["type"] == "state" and record.get("to") == "emergency":
        return _emergency_alert_text(records[at + 1:])
    if record["type"] == "alert" and record.get("ok") is False:
        return f"An alert could not be delivered ({record.get('channel')}: {record.get('detail')})."
    return ""


def _emergency_alert_text(later: Sequence[dict[str, Any]]) -> str:
    """Whether the emergency's alert was delivered, from the alert events that followed it."""
    alerts = [r for r in later if r["type"] == "alert" and r.get("kind") != "all_clear"]
    if any(r.get("ok") is True and not r.get("simulated") for r in alerts):
        return "The caregiver was alerted."
    if any(r.get("simulated") for r in alerts):
        return "An alert was simulated (a simulated session: nothing was sent)."
    return "The caregiver could not be alerted: no alert was delivered."


_CSS = """
body { font-family: Verdana, Arial, sans-serif; font-size: 22px; line-height: 1.5;
       color: #111; background: #fff; max-width: 1050px; margin: 1em auto; padding: 0 1em; }
h1 { font-size: 34px; } h2 { font-size: 28px; margin-top: 1.6em; }
table { border-collapse: collapse; margin: 0.5em 0 1em; }
th, td { border: 1px solid #888; padding: 0.3em 0.7em; text-align: left; }
th { background: #eee; } td.number { text-align: right; }
img { max-width: 100%; border: 1px solid #ccc; }
.note { color: #333; }
"""


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: set[int]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(
            f'<td class="number">{html.escape(c)}</td>' if i in numeric
            else f"<td>{html.escape(c)}</td>" for i, c in enumerate(row)
        ) + "</tr>\n"
        for row in rows
    )
    return f"<table>\n<tr>{head}</tr>\n{body}</table>"


def _summary(data: ReportData) -> str:
    count = len(data.sessions)
    completed = sum(s.status == "completed" for s in data.sessions)
    safety = sum(s.safety_events for s in data.sessions)
    return (
        f"<p>From {data.first_day:%A %d %B %Y} to {data.last_day:%A %d %B %Y}: "
        f"<strong>{count}</strong> session{'s' if count != 1 else ''}, "
        f"<strong>{completed}</strong> completed, "
        f"<strong>{data.total_minutes:.1f}</strong> minutes of backward walking, "
        f"<strong>{safety}</strong> safety event{'s' if safety != 1 else ''}.</p>"
    )


def render_html(
    data: ReportData,
    charts: dict[str, Path],
    generated_at: datetime,
    safety_rows: Sequence[Sequence[str]] = (),
) -> str:
    """The report page; `charts` are referenced by file name, beside the page."""
    walker = data.sessions[-1].walker if data.sessions else ""
    title = f"Backward walking report{' for ' + walker if walker else ''}"
    parts = [f"<h1>{html.escape(title)}</h1>"]
    if not data.sessions:
        parts.append(
            f"<p>No sessions were recorded between {data.first_day:%d %B %Y} and "
            f"{data.last_day:%d %B %Y}. When the walker has done a session, run this report "
            "again.</p>"
        )
    else:
        parts += [_summary(data), "<h2>Week by week</h2>", _table(
            ["Week starting", "Sessions", "Completed", "Minutes walked"],
            [[f"{w.monday:%d %B %Y}", str(w.sessions), str(w.completed), f"{w.minutes:.1f}"]
             for w in data.weeks], {1, 2, 3},
        )]
        headings = {
            "minutes_per_day": "Minutes per day",
            "completion": "Each session",
            "safety": "Safety events",
        }
        captions = {
            "minutes_per_day": "Minutes of backward walking each day (pauses not counted). A "
            "ring: a day with a session but no backward walking.",
            "completion": "Each session, under the date it was done: the bar is what was "
            "walked, the black line what was planned, a cross a session with no backward "
            "walking. Green: completed. Orange: ended early (why: in the tables below). "
            "Grey: interrupted.",
            "safety": "Times the walker said stop, dizzy or help, or the assistant lost hearing.",
        }
        for name, path in charts.items():
            caption = html.escape(captions[name])
            parts.append(f"<h2>{headings[name]}</h2>"
                         f'<img src="{html.escape(path.name)}" alt="{caption}">'
                         f'<p class="note">{caption}</p>')
        parts += ["<h2>All sessions, in time order</h2>", _table(
            ["Date", "Script", "Minutes walked", "Result", "Safety events"],
            [[f"{s.started_at:%a %d %b %Y %H:%M}", s.script_name, f"{s.walked_s / 60.0:.1f}",
              _result(s), str(s.safety_events)]
             for s in data.sessions], {2, 4},
        )]
        if safety_rows:
            parts += ["<h2>What happened at each safety event, in time order</h2>",
                      _table(["When", "What happened"], safety_rows, set())]
    parts.append(f'<p class="note">Made by RetroWalk on {generated_at:%d %B %Y at %H:%M}. '
                 "Not medical advice: talk to the doctor or physiotherapist about changes.</p>")
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(parts) + "\n</body>\n</html>\n"
    )


def _result(session: SessionRecord) -> str:
    """The session's result in words, with why it ended early."""
    words = RESULT_WORDS.get(session.status, session.status)
    if session.status in ("ended_early", "interrupted") and session.end_reason:
        words += f" ({end_words(session.end_reason)})"
    return words


def build_report(
    store: HistoryStore, out_dir: Path, days: int = 28, now: datetime | None = None
) -> Path:
    """Write `index.html` and its charts into `out_dir`; returns the page's path."""
    now = now or local_now()
    data = collect_report_data(store.sessions(), days, now.date())
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        charts = draw_charts(data, out_dir) if data.sessions else {}
        page = out_dir / "index.html"
        notes = safety_notes(store, data.sessions)
        page.write_text(render_html(data, charts, now, notes), encoding="utf-8")
    except OSError as err:
        raise StoreError(
            f"report folder {out_dir}: could not write ({err.strerror}). "
            "Choose a folder you can write to with --out."
        ) from err
    return page
