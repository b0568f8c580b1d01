"""The planned course of a session, phase by phase, for `retrowalk check` and caregivers.

Times are planned times: the support check waits for "ready" and pauses add time, so the
support check is shown as a moment (it takes as long as it takes) and pauses are not shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.core.names import StateName
from assistant.script.model import ExerciseScript, Phase

#: How the timeline names the phases that have no interval number.
_LABELS = {
    StateName.WARM_UP.value: "warm-up (forward)",
    StateName.SUPPORT_CHECK.value: "support check",
    StateName.COOL_DOWN.value: "cool-down (forward)",
}


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
    rows: list[TimelineRow] = []
    now = 0.0
    for phase in script.plan():
        rows.append(TimelineRow(_label(phase), now, now + phase.duration_s))
        now += phase.duration_s
    return rows


def _label(phase: Phase) -> str:
    if phase.state == StateName.WALKING:
        return f"walk {phase.interval} (backward)"
    if phase.state == StateName.RESTING:
        return f"rest {phase.interval}"
    return _LABELS[phase.state]


def clock_text(seconds: float) -> str:
    """Seconds as m:ss ("3:05"); minutes go past 59 rather than adding hours."""
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def format_timeline(script: ExerciseScript) -> str:
    """The timeline as text: a header, one line per phase, and the totals."""
    walking = script.walking
    voice = f"voice {script.voice.voice}" if script.voice.voice else "the default voice"
    lines = [f'"{script.name}"{script.for_walker} (language {script.language}, '
             f"{voice} at {script.voice.rate_wpm} words per minute)"]
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
