"""The planned course of a session, phase by phase, for `retrowalk check` and caregivers.

Times are planned times: the support check waits for "ready" and pauses add time, so the
support check is shown as a moment (it takes as long as it takes) and pauses are not shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.script.model import ExerciseScript


@dataclass(frozen=True)
class TimelineRow:
    """One phase of the plan: its name and when it starts and ends, in seconds from the start."""

    phase: str
    start_s: float
    end_s: float

    @property
    def duration_s(self) -> float:
        """Seconds the phase lasts (0 for the support check, which waits for "ready")."""
        return self.end_s - self.start_s


def build_timeline(script: ExerciseScript) -> list[TimelineRow]:
    """Warm-up, support check (zero length), each walk and rest, cool-down, in order."""
    rows = [TimelineRow("warm-up (forward)", 0.0, script.warm_up.duration_s)]
    now = script.warm_up.duration_s
    rows.append(TimelineRow("support check", now, now))
    walking = script.walking
    for number in range(1, walking.intervals + 1):
        rows.append(TimelineRow(f"walk {number} (backward)", now, now + walking.walk_s))
        now += walking.walk_s
        if number < walking.intervals:
            rows.append(TimelineRow(f"rest {number}", now, now + walking.rest_s))
            now += walking.rest_s
    rows.append(TimelineRow("cool-down (forward)", now, now + script.cool_down.duration_s))
    return rows


def clock_text(seconds: float) -> str:
    """Seconds as m:ss ("3:05"); minutes go past 59 rather than adding hours."""
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def format_timeline(script: ExerciseScript) -> str:
    """The timeline as text: a header, one line per phase, and the totals."""
    walking = script.walking
    lines = [f'"{script.name}" for {script.walker} (language {script.language}, '
             f"voice {script.voice.rate_wpm} words per minute)"]
    for row in build_timeline(script):
        if row.duration_s == 0:
            lines.append(f"  {clock_text(row.start_s):>6}   {'':>6}  {row.phase}: waits for "
                         '"ready"')
        else:
            lines.append(f"  {clock_text(row.start_s):>6} - {clock_text(row.end_s):>6}  "
                         f"{row.phase:<22} {clock_text(row.duration_s):>6}")
    lines.append(f"Backward walking: {clock_text(script.total_walk_s)} "
                 f"({_minutes(script.total_walk_s)}) in {walking.intervals} "
                 f"interval{'s' * (walking.intervals != 1)} of {clock_text(walking.walk_s)}, "
                 f"rests of {clock_text(walking.rest_s)}")
    lines.append(f"Planned total: {clock_text(script.total_s)} ({_minutes(script.total_s)}), "
                 "not counting the support check or pauses")
    return "\n".join(lines)


def _minutes(seconds: float) -> str:
    minutes = seconds / 60
    shown = f"{minutes:.0f}" if minutes == round(minutes) else f"{minutes:.1f}"
    return f"{shown} minute{'s' * (shown != '1')}"
