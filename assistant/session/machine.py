"""The session machine: warm-up, support check, walking intervals with rests, cool-down, done;
and the safety flow (stop, pause, dizzy, help) from every active state.

Pure: no I/O, no audio, no `time.*`. The transition table lives in `table.py`; the
callbacks it names live here (the planned flow, the ends) and in `safety.py` (the
safety flow and its questions, a base class of `Session`). Callbacks queue `Cue`s
(`cue_queue.py`; the runner speaks them) and emit `state` events. Time comes from the
injected clock through the agenda (`agenda.py`): `tick()` fires everything that has
come due, in order, each at its own due time, so a large jump in time is processed exactly as
small steps would be. Where the session is in its plan, and its status and summary, are kept
by `progress.py`.
"""

from __future__ import annotations

import logging
from functools import partial

from transitions import EventData

from assistant.core.clock import Clock
from assistant.core.events import Cue, CueKind, EventCallback, Intent, error_event, state_event
from assistant.core.names import SAFETY_EVENT_INTENTS, EndReason, IntentName
from assistant.script.model import ExerciseScript, Phase, VoiceSettings
from assistant.session import cues
from assistant.session.agenda import Agenda
from assistant.session.cue_queue import CueQueue
from assistant.session.progress import Progress, SessionStatus, SessionSummary
from assistant.session.replies import Replies
from assistant.session.safety import SafetyFlow
from assistant.session.table import (
    ACTIVE,
    ASKING,
    COOL_DOWN,
    DONE,
    SUPPORT_CHECK,
    build_machine,
    encouragements,
    row_values,
)

__all__ = ["SHORT_COOL_DOWN_S", "Session", "SessionStatus", "SessionSummary"]

_LOGGER = logging.getLogger(__name__)

#: After "end", the cool-down is at most this long: the walker asked to finish.
SHORT_COOL_DOWN_S = 60.0
#: Only intents reach the machine's triggers from outside; timers and ends are its own.
_INTENT_TRIGGERS = frozenset(intent.value for intent in IntentName)
#: Ends after which the spoken summary of the walk is given.
_SUMMARY_ENDS = (EndReason.COMPLETED, EndReason.ENDED_BY_WALKER)
#: Ends that cut off whatever was still to be said (safety rules 1 and 3).
_URGENT_ENDS = (EndReason.HEARING_LOST, EndReason.INTERRUPTED, EndReason.FAULT)


