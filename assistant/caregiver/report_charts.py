"""The report's charts: minutes per day, each session, safety events per day (matplotlib,
Agg, no screen needed), each with dates on its axis and a bar or a mark for every session.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.caregiver.records import SessionRecord

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from assistant.caregiver.report import ReportData

_STATUS_COLOURS = {"completed": "#2e7d32", "ended_early": "#ef6c00", "interrupted": "#757575"}
#: The charts, by file name, in the order the page shows them.
CHART_NAMES = ("minutes_per_day", "completion", "safety")
#: Beyond this many sessions, only every n-th session's date is written under its bar.
_MAX_SESSION_LABELS = 16


def chart_figure(name: str, data: ReportData) -> Figure:
    """One chart (a name of CHART_NAMES) as a matplotlib figure, ready to be saved."""
    # Imported here: matplotlib is slow to import and only the report needs it.
    from matplotlib.figure import Figure

    draw = {"minutes_per_day": _draw_minutes, "completion": _draw_completion,
            "safety": _draw_safety}[name]
    figure = Figure(figsize=(10, 4.5), dpi=100)
    draw(figure.add_subplot(), data)
    figure.tight_layout()
    return figure


def draw_charts(data: ReportData, out_dir: Path) -> dict[str, Path]:
    """Draw the three charts as PNG files in `out_dir`; returns them by name."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    charts: dict[str, Path] = {}
    for name in CHART_NAMES:
        charts[name] = out_dir / f"{name}.png"
        FigureCanvasAgg(chart_figure(name, data)).print_png(str(charts[name]))
    return charts


def _day_bars(axes: Axes, values: dict[date, float] | dict[date, int], colour: str) -> None:
    """One bar a day on a date axis, every day of the period shown."""
    from matplotlib.dates import DateFormatter, date2num

    days = list(values)
    axes.bar(date2num(days), list(values.values()), color=colour)
    axes.set_xlim(date2num(days[0]) - 0.6, date2num(days[-1]) + 0.6)
    axes.xaxis.set_major_formatter(DateFormatter("%d %b"))
    axes.set_xlabel("day", fontsize=14)
    _slant(axes)


def _slant(axes: Axes) -> None:
    for label in axes.get_xticklabels():
        label.set_rotation(30)
        label.set_horizontalalignment("right")


def _draw_minutes(axes: Axes, data: ReportData) -> None:
    from matplotlib.dates import date2num

    colour = "#1565c0"
    _day_bars(axes, data.minutes_by_day, colour)
    # A day with sessions but no backward walking has no bar: a ring at 0 shows it was there.
    idle_days = sorted({s.started_at.date() for s in data.sessions}
                       - {day for day, minutes in data.minutes_by_day.items() if minutes > 0})
    if idle_days:
        axes.plot(date2num(idle_days), [0] * len(idle_days), "o", markersize=13,
                  markerfacecolor="white", markeredgecolor=colour, markeredgewidth=3,
                  clip_on=False, zorder=3, label="a session, no backward walking")
    _style(axes, "Backward walking per day", "minutes", legend=bool(idle_days))


def session_labels(sessions: Sequence[SessionRecord]) -> list[str]:
    """The date under each session's bar; with the time where a day has several sessions."""
    per_day: dict[date, int] = {}
    for session in sessions:
        per_day[session.started_at.date()] = per_day.get(session.started_at.date(), 0) + 1
    return [f"{s.started_at:%d %b %H:%M}" if per_day[s.started_at.date()] > 1
            else f"{s.started_at:%d %b}" for s in sessions]


def _draw_completion(axes: Axes, data: ReportData) -> None:
    sessions = data.sessions
    positions = list(range(len(sessions)))
    walked = [s.walked_s / 60.0 for s in sessions]
    colours = [_STATUS_COLOURS.get(s.status, "#757575") for s in sessions]
    axes.bar(positions, walked, color=colours)
    # A session with 0 minutes walked still gets its mark, in its result's colour.
    nothing = [i for i, minutes in enumerate(walked) if minutes <= 0]
    if nothing:
        axes.scatter(nothing, [0] * len(nothing), marker="X", s=220, zorder=3, clip_on=False,
                     c=[colours[i] for i in nothing], label="no backward walking")
    planned = [((s.planned_walk_s or 0) * (s.planned_intervals or 0)) / 60.0 for s in sessions]
    axes.plot(positions, planned, "k_", markersize=30, markeredgewidth=3, label="planned")
    step = -(-len(sessions) // _MAX_SESSION_LABELS)  # ceiling division
    axes.set_xticks(positions[::step], session_labels(sessions)[::step])
    axes.set_xlim(-0.6, len(sessions) - 0.4)
    _slant(axes)
    _style(axes, "Each session: minutes walked (green = completed)", "minutes", legend=True)
    axes.set_xlabel("session (date it was done)", fontsize=14)


def _draw_safety(axes: Axes, data: ReportData) -> None:
    from matplotlib.ticker import MaxNLocator

    _day_bars(axes, data.safety_by_day, "#c62828")
    _style(axes, "Safety events per day (stop, dizzy, help, lost hearing)", "events")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))


def _style(axes: Axes, title: str, unit: str, legend: bool = False) -> None:
    axes.set_title(title, fontsize=18)
    axes.set_ylabel(unit, fontsize=15)
    axes.tick_params(labelsize=13)
    axes.grid(axis="y", alpha=0.3)
    # Counts and minutes are never negative; an all-zero chart must not show -0.04.
    top = max(axes.get_ylim()[1], 1)
    if legend:  # room above the tallest bar, so that the legend covers no bar
        axes.legend(fontsize=13, loc="upper left", ncols=2)
        top *= 1.3
    axes.set_ylim(bottom=0, top=top)
