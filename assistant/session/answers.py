"""The answer to a command that changes nothing where the session is: every command the walker
says is answered, in every state, with what is happening and what comes next.

The table (`table.py`) acts on a command where it means something; elsewhere the machine asks
here what to say instead ("ready" in the warm-up: "We are still warming up; I will ask when it
is time."). The words name no safety command ("stop", "help", "wait", ...), so that an echo of
them is never taken for the walker's; they may name the answer a question waits for. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.session import cues
from assistant.session.table import (
    CHECK_IN,
    COOL_DOWN,
    EMERGENCY,
    HELP_PENDING,
    PAUSED,
    RESTING,
    SAFETY_PAUSE,
    STOPPED,
    SUPPORT_CHECK,
    WALKING,
    WARM_UP,
)


@dataclass(frozen=True)
class Moment:
    """Where the session is, as much as an answer needs to know."""

    state: str
    asking_to_end: bool = False
    """"Do you want to end the session now?" waits for its answer."""
    confirming: bool = False
    """"Say yes to walk again" (or to go on) waits for its answer."""
    check_in_in_s: float | None = None
    """Seconds until "Are you feeling better?" is asked (in the rest after dizziness)."""
    help_in_s: float | None = None
    """Seconds until the caregiver is called (in the window after a call for help)."""


#: What is happening, in each phase of the plan, said to an answer that changes nothing.
_GOING_ON = {
    WARM_UP: "We are still warming up; I will ask when it is time.",
    WALKING: "We are walking backward now. Keep going gently, with your support near.",
    RESTING: "We are resting now. I will tell you when the next walk begins.",
    COOL_DOWN: "We are cooling down. Keep walking forward slowly.",
}
#: The support check waits for "ready" only.
_SUPPORT_CHECK = "Take your time. Say ready when you stand next to your support."
_STOPPED = "Say continue to go on, or end to finish."
_EMERGENCY = "Stay where you are, and sit down if you can. If you are all right, say cancel."
NOTHING_TO_REPEAT = "I have not said anything yet."


def unanswered_text(intent: str, moment: Moment) -> str:
    """What to say when `intent` changes nothing at `moment`."""
    state = moment.state
    if intent == "repeat":
        return NOTHING_TO_REPEAT
    if moment.asking_to_end:
        return cues.END_QUESTION
    if state in _GOING_ON:
        return _GOING_ON[state]
    if state == SUPPORT_CHECK:
        return _SUPPORT_CHECK
    if state == PAUSED:
        return cues.CONFIRM_WALK if moment.confirming else cues.WAITING
    if state == STOPPED:
        return cues.CONFIRM_GO_ON if moment.confirming else _STOPPED
    return _halted_text(state, moment)


def _halted_text(state: str, moment: Moment) -> str:
    """The answer in the states after dizziness or a call for help."""
    if state == SAFETY_PAUSE:
        return check_in_coming_text(moment.check_in_in_s)
    if state == CHECK_IN:
        return cues.CONFIRM_AFTER_DIZZY if moment.confirming else cues.CHECK_IN
    if state == HELP_PENDING:
        return help_coming_text(moment.help_in_s)
    if state == EMERGENCY:
        return _EMERGENCY
    return cues.KEEP_GOING


def check_in_coming_text(in_s: float | None) -> str:
    """Resting after dizziness: when the assistant will ask how the walker feels."""
    if in_s is None:
        return "Keep resting. I will ask you soon how you feel."
    when = cues.seconds_in_words(max(cues.round_for_speech(in_s), 5.0))
    return f"Keep resting. In about {when}, I will ask how you feel."


def help_coming_text(in_s: float | None) -> str:
    """In the window after a call for help: when the call goes, and how to call it off."""
    if in_s is None:
        return f"I will call your caregiver soon. {cues.HELP_PENDING_REMINDER}"
    return cues.help_window_text(max(cues.round_for_speech(in_s), 5.0))
