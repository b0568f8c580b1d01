"""The exercise script as validated, typed values, and the plan of phases it gives.

`loading.py` builds these from YAML. Every duration is in seconds (`_s`); the session
machine reads only these values. The plan (`plan_phases`) is built here, once, for the
machine, the timeline of `retrowalk check` and the schema's length check alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.core.names import StateName


@dataclass(frozen=True)
class VoiceSettings:
    """How cues are spoken. "Speak slower" / "louder please" move rate and volume by one step,
    within the min/max limits the caregiver set."""

    rate_wpm: int = 140
    """Speaking rate in words per minute."""
    volume: float = 1.0
    """0.0 (silent) to 1.0 (loudest)."""
    voice: str | None = None
    """An installed voice (`retrowalk voices`): eSpeak NG "en-us" or "en-us+f3", MBROLA
    "mb-us1", SVOX Pico "pico:en-GB"; None for the default (SVOX Pico "pico:en-US" where
    installed, else eSpeak NG "en")."""
    min_rate_wpm: int = 90
    max_rate_wpm: int = 200
    rate_step_wpm: int = 20
    min_volume: float = 0.5
    volume_step: float = 0.1


@dataclass(frozen=True)
class PhaseCues:
    """What is said during one timed phase (warm-up, each walk, each rest, cool-down)."""

    start: tuple[str, ...] = ()
    """Said when the phase begins, in order."""
    encouragement: tuple[str, ...] = ()
    """Said one after another (cycling) every `every_s` seconds."""
    every_s: float | None = None
    """Seconds between encouragements; None for none."""
    remaining_marks_s: tuple[float, ...] = ()
    """Remaining-time marks: at each, "30 seconds left" (text made by the cue builder)."""
    end: tuple[str, ...] = ()
    """Said when the phase ends, in order."""


@dataclass(frozen=True)
class TimedPhase:
    duration_s: float
    cues: PhaseCues = field(default_factory=PhaseCues)


@dataclass(frozen=True)
class SupportCheck:
    question: str
    """Asked before the first backward step, e.g. "Stand next to your wall ... Say ready."."""
    reprompt_s: float = 20.0
    """Seconds without an answer before the question is asked again."""
    max_reprompts: int = 3
    """Re-asks before the session ends safely."""


@dataclass(frozen=True)
class Walking:
    intervals: int
    walk_s: float
    rest_s: float
    walk_cues: PhaseCues = field(default_factory=PhaseCues)
    rest_cues: PhaseCues = field(default_factory=PhaseCues)


@dataclass(frozen=True)
class SafetySettings:
    dizzy_rest_s: float = 60.0
    """Rest after "I feel dizzy" before the check-in question."""
    check_in_timeout_s: float = 20.0
    """Seconds to answer a check-in (or any yes/no prompt) before it is asked again."""
    unanswered_check_ins_before_alert: int = 2
    """Check-ins left unanswered before the caregiver is alerted (`emergency`)."""
    continue_after_dizzy: bool = False
    """May walking continue after dizziness and a confirmed recovery? Else the session ends."""
    help_cancel_window_s: float = 10.0
    """After "help", seconds in which "cancel" calls the alert off."""
    prompt_timeout_s: float = 20.0
    """Seconds to answer "continue or end?" after a stop, before it is asked again."""
    max_reprompts: int = 3
    """Re-asks of an unanswered question (after stop or pause) before the session ends safely."""
    pause_limit_s: float = 600.0
    """A pause longer than this ends the session safely."""
    emergency_repeat_s: float = 30.0
    """In `emergency`, instructions are repeated (and the alert re-sent) this often."""
    emergency_max_s: float = 1800.0
    """`emergency` ends by itself after this long (the walker is told what to do)."""


@dataclass(frozen=True)
class AlertChannel:
    """One way to reach the caregiver. `kind` is "webhook", "command" or "file"."""

    kind: str
    url: str | None = None
    argv: tuple[str, ...] = ()
    path: str | None = None
    timeout_s: float = 5.0
    retries: int = 3


@dataclass(frozen=True)
class Progression:
    """Limits within which the programme may grow (used by the progression advisor)."""

    after_sessions: int = 3
    """Completed sessions without safety events before a longer walk is suggested."""
    step_s: float = 15.0
    """How much longer each walking interval gets per step."""
    max_walk_s: float = 120.0
    max_total_walk_s: float = 600.0
    """Total backward walking per session (the articles: grow from 2-5 toward 5-10 minutes)."""
    ease_off_after_dizzy: bool = True


@dataclass(frozen=True)
class Phase:
    """One step of the planned flow: its state, interval number (walks and rests), length."""

    state: str
    interval: int
    duration_s: float
    cues: PhaseCues


def plan_phases(warm_up: TimedPhase, walking: Walking, cool_down: TimedPhase) -> list[Phase]:
    """The planned phases in order: warm-up, support check, walk/rest... walk, cool-down."""
    plan = [
        Phase(StateName.WARM_UP.value, 0, warm_up.duration_s, warm_up.cues),
        Phase(StateName.SUPPORT_CHECK.value, 0, 0.0, PhaseCues()),
    ]
    for interval in range(1, walking.intervals + 1):
        plan.append(Phase(StateName.WALKING.value, interval, walking.walk_s, walking.walk_cues))
        if interval < walking.intervals:
            plan.append(Phase(StateName.RESTING.value, interval, walking.rest_s,
                              walking.rest_cues))
    plan.append(Phase(StateName.COOL_DOWN.value, 0, cool_down.duration_s, cool_down.cues))
    return plan


def planned_length_s(plan: list[Phase]) -> float:
    """A plan's length without pauses (the support check, which waits, counted as zero)."""
    return float(sum(phase.duration_s for phase in plan))


@dataclass(frozen=True)
class ExerciseScript:
    name: str
    walker: str
    """The walker's name for the report and the alerts; empty when the script gives none."""
    language: str
    voice: VoiceSettings
    warm_up: TimedPhase
    support_check: SupportCheck
    walking: Walking
    cool_down: TimedPhase
    safety: SafetySettings
    alerts: tuple[AlertChannel, ...] = ()
    progression: Progression = field(default_factory=Progression)
    source: str = "<script>"
    """Where the script was read from (a path, or the bundled default's name)."""
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    """The YAML mapping it came from, so that progression can write a changed copy."""

    def cue_texts(self) -> list[str]:
        """The script's own cue texts, in order, each once (rendered before a session); a
        text with a placeholder ("{duration}") is worded, and rendered, when it is said."""
        texts = [self.support_check.question]
        for cues in (self.warm_up.cues, self.walking.walk_cues, self.walking.rest_cues,
                     self.cool_down.cues):
            texts += [*cues.start, *cues.encouragement, *cues.end]
        return [text for text in dict.fromkeys(texts) if "{" not in text]

    @property
    def for_walker(self) -> str:
        """" for Anna" after a title, or nothing when the script names no walker."""
        return f" for {self.walker}" if self.walker else ""

    @property
    def total_walk_s(self) -> float:
        return self.walking.intervals * self.walking.walk_s

    @property
    def total_s(self) -> float:
        """Planned length without pauses (the support check counted as zero)."""
        return planned_length_s(self.plan())

    def plan(self) -> list[Phase]:
        """The planned phases in order (see `plan_phases`)."""
        return plan_phases(self.warm_up, self.walking, self.cool_down)
