"""The session machine's safety flow and its questions: the callbacks the table names for
pause, stop, dizziness, help and emergency, and for the yes/no questions on the way back.

Safety rules (ARCHITECTURE.md): 1, a stop is said at once, ahead of anything not yet said;
2, walking backward again needs an explicit "yes"; 4, after dizziness a rest, a check-in, and
walking again only if the script allows; 5, a call for help can be cancelled for a short
window before the alert goes. `SafetyFlow` is a part of `Session` (its base class), kept here
so that these rules read together; `Session` sets the attributes declared below.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from transitions import EventData

from assistant.core.events import CueKind
from assistant.script.model import ExerciseScript
from assistant.session import cues
from assistant.session.agenda import PROMPT_TAG, Agenda
from assistant.session.cue_queue import CueQueue
from assistant.session.progress import Progress
from assistant.session.table import (
    CHECK_IN,
    EMERGENCY,
    HELP_PENDING,
    PAUSED,
    SAFETY_PAUSE,
    STOPPED,
    WALKING,
)

#: Said again by `acknowledge_halt` when a safety word comes while already standing still.
_HALT_REMINDERS = {
    STOPPED: cues.STOP,
    PAUSED: cues.PAUSED,
    SAFETY_PAUSE: cues.DIZZY,
    CHECK_IN: cues.DIZZY,
    HELP_PENDING: cues.HELP_PENDING_REMINDER,
    EMERGENCY: cues.EMERGENCY,
}
#: Tag of the "do you want to end?" question's lapse.
_END_QUESTION_TAG = "end_question"


class SafetyFlow:
    """The table's callbacks for the safety flow and its questions (a base of `Session`)."""

    # The machine's (set by pytransitions on the model) and the session's own (set by Session).
    state: str
    trigger: Callable[..., bool]
    _script: ExerciseScript
    _progress: Progress
    _agenda: Agenda
    _cues: CueQueue
    _confirming: bool
    _asking_to_end: bool
    _dizzy_seen: bool
    #: What the alerter last said of the emergency's alert: delivered (True), not (False).
    _caregiver_reached: bool | None = None

    # ----- timers of a state (dropped when the state is left) -----

    def _after(self, seconds: float, trigger: str, once_heard: bool = False) -> None:
        """Fire `trigger` once `seconds` have passed in this state (left states drop it);
        `once_heard`: counted from when what is being said has been heard."""
        if once_heard:
            self._agenda.after_speech(seconds, 2, "limit", partial(self.trigger, trigger))
            return
        at_s = self._agenda.now_s() + seconds
        self._agenda.schedule(at_s, 2, "limit", partial(self.trigger, trigger))

    def _prompt(self, text: str, every_s: float, re_asks: int, give_up: str) -> None:
        """Ask now, again every `every_s` up to `re_asks` times, then fire `give_up`."""
        ask = partial(self._cues.say, text, CueKind.PROMPT)
        self._agenda.prompt(ask, every_s, re_asks, partial(self.trigger, give_up))

    # ----- entering the halted states -----

    def enter_paused(self, event: EventData) -> None:
        """Stand still; the phase's time is frozen, and a very long pause ends the session."""
        self._cues.say(cues.PAUSED, CueKind.SAFETY)
        self._after(self._script.safety.pause_limit_s, "pause_too_long")

    def enter_stopped(self, event: EventData) -> None:
        """After a stop (or a cancelled call for help): continue, or end?"""
        self._ask_continue_or_end()

    def enter_safety_pause(self, event: EventData) -> None:
        """Dizzy: hold the support, sit, breathe; a check-in follows the rest (safety rule 4)."""
        self._dizzy_seen = True
        self._cues.say(cues.DIZZY, CueKind.SAFETY)
        self._after(self._script.safety.dizzy_rest_s, "rest_over")

    def enter_check_in(self, event: EventData) -> None:
        """Ask whether the walker feels better; unanswered asks lead to an alert."""
        safety = self._script.safety
        re_asks = max(safety.unanswered_check_ins_before_alert - 1, 0)
        self._prompt(cues.CHECK_IN, safety.check_in_timeout_s, re_asks, "check_in_unanswered")

    def enter_help_pending(self, event: EventData) -> None:
        """The window in which "cancel" calls the alert off (safety rule 5)."""
        window_s = self._script.safety.help_cancel_window_s
        self._cues.say(cues.help_window_text(window_s), CueKind.SAFETY)
        # The walker has the whole window to say "cancel" once the sentence has been heard.
        self._after(window_s, "help_window_over", once_heard=True)

    def enter_emergency(self, event: EventData) -> None:
        """Calm, repeated instructions while help is called; ends by itself after a while.

        The words follow the truth: "help is being called" only while an alert may still
        get through, "I could not reach your caregiver" once none did (`alert_outcome`)."""
        safety = self._script.safety
        self._caregiver_reached = None
        self._agenda.repeat(self._say_emergency_words, safety.emergency_repeat_s)
        self._after(safety.emergency_max_s, "emergency_over")

    def alert_outcome(self, reached: bool) -> None:
        """News of the urgent alert: in `emergency`, the walker hears at once what it means."""
        before = self.emergency_words()
        self._caregiver_reached = reached
        if self.state == EMERGENCY and self.emergency_words() != before:
            self._say_emergency_words()

    def emergency_words(self) -> str:
        """What the walker is told in `emergency`: help is called, or nobody was reached."""
        if not self._script.alerts or self._caregiver_reached is False:
            return cues.ALERT_UNREACHED
        return cues.EMERGENCY

    def _say_emergency_words(self) -> None:
        self._cues.say(self.emergency_words(), CueKind.SAFETY)

    # ----- conditions -----

    def is_asking_to_end(self, event: EventData) -> bool:
        """"Do you want to end the session now?" waits for its answer."""
        return self._asking_to_end

    def is_confirming(self, event: EventData) -> bool:
        """"Say yes to walk again" waits for its answer."""
        return self._confirming

    def needs_confirmation(self, event: EventData) -> bool:
        """Going back would mean walking backward: ask for a "yes" first (safety rule 2)."""
        return self._progress.current.state == WALKING

    def may_walk_again(self, event: EventData) -> bool:
        """After dizziness, only if the caregiver's script allows it (safety rule 4)."""
        return not self._dizzy_seen or self._script.safety.continue_after_dizzy

    # ----- what is said on the way -----

    def drop_pending_cues(self, event: EventData) -> None:
        """Cues not yet spoken are stale once the walker asks to stop (safety rule 1)."""
        self._cues.clear()

    def say_stop(self, event: EventData) -> None:
        """The stop instruction, at once, instead of anything not yet said (safety rule 1)."""
        self._cues.clear()
        self._cues.say(cues.STOP, CueKind.SAFETY)

    def say_help_cancelled(self, event: EventData) -> None:
        """"Cancel" in the help window: no call."""
        self._cues.say(cues.HELP_CANCELLED, CueKind.SAFETY)

    def acknowledge_halt(self, event: EventData) -> None:
        """A safety word while already standing still: say again what to do."""
        if self.state == EMERGENCY:
            self._say_emergency_words()
            return
        self._cues.say(_HALT_REMINDERS[self.state], CueKind.SAFETY)

    # ----- the questions -----

    def ask_to_end(self, event: EventData) -> None:
        """"End" in an ordinary phase: ask first; without an answer the question lapses."""
        self._asking_to_end = True
        self._cues.say(cues.END_QUESTION, CueKind.PROMPT)
        self._agenda.after_speech(self._script.safety.check_in_timeout_s, 3, _END_QUESTION_TAG,
                                  self._drop_end_question)

    def _drop_end_question(self) -> None:
        self._asking_to_end = False
        self._cues.say(cues.END_QUESTION_LAPSED, CueKind.ANSWER)

    def keep_going(self, event: EventData) -> None:
        """"No" to "do you want to end?": carry on."""
        self._asking_to_end = False
        self._agenda.cancel(_END_QUESTION_TAG)
        self._cues.say(cues.KEEP_GOING, CueKind.ANSWER)

    def ask_confirmation(self, event: EventData) -> None:
        """Walking again needs an explicit "yes" (safety rule 2)."""
        self._confirming = True
        if self.state == CHECK_IN:
            text = cues.CONFIRM_AFTER_DIZZY
        elif self._progress.current.state == WALKING:
            text = cues.CONFIRM_WALK
        else:
            text = cues.CONFIRM_GO_ON
        safety = self._script.safety
        self._prompt(text, safety.prompt_timeout_s, safety.max_reprompts, "prompt_unanswered")

    def decline_confirmation(self, event: EventData) -> None:
        """"No" to "say yes to walk again": stay, and say what can be said instead."""
        self._confirming = False
        if self.state == STOPPED:
            self._ask_continue_or_end()
        else:
            self._agenda.cancel(PROMPT_TAG)
            self._cues.say(cues.WAITING, CueKind.ANSWER)

    def _ask_continue_or_end(self) -> None:
        safety = self._script.safety
        self._prompt(
            cues.CONTINUE_OR_END, safety.prompt_timeout_s, safety.max_reprompts, "prompt_unanswered"
        )

    def _end_question_lapse_s(self) -> float | None:
        """When the waiting "do you want to end?" lapses; None when it is not waiting."""
        return self._agenda.due_s(_END_QUESTION_TAG) if self._asking_to_end else None

    def _keep_end_question(self, lapse_s: float) -> None:
        """The question goes on waiting, until `lapse_s`, in the state just entered."""
        self._agenda.schedule(lapse_s, 3, _END_QUESTION_TAG, self._drop_end_question)
