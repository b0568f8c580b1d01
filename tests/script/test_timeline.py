"""The planned timeline: phases in order, with start and end times, and the totals."""

from __future__ import annotations

import pytest

from assistant.script.loading import load_script, parse_script, resolve_script
from assistant.script.timeline import build_timeline, clock_text, format_timeline

SCRIPT = """\
name: Short test
walker: Ann
warm_up: {duration_s: 60}
support_check: {question: Say ready when you are ready.}
walking: {intervals: 2, walk_s: 30, rest_s: 45}
cool_down: {duration_s: 90}
"""


def short_script():
    script = parse_script(SCRIPT, "t.yaml").script
    assert script is not None
    return script


def test_rows_follow_the_session_order_with_times() -> None:
    rows = [(row.phase, row.start_s, row.end_s) for row in build_timeline(short_script())]
    assert rows == [
        ("warm-up (forward)", 0, 60),
        ("support check", 60, 60),
        ("walk 1 (backward)", 60, 90),
        ("rest 1", 90, 135),
        ("walk 2 (backward)", 135, 165),
        ("cool-down (forward)", 165, 255),
    ]


@pytest.mark.parametrize("name", ["default", "building", "knee_friendly"])
def test_rows_are_contiguous_and_add_up_to_the_plan(name: str) -> None:
    script = load_script(resolve_script(name))
    rows = build_timeline(script)
    assert all(a.end_s == b.start_s for a, b in zip(rows, rows[1:], strict=False))
    assert rows[-1].end_s == script.total_s
    walks = [row for row in rows if row.phase.startswith("walk ")]
    assert len(walks) == script.walking.intervals
    assert sum(row.duration_s for row in walks) == script.total_walk_s


def test_format_shows_phases_intervals_and_totals() -> None:
    text = format_timeline(short_script())
    lines = text.splitlines()
    assert lines[0].startswith('"Short test" for Ann')
    assert "the default voice at 140 words per minute" in lines[0]
    assert any(line.split() == ["1:00", "-", "1:30", "walk", "1", "(backward)", "0:30"]
               for line in lines)
    assert any(line.split()[:4] == ["1:30", "-", "2:15", "rest"] for line in lines)
    assert 'support check: waits for "ready"' in text
    assert "Backward walking: 1:00 (1 minute) in 2 intervals of 0:30, rests of 0:45" in text
    assert "Planned total: 4:15 (4.2 minutes)" in text


def test_clock_text_is_minutes_and_seconds() -> None:
    assert [clock_text(s) for s in (0, 5, 59.6, 185, 3600 + 61)] == [
        "0:00", "0:05", "1:00", "3:05", "61:01"
    ]


def test_format_names_the_voice_a_script_chooses() -> None:
    chosen = parse_script(SCRIPT + "voice: {voice: mb-us1, rate_wpm: 120}\n", "s.yaml").script
    assert chosen is not None
    assert "voice mb-us1 at 120 words per minute" in format_timeline(chosen).splitlines()[0]
