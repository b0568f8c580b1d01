"""Where a session is in its plan, how much time is left, and what it has walked.

`Progress` is the plan's cursor and the clock of its timed phases: which phase is current,
when it began, how much of it had passed when it was left for a pause or stop (its time is
frozen there and kept for the way back), and the seconds walked per interval. From these it
builds the `SessionStatus` for the console's status line. `SessionSummary` is how a session
went, for the history and the progression advisor. Pure: times are passed in.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.core.names import EndReason
from assistant.script.model import ExerciseScript, Phase
from assistant.session.table import (
    COOL_DOWN,
    DONE,
    HALTED,
    SUPPORT_CHECK,
    TIMED,
    WALKING,
    phase_label,
)


@dataclass(frozen=True)
class SessionStatus:
    """A snapshot for the console's status line."""

    state: str
    phase_label: str
    """"warm-up", "walk 2 of 3", "rest 1 of 2", "support check", "cool-down", ..."""
    interval: int
    """The current walking interval (1-based), 0 outside the intervals."""
    intervals: int
    phase_remaining_s: float | None
    """Seconds left in the current (or frozen) timed phase; None where there is no clock."""
    session_remaining_s: float | None
    paused: bool
    """True while the phase's time is frozen (paused, stopped, dizzy, help, emergency)."""


@dataclass(frozen=True)
class SessionSummary:
    """How the session went, for the history and the progression advisor."""

    completed: bool
    end_reason: EndReason
    walked_s: list[float]
    """Backward-walking seconds actually walked, per interval."""
    safety_events: int
    intents: int

    @property
    def total_walked_s(self) -> float:
        """Backward-walking seconds in all intervals together."""
        return sum(self.walked_s)


class Progress:
    """The plan's cursor, the timing of its phases, and the seconds walked per interval."""

    def __init__(self, script: ExerciseScript) -> None:
        self._plan: list[Phase] = script.plan()
        self._position = -1
        self.cool_down_s = script.cool_down.duration_s
        """The cool-down's length; shortened when the walker asks to end early."""
        self._phase_origin_s = self._entered_s = self._frozen_elapsed_s = 0.0
        self.walked_s = [0.0] * script.walking.intervals
        """Backward-walking seconds walked so far, per interval."""

    @property
    def current(self) -> Phase:
        """The phase the session is in, or was in before it halted."""
        return self._plan[self._position]

    @property
    def upcoming(self) -> Phase:
        """The phase after the current one."""
        return self._plan[self._position + 1]

    def duration_s(self, phase: Phase) -> float:
        """The phase's length, the cool-down's as it stands now."""
        return self.cool_down_s if phase.state == COOL_DOWN else phase.duration_s

    def is_resuming(self, source: str, dest: str | None) -> bool:
        """The transition leads from a halt back to the phase that was interrupted."""
        return source in HALTED and self.current.state == dest

    def advance(self, dest: str) -> Phase:
        """Move on to the next phase (straight to the cool-down when that is `dest`)."""
        self._position = len(self._plan) - 1 if dest == COOL_DOWN else self._position + 1
        return self.current

    def enter(self, dest: str, now_s: float, resuming: bool) -> tuple[Phase, float]:
        """A timed phase begins, or goes on with its time kept: the phase and its elapsed s."""
        phase = self.current if resuming else self.advance(dest)
        elapsed_s = self._frozen_elapsed_s if resuming else 0.0
        self._phase_origin_s, self._entered_s = now_s - elapsed_s, now_s
        return phase, elapsed_s

    @property
    def phase_origin_s(self) -> float:
        """When the current timed phase would have begun had it never been halted."""
        return self._phase_origin_s

    def leave(self, state: str, now_s: float) -> None:
        """`state` is left at `now_s`: freeze the phase's time and count the seconds walked."""
        if state in TIMED:
            self._frozen_elapsed_s = now_s - self._phase_origin_s
        elif state == SUPPORT_CHECK:
            self._frozen_elapsed_s = 0.0
        if state == WALKING:
            self.walked_s[self.current.interval - 1] += now_s - self._entered_s

    def walked_so_far_s(self, state: str, now_s: float) -> float:
        """Backward-walking seconds so far, the walk going on now (in `state`) included."""
        ongoing_s = now_s - self._entered_s if state == WALKING else 0.0
        return sum(self.walked_s) + ongoing_s

    def status(self, state: str, now_s: float) -> SessionStatus:
        """Where the session is, in machine state `state`, for a status line."""
        phase = self._plan[max(self._position, 0)]
        remaining = self._phase_remaining_s(state, now_s)
        if state == DONE:
            remaining, session = 0.0, 0.0
        else:
            later = self._plan[max(self._position, 0) + 1:]
            session = (remaining or 0.0) + sum(self.duration_s(p) for p in later)
        intervals = len(self.walked_s)
        return SessionStatus(
            state, phase_label(phase, intervals, state),
            phase.interval, intervals, remaining, session, state in HALTED,
        )

    def _phase_remaining_s(self, state: str, now_s: float) -> float | None:
        if self._position < 0:
            return self.duration_s(self._plan[0])
        phase = self.current
        if phase.state not in TIMED:
            return None
        if state in TIMED:
            elapsed = now_s - self._phase_origin_s
        else:
            elapsed = self._frozen_elapsed_s
        return max(self.duration_s(phase) - elapsed, 0.0)
