"""People's words for how a session ended: the one table `history`, `demo`, `simulate`,
`start`, the caregiver's alerts and the report all read.

The stored names stay what they are (the session table's `EndReason`, the history's own
`process_ended` and `no_end_state`, the `state` events' triggers): only what people read
comes from here, so a code such as `ended_by_walker` is never shown to them.
"""

from __future__ import annotations

from assistant.core.names import EndReason
from assistant.session.table import ends_by_state_event

#: Each end reason as a short phrase that reads after "ended early" or "Session ...".
END_WORDS: dict[str, str] = {
    EndReason.COMPLETED: "completed as planned",
    EndReason.ENDED_BY_WALKER: "the walker chose to end it",
    EndReason.SUPPORT_CHECK_UNANSWERED: "no answer when asked to stand at the support",
    EndReason.NO_ANSWER: "no answer to a question",
    EndReason.PAUSE_TOO_LONG: "paused for too long",
    EndReason.DIZZY: "the walker felt dizzy",
    EndReason.EMERGENCY_CANCELLED: "the walker called off the call for help",
    EndReason.EMERGENCY: "an emergency: help or dizziness that did not pass",
    EndReason.HEARING_LOST: "RetroWalk could no longer hear",
    EndReason.INTERRUPTED: "RetroWalk was closed",
    EndReason.FAULT: "RetroWalk met an unexpected fault",
    EndReason.UNFINISHED: "not finished yet",
    # The history's own reasons, for sessions the machine could not finish.
    "process_ended": "RetroWalk stopped unexpectedly",
    "no_end_state": "RetroWalk stopped before the end",
}

#: Said for a code the table does not know (an older history, an event from elsewhere).
UNKNOWN_END = "reason not recorded"


def _reasons_by_trigger() -> dict[str, EndReason]:
    """The trigger names of `state` events that end a session for one reason only.

    The alerter knows an end by its trigger ("support_unanswered"); triggers that can end a
    session for several reasons ("yes", "cancel") are left out rather than guessed."""
    found: dict[str, set[EndReason]] = {}
    for (trigger, _source, _dest), reason in ends_by_state_event().items():
        found.setdefault(trigger, set()).add(reason)
    return {trigger: reasons.pop() for trigger, reasons in found.items() if len(reasons) == 1}


_BY_TRIGGER = _reasons_by_trigger()


def end_words(code: str | None) -> str:
    """People's words for an end reason (or an end's unambiguous trigger); never the code."""
    if not code:
        return UNKNOWN_END
    reason = code if code in END_WORDS else _BY_TRIGGER.get(code)
    return END_WORDS[reason] if reason is not None else UNKNOWN_END


def outcome_words(completed: bool, code: str | None) -> str:
    """"completed" or "ended early (why)", for the closing line of a session."""
    return "completed" if completed else f"ended early ({end_words(code)})"
