"""The caregiver's progress report: one HTML page with PNG charts, readable without training.

`collect_report_data` turns the history into the numbers every chart and table shows;
`build_report` draws the charts (matplotlib, Agg, no screen needed) and writes
`index.html` beside them. No external assets: the folder can be copied, mailed or printed.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.caregiver.history import HistoryStore
from assistant.caregiver.records import SessionRecord
from assistant.core.clock import local_now
from assistant.core.errors import StoreError
from assistant.core.names import SAFETY_EVENT_INTENTS, IntentName
from assistant.session.end_words import end_words

if TYPE_CHECKING:
    from matplotlib.axes import Axes

#: Plain words for each session status.
RESULT_WORDS = {
    "completed": "Completed",
    "ended_early": "Ended early",
    "interrupted": "Interrupted",
    "running": "Still running",
}
_STATUS_COLOURS = {"completed": "#2e7d32", "ended_early": "#ef6c00", "interrupted": "#757575"}


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
    """Every safety event of the sessions, newest session first, as table rows:
    when, what happened, and whether the caregiver was alerted."""
    rows = []
    for session in reversed(sessions):
        if not session.safety_events:
            continue
        records = store.events(session.id)
        for at, record in enumerate(records):
            when = session.started_at + timedelta(seconds=float(record["t"]))
            what = _safety_text(record, records, at)
            if what:
                rows.append([f"{when:%a %d %b %Y %H:%M}", what])
    return rows


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


def draw_charts(data: ReportData, out_dir: Path) -> dict[str, Path]:
    """Draw the three charts as PNG files in `out_dir`; returns them by name."""
    # Imported here: matplotlib is slow to import and only the report needs it.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    charts: dict[str, Path] = {}
    for name, draw in (("minutes_per_day", _draw_minutes), ("completion", _draw_completion),
                       ("safety", _draw_safety)):
        figure = Figure(figsize=(10, 4.5), dpi=100)
        draw(figure.add_subplot(), data)
        figure.tight_layout()
        charts[name] = out_dir / f"{name}.png"
        FigureCanvasAgg(figure).print_png(str(charts[name]))
    return charts


def _day_bars(axes: Axes, values: dict[date, float] | dict[date, int], colour: str) -> None:
    from matplotlib.dates import DateFormatter, date2num

    axes.bar(date2num(list(values)), list(values.values()), color=colour)
    axes.xaxis.set_major_formatter(DateFormatter("%d %b"))
    for label in axes.get_xticklabels():
        label.set_rotation(30)
        label.set_horizontalalignment("right")


def _draw_minutes(axes: Axes, data: ReportData) -> None:
    _day_bars(axes, data.minutes_by_day, "#1565c0")
    _style(axes, "Backward walking per day", "minutes")


def _draw_completion(axes: Axes, data: ReportData) -> None:
    from matplotlib.ticker import MaxNLocator

    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    positions = range(1, len(data.sessions) + 1)
    walked = [s.walked_s / 60.0 for s in data.sessions]
    colours = [_STATUS_COLOURS.get(s.status, "#757575") for s in data.sessions]
    axes.bar(positions, walked, color=colours)
    planned = [((s.planned_walk_s or 0) * (s.planned_intervals or 0)) / 60.0 for s in data.sessions]
    axes.plot(positions, planned, "k_", markersize=30, markeredgewidth=3, label="planned")
    _style(axes, "Each session: minutes walked (green = completed)", "minutes")
    axes.set_xlabel("session number in this period", fontsize=14)
    axes.legend(fontsize=13)


def _draw_safety(axes: Axes, data: ReportData) -> None:
    from matplotlib.ticker import MaxNLocator

    _day_bars(axes, data.safety_by_day, "#c62828")
    _style(axes, "Safety events per day (stop, dizzy, help, lost hearing)", "events")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))


def _style(axes: Axes, title: str, unit: str) -> None:
    axes.set_title(title, fontsize=18)
    axes.set_ylabel(unit, fontsize=15)
    axes.tick_params(labelsize=13)
    axes.grid(axis="y", alpha=0.3)
    # Counts and minutes are never negative; an all-zero chart must not show -0.04.
    axes.set_ylim(bottom=0, top=max(axes.get_ylim()[1], 1))


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
            "minutes_per_day": "Minutes of backward walking each day (pauses not counted).",
            "completion": "Each session: the bar is what was walked, the black line what was "
            "planned. Green: completed. Orange: ended early. Grey: interrupted.",
            "safety": "Times the walker said stop, dizzy or help, or the assistant lost hearing.",
        }
        for name, path in charts.items():
            caption = html.escape(captions[name])
            parts.append(f"<h2>{headings[name]}</h2>"
                         f'<img src="{html.escape(path.name)}" alt="{caption}">'
                         f'<p class="note">{caption}</p>')
        parts += ["<h2>All sessions</h2>", _table(
            ["Date", "Script", "Minutes walked", "Result", "Safety events"],
            [[f"{s.started_at:%a %d %b %Y %H:%M}", s.script_name, f"{s.walked_s / 60.0:.1f}",
              _result(s), str(s.safety_events)]
             for s in reversed(data.sessions)], {2, 4},
        )]
        if safety_rows:
            parts += ["<h2>What happened at each safety event</h2>",
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
    if session.status == "ended_early":
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