class Session(SafetyFlow, Replies):
    """One exercise session, driven by `start`, `handle_intent`, `tick` and the safety calls."""

    def __init__(self, script: ExerciseScript, clock: Clock, emit: EventCallback,
                 follow_speech: bool = False) -> None:
        """`follow_speech`: a question's countdown waits for `speech_finished` (a runner
        that speaks reports it); without it, countdowns start when a question is queued."""
        self._script, self._clock, self._emit = script, clock, emit
        self._voice = script.voice
        self._progress = Progress(script)
        self._agenda = Agenda(clock, follow_speech)
        self._cues = CueQueue()
        self._confirming = self._asking_to_end = self._dizzy_seen = False
        self._end_reason: EndReason | None = None
        self._safety_events = self._intents = 0
        self._reasons, self._ends = row_values("reason"), row_values("ends")
        self._machine = build_machine(self)

    # ----- the public API -----

    def start(self) -> None:
        """Begin: idle -> warm_up, with the warm-up's start cues."""
        self.trigger("begin")

    def handle_intent(self, intent: Intent) -> None:
        """Act on one of the walker's intents, in the current state."""
        self.tick()
        if self.finished:
            return
        self._intents += 1
        name = str(intent.name)
        if name in SAFETY_EVENT_INTENTS and self.state in ACTIVE:
            self._safety_events += 1
        said, state = self._cues.count, self.state
        direct = {"repeat": self._repeat, "time_left": self._say_time_left}
        if name in direct:
            direct[name]()
        elif name in cues.VOICE_ANSWERS:
            self._voice, text = cues.change_voice(self._voice, name)
            self._cues.say(text, CueKind.ANSWER)
        elif name in _INTENT_TRIGGERS and name in self._machine.get_triggers(self.state):
            self.trigger(name)
        if self._cues.count == said and self.state == state and not self.finished:
            self._answer_unheeded(name)

    def tick(self) -> None:
        """Fire, in time order and each at its own time, everything due by the clock's now."""
        self._agenda.fire_due()

    def hearing_lost(self, reason: str) -> None:
        """Safety rule 3: the walker is told to stop and stand still, and the session ends."""
        if self.finished:
            return
        self._emit(error_event(self._now(), f"Hearing lost ({reason}): the session was ended."))
        self._safety_events += 1
        self.trigger("lost_hearing")

    def interrupt(self) -> None:
        """Ctrl-C or shutdown: end now, with a spoken stop instruction."""
        if not self.finished:
            self.trigger("shut_down")

    def fault(self, reason: str) -> None:
        """The program itself failed: the walker is told to stop and stand still, and the
        session ends (the safe path, `assistant/run/safe_path.py`)."""
        if self.finished:
            return
        self._emit(error_event(self._now(), f"Unexpected failure ({reason}): the session was "
                               "ended."))
        # Set first: should the machine itself be what failed, the summary still says why.
        self._end_reason = EndReason.FAULT
        self._cues.clear()
        try:
            self.trigger("failure")
        except Exception:
            self._cues.say(cues.FAULT, CueKind.SAFETY)
            raise

    def speech_finished(self, at_s: float) -> None:
        """Everything queued so far has been said and heard by `at_s` (the runner's word):
        the countdowns of the questions asked start from there (the walker's point of view)."""
        self._agenda.speech_finished(at_s)

    def take_cues(self) -> list[Cue]:
        """The cues queued since the last call, in order, for the runner to speak."""
        return self._cues.take()

    def tell_walker(self, text: str) -> None:
        """Queue a message from outside the machine (e.g. an alert that could not be sent)."""
        self._cues.say(text, CueKind.SAFETY)

    @property
    def finished(self) -> bool:
        """True once the session is done, however it ended."""
        return self.state == DONE

    @property
    def voice(self) -> VoiceSettings:
        """The voice as the walker has set it ("slower", "louder"), within the script's limits."""
        return self._voice

    @property
    def expecting_answer(self) -> bool:
        """True while a question waits for yes/no/ready/continue/cancel."""
        return self.state in ASKING or self._asking_to_end or self._confirming

    @property
    def status(self) -> SessionStatus:
        """Where the session is, for a status line."""
        return self._progress.status(self.state, self._clock.now_s())

    @property
    def summary(self) -> SessionSummary:
        """How the session went so far (or ended)."""
        return SessionSummary(
            self._end_reason == EndReason.COMPLETED, self._end_reason or EndReason.UNFINISHED,
            list(self._progress.walked_s), self._safety_events, self._intents,
        )

    # ----- time, cues, timers -----

    def _now(self) -> float:
        """The time of what is happening: a due item's own time while `tick` fires it."""
        return self._agenda.now_s()

    def _schedule_phase(self, phase: Phase, elapsed_s: float) -> None:
        """Queue the phase's remaining marks, encouragements and end, from `elapsed_s` on."""
        duration, origin = self._progress.duration_s(phase), self._progress.phase_origin_s
        phase_cues, schedule = phase.cues, self._agenda.schedule
        mark_times = {duration - mark for mark in phase_cues.remaining_marks_s}
        for mark in phase_cues.remaining_marks_s:
            if elapsed_s < duration - mark:
                say = partial(self._cues.say, cues.remaining_text(mark), CueKind.REMAINING,
                              self._phase_left_words, partial(self._mark_words, mark))
                schedule(origin + duration - mark, 0, "phase", say)
        for at_s, text in encouragements(phase_cues, duration):
            if at_s > elapsed_s and at_s not in mark_times:
                schedule(origin + at_s, 1, "phase", partial(self._encourage, text))
        schedule(origin + duration, 2, "phase", partial(self._end_phase, phase))

    def _encourage(self, text: str) -> None:
        """An encouragement, unless a question waits for its answer: it is not talked over."""
        if not self.expecting_answer:
            self._cues.say(self._fill(text), CueKind.ENCOURAGEMENT)

    def _end_phase(self, phase: Phase) -> None:
        if self._ends_early(phase):
            self._cues.say(cues.EARLY_END_CLOSING, CueKind.END)
        for text in () if self._ends_early(phase) else phase.cues.end:
            self._cues.say(self._fill(text), CueKind.END)
        self.trigger("phase_end")

    def _ends_early(self, phase: Phase) -> bool:
        """The cool-down after the walker chose to end: the script's words would not be true."""
        return phase.state == COOL_DOWN and self._end_reason == EndReason.ENDED_BY_WALKER

    # ----- callbacks named by the table: entering states -----

    def enter_phase(self, event: EventData) -> None:
        """A timed phase begins, or goes on after a pause or stop with its time kept."""
        resuming = self._progress.is_resuming(*_edge(event))
        phase, elapsed = self._progress.enter(event.state.name, self._now(), resuming)
        if resuming:
            remaining_s = self._progress.duration_s(phase) - elapsed
            self._cues.say(cues.resumed_text(phase.state, remaining_s), CueKind.START,
                           self._phase_left_words, self._resumed_words)
        elif self._ends_early(phase):
            cool_down = cues.early_cool_down_text(self._progress.duration_s(phase))
            self._cues.say(cool_down, CueKind.START, self._phase_left_words)
        else:
            for text in phase.cues.start:
                self._cues.say(self._fill(text), CueKind.START)
        self._schedule_phase(phase, elapsed)

    def enter_support_check(self, event: EventData) -> None:
        """Ask whether the walker stands at their support; re-ask while there is no answer."""
        if not self._progress.is_resuming(*_edge(event)):
            self._progress.advance(SUPPORT_CHECK)
        check = self._script.support_check
        self._prompt(check.question, check.reprompt_s, check.max_reprompts, "support_unanswered")

    def enter_done(self, event: EventData) -> None:
        """Nothing more is timed; after a walk, the spoken summary."""
        self._agenda.clear()
        if self._end_reason in _SUMMARY_ENDS:
            completed = self._end_reason == EndReason.COMPLETED
            text = cues.summary_text(sum(self._progress.walked_s), completed)
            self._cues.say(text, CueKind.SUMMARY)

    def leave_state(self, event: EventData) -> None:
        """Freeze the phase's time, count walked seconds, and drop the state's timers."""
        self._progress.leave(self.state, self._now())
        lapse_s = self._end_question_lapse_s()
        self._agenda.clear()
        self._confirming = False
        # "Do you want to end?" still waits when the plan moves on (a walk ends meanwhile).
        if lapse_s is not None and event.event.name == "phase_end":
            self._keep_end_question(lapse_s)
        else:
            self._asking_to_end = False

    def emit_state_event(self, event: EventData) -> None:
        """Every state change becomes a `state` event, its trigger saying why."""
        source, dest = _edge(event)
        if dest is None:
            return
        name = event.event.name
        trigger = self._reasons.get((name, source, dest), name)
        self._emit(state_event(self._now(), source, dest, trigger))

    # ----- callbacks named by the table: conditions -----

    def has_more_intervals(self, event: EventData) -> bool:
        """A rest (and another walk) follows this walk."""
        return self._progress.upcoming.state != COOL_DOWN

    def is_frozen_phase(self, event: EventData) -> bool:
        """The transition leads back to the phase that was interrupted."""
        return self._progress.current.state == _edge(event)[1]

    def has_cool_down_left(self, event: EventData) -> bool:
        """The interrupted phase came before the cool-down."""
        return self._progress.current.state != COOL_DOWN

    # ----- callbacks named by the table: ends -----

    def end_session(self, event: EventData) -> None:
        """Record why the session ends (the table's `ends`) and say it, once."""
        source, dest = _edge(event)
        reason = EndReason(self._ends[(event.event.name, source, dest)])
        if reason == EndReason.COMPLETED and self._end_reason:
            return  # the cool-down after an early end: the first reason stands
        if reason == EndReason.ENDED_BY_WALKER:
            self._progress.cool_down_s = min(self._script.cool_down.duration_s, SHORT_COOL_DOWN_S)
        if reason in _URGENT_ENDS:
            self._cues.clear()
        self._end_reason = reason
        if reason == EndReason.EMERGENCY and self.emergency_words() == cues.ALERT_UNREACHED:
            self._cues.say(cues.EMERGENCY_OVER_UNREACHED, CueKind.SAFETY)
        elif reason in cues.END_TEXTS:
            kind = CueKind.ANSWER if reason == EndReason.ENDED_BY_WALKER else CueKind.SAFETY
            self._cues.say(cues.END_TEXTS[reason], kind)


def _edge(event: EventData) -> tuple[str, str | None]:
    assert event.transition is not None
    return event.transition.source, event.transition.dest
