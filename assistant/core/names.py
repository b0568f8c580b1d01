"""The contract's intent and state names, in one place (ARCHITECTURE.md: extend, never rename)."""

from __future__ import annotations

from enum import StrEnum


class IntentName(StrEnum):
    STOP = "stop"
    PAUSE = "pause"
    RESUME = "resume"
    DIZZY = "dizzy"
    HELP = "help"
    CANCEL = "cancel"
    YES = "yes"
    NO = "no"
    READY = "ready"
    REPEAT = "repeat"
    TIME_LEFT = "time_left"
    END = "end"
    SLOWER = "slower"
    FASTER = "faster"
    LOUDER = "louder"
    QUIETER = "quieter"


#: Acted on at once, on the first stable partial result, from every active state: a false
#: one is safe (the walker stands still), a missed one is not. Pause is among them; it is
#: not a safety event (below).
IMMEDIATE_INTENTS = frozenset(
    {IntentName.STOP, IntentName.PAUSE, IntentName.DIZZY, IntentName.HELP}
)

#: A safety event (docs/caregivers.md) is one of these intents, or the assistant losing its
#: hearing (an `error` event). Pauses are not safety events. The history counts them, the
#: report lists them, and progression waits for sessions without any.
SAFETY_EVENT_INTENTS = frozenset({IntentName.STOP, IntentName.DIZZY, IntentName.HELP})

#: Intents that can lead back to walking, or call off a call for help: they need a final
#: result and a confidence bar, because a false one is not safe.
RESUMING_INTENTS = frozenset(
    {IntentName.RESUME, IntentName.YES, IntentName.READY, IntentName.CANCEL}
)


class StateName(StrEnum):
    IDLE = "idle"
    WARM_UP = "warm_up"
    SUPPORT_CHECK = "support_check"
    WALKING = "walking"
    RESTING = "resting"
    COOL_DOWN = "cool_down"
    PAUSED = "paused"
    STOPPED = "stopped"
    SAFETY_PAUSE = "safety_pause"
    CHECK_IN = "check_in"
    EMERGENCY = "emergency"
    DONE = "done"


class EndReason(StrEnum):
    """Why a session ended: the session table's `ends`, read by history, alerts and report."""

    COMPLETED = "completed"
    ENDED_BY_WALKER = "ended_by_walker"
    SUPPORT_CHECK_UNANSWERED = "support_check_unanswered"
    NO_ANSWER = "no_answer"
    PAUSE_TOO_LONG = "pause_too_long"
    DIZZY = "dizzy"
    EMERGENCY_CANCELLED = "emergency_cancelled"
    EMERGENCY = "emergency"
    HEARING_LOST = "hearing_lost"
    INTERRUPTED = "interrupted"
    FAULT = "fault"
    """An unexpected failure of the program itself; the walker was told to stand still."""
    UNFINISHED = "unfinished"
    """Not an end: the summary of a session that has not ended (yet)."""
