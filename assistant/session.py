"""The session machine: warm-up, support check, walking intervals with rests, cool-down, done;
and the safety flow (stop, pause, dizzy, help) from every active state.

Pure: no I/O, no audio, no `time.*`. The transition table lives in `session_table.py`; this
module holds the callbacks it names. Callbacks queue `Cue`s (the runner speaks them) and emit
`state` events. Time comes from the injected clock: `tick()` fires everything that has come
due, in order, each at its own due time, so a large jump in time is processed exactly as
small steps would be.
"""

from __future__ import annotations

import heapq
import itertools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from transitions import EventData

from assistant import cues
from assistant.clock import Clock
from assistant.events import Cue, EventCallback, Intent, error_event, state_event
from assistant.intents_names import SAFETY_INTENTS, IntentName
from assistant.script_model import ExerciseScript, VoiceSettings
from assistant.session_table import (
    ACTIVE,
    ASKING,
    COOL_DOWN,
    DONE,
    HALTED,
    IDLE,
    STOPPED,
    SUPPORT_CHECK,
    TIMED,
    WALKING,
    Phase,
    build_machine,
    build_plan,
    encouragements,
    phase_label,
    row_values,
)

_LOGGER = logging.getLogger(__name__)

#: After "end", the cool-down is at most this long: the walker asked to finish.
SHORT_COOL_DOWN_S = 60.0
#: Said again by `acknowledge_halt` when a safety word comes while already standing still.
_HALT_REMINDERS = {
    STOPPED: cues.STOP,
    "paused": cues.PAUSED,
    "safety_pause": cues.DIZZY,
    "check_in": cues.DIZZY,
    "help_pending": cues.HELP_PENDING_REMINDER,
    "emergency": cues.EMERGENCY,
}
#: Only intents reach the machine's triggers from outside; timers and ends are its own.
_INTENT_TRIGGERS = frozenset(intent.value for intent in IntentName)
#: Ends after which the spoken summary of the walk is given.
_SUMMARY_ENDS = ("completed", "ended_by_walker")
#: Ends that cut off whatever was still to be said (safety rules 1 and 3).
_URGENT_ENDS = ("hearing_lost", "interrupted")


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
    end_reason: str
    walked_s: list[float]
    """Backward-walking seconds actually walked, per interval."""
    safety_events: int
    intents: int

    @property
    def total_walked_s(self) -> float:
        """Backward-walking seconds in all intervals together."""
        return sum(self.walked_s)


@dataclass(order=True)
class _Due:
    """Something the clock will make happen: a cue, a phase end, a re-asked question."""

    at_s: float
    priority: int
    order: int
    tag: str = field(compare=False)
    action: Callable[[], object] = field(compare=False)


class Session:
    """One exercise session, driven by `start`, `handle_intent`, `tick` and the safety calls."""

    state: str
    trigger: Callable[..., bool]

    def __init__(self, script: ExerciseScript, clock: Clock, emit: EventCallback) -> None:
        self._script, self._clock, self._emit = script, clock, emit
        self._voice = script.voice
        self._plan: list[Phase] = build_plan(script)
        self._position = -1
        self._cool_down_s = script.cool_down.duration_s
        self._cues: list[Cue] = []
        self._last_cue: Cue | None = None
        self._agenda: list[_Due] = []
        self._order = itertools.count()
        self._due_now_s: float | None = None
        self._phase_origin_s = self._entered_s = self._frozen_elapsed_s = 0.0
        self._confirming = self._asking_to_end = self._dizzy_seen = False
        self._end_reason = ""
        self._walked_s = [0.0] * script.walking.intervals
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
        if name in SAFETY_INTENTS and self.state in ACTIVE:
            self._safety_events += 1
        direct = {"repeat": self._repeat, "time_left": self._say_time_left}
        if name in direct:
            direct[name]()
        elif name in cues.VOICE_ANSWERS:
            self._voice, text = cues.change_voice(self._voice, name)
            self._say(text, "answer")
        elif name in _INTENT_TRIGGERS and name in self._machine.get_triggers(self.state):
            self.trigger(name)

    def tick(self) -> None:
        """Fire, in time order and each at its own time, everything due by the clock's now."""
        now_s = self._clock.now_s()
        while self._agenda and self._agenda[0].at_s <= now_s + 1e-9:
            due = heapq.heappop(self._agenda)
            self._due_now_s = due.at_s
            try:
                due.action()
            finally:
                self._due_now_s = None

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

    def take_cues(self) -> list[Cue]:
        """The cues queued since the last call, in order, for the runner to speak."""
        taken, self._cues = self._cues, []
        return taken

    def notify(self, text: str) -> None:
        """Queue a message from outside the machine (e.g. an alert that could not be sent)."""
        self._say(text, "safety")

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
        phase = self._plan[max(self._position, 0)]
        remaining = self._phase_remaining_s()
        if self.state == DONE:
            remaining, session = 0.0, 0.0
        else:
            session = (remaining or 0.0) + sum(self._duration(p) for p in self._later_phases())
        return SessionStatus(
            self.state, phase_label(phase, len(self._walked_s), self.state),
            phase.interval, len(self._walked_s), remaining, session, self.state in HALTED,
        )

    @property
    def summary(self) -> SessionSummary:
        """How the session went so far (or ended)."""
        return SessionSummary(
            self._end_reason == "completed", self._end_reason or "unfinished",
            list(self._walked_s), self._safety_events, self._intents,
        )

    # ----- time, cues, the agenda -----

    def _now(self) -> float:
        """The time of what is happening: a due item's own time while `tick` fires it."""
        return self._due_now_s if self._due_now_s is not None else self._clock.now_s()

    def _say(self, text: str, kind: str) -> None:
        cue = Cue(text, kind)
        self._cues.append(cue)
        if kind != "repeat":
            self._last_cue = cue

    def _schedule(self, at_s: float, priority: int, tag: str, action: Callable[[], object]) -> None:
        heapq.heappush(self._agenda, _Due(at_s, priority, next(self._order), tag, action))

    def _cancel(self, tag: str) -> None:
        self._agenda = [due for due in self._agenda if due.tag != tag]
        heapq.heapify(self._agenda)

    def _after(self, seconds: float, trigger: str) -> None:
        """Fire `trigger` once `seconds` have passed in this state (left states drop it)."""
        self._schedule(self._now() + seconds, 2, "limit", partial(self.trigger, trigger))

    def _prompt(self, text: str, every_s: float, re_asks: int, give_up: str) -> None:
        """Ask now, again every `every_s` up to `re_asks` times, then fire `give_up`."""
        self._cancel("prompt")
        self._say(text, "prompt")
        self._schedule_prompt(text, every_s, re_asks, give_up, self._now() + every_s)

    def _schedule_prompt(
        self, text: str, every_s: float, re_asks: int, give_up: str, at_s: float
    ) -> None:
        def on_timeout() -> None:
            if re_asks <= 0:
                self.trigger(give_up)
                return
            self._say(text, "prompt")
            self._schedule_prompt(text, every_s, re_asks - 1, give_up, at_s + every_s)

        self._schedule(at_s, 3, "prompt", on_timeout)

    # ----- the plan: which phase, how long, what is left -----

    def _duration(self, phase: Phase) -> float:
        return self._cool_down_s if phase.state == COOL_DOWN else phase.duration_s

    def _later_phases(self) -> list[Phase]:
        return self._plan[max(self._position, 0) + 1:]

    def _phase_remaining_s(self) -> float | None:
        if self._position < 0:
            return self._duration(self._plan[0])
        phase = self._plan[self._position]
        if phase.state not in TIMED:
            return None
        if self.state in TIMED:
            elapsed = self._clock.now_s() - self._phase_origin_s
        else:
            elapsed = self._frozen_elapsed_s
        return max(self._duration(phase) - elapsed, 0.0)

    def _is_resuming(self, event: EventData) -> bool:
        source, dest = _edge(event)
        return source in HALTED and self._plan[self._position].state == dest

    def _advance(self, dest: str) -> Phase:
        self._position = len(self._plan) - 1 if dest == COOL_DOWN else self._position + 1
        return self._plan[self._position]

    def _schedule_phase(self, phase: Phase, elapsed_s: float) -> None:
        """Queue the phase's remaining marks, encouragements and end, from `elapsed_s` on."""
        duration, origin, phase_cues = self._duration(phase), self._phase_origin_s, phase.cues
        mark_times = {duration - mark for mark in phase_cues.remaining_marks_s}
        for mark in phase_cues.remaining_marks_s:
            if elapsed_s < duration - mark:
                say = partial(self._say, cues.remaining_text(mark), "remaining")
                self._schedule(origin + duration - mark, 0, "phase", say)
        for at_s, text in encouragements(phase_cues, duration):
            if at_s > elapsed_s and at_s not in mark_times:
                self._schedule(origin + at_s, 1, "phase", partial(self._say, text, "encouragement"))
        self._schedule(origin + duration, 2, "phase", partial(self._end_phase, phase))

    def _end_phase(self, phase: Phase) -> None:
        for text in phase.cues.end:
            self._say(text, "end")
        self.trigger("phase_end")

    # ----- direct answers (no state change) -----

    def _repeat(self) -> None:
        if self._last_cue is not None:
            self._say(self._last_cue.text, "repeat")

    def _say_time_left(self) -> None:
        if self.state in (IDLE, DONE):
            return
        status = self.status
        phase = self._plan[self._position].state
        phase_words = phase if status.phase_remaining_s is not None else None
        text = cues.time_left_text(
            phase_words, status.phase_remaining_s or 0.0, status.session_remaining_s or 0.0
        )
        self._say(text, "answer")

    # ----- callbacks named by the table: entering states -----

    def enter_phase(self, event: EventData) -> None:
        """A timed phase begins, or goes on after a pause or stop with its time kept."""
        resuming = self._is_resuming(event)
        phase = self._plan[self._position] if resuming else self._advance(event.state.name)
        elapsed = self._frozen_elapsed_s if resuming else 0.0
        now = self._now()
        self._phase_origin_s, self._entered_s = now - elapsed, now
        if resuming:
            self._say(cues.resumed_text(phase.state, self._duration(phase) - elapsed), "start")
        else:
            for text in phase.cues.start:
                self._say(text, "start")
        self._schedule_phase(phase, elapsed)

    def enter_support_check(self, event: EventData) -> None:
        """Ask whether the walker stands at their support; re-ask while there is no answer."""
        if not self._is_resuming(event):
            self._advance(SUPPORT_CHECK)
        check = self._script.support_check
        self._prompt(check.question, check.reprompt_s, check.max_reprompts, "support_unanswered")

    def enter_paused(self, event: EventData) -> None:
        """Stand still; the phase's time is frozen, and a very long pause ends the session."""
        self._say(cues.PAUSED, "safety")
        self._after(self._script.safety.pause_limit_s, "pause_too_long")

    def enter_stopped(self, event: EventData) -> None:
        """After a stop (or a cancelled call for help): continue, or end?"""
        self._ask_continue_or_end()

    def enter_safety_pause(self, event: EventData) -> None:
        """Dizzy: hold the support, sit, breathe; a check-in follows the rest (safety rule 4)."""
        self._dizzy_seen = True
        self._say(cues.DIZZY, "safety")
        self._after(self._script.safety.dizzy_rest_s, "rest_over")

    def enter_check_in(self, event: EventData) -> None:
        """Ask whether the walker feels better; unanswered asks lead to an alert."""
        safety = self._script.safety
        re_asks = max(safety.unanswered_check_ins_before_alert - 1, 0)
        self._prompt(cues.CHECK_IN, safety.check_in_timeout_s, re_asks, "check_in_unanswered")

    def enter_help_pending(self, event: EventData) -> None:
        """The window in which "cancel" calls the alert off (safety rule 5)."""
        window_s = self._script.safety.help_cancel_window_s
        self._say(cues.help_window_text(window_s), "safety")
        self._after(window_s, "help_window_over")

    def enter_emergency(self, event: EventData) -> None:
        """Calm, repeated instructions while help is called; ends by itself after a while."""
        safety = self._script.safety
        self._repeat_emergency(self._now(), safety.emergency_repeat_s)
        self._after(safety.emergency_max_s, "emergency_over")

    def _repeat_emergency(self, at_s: float, every_s: float) -> None:
        self._say(cues.EMERGENCY if self._script.alerts else cues.EMERGENCY_NO_CHANNEL, "safety")
        self._schedule(at_s + every_s, 3, "repeat", partial(self._repeat_emergency, at_s + every_s,
                                                            every_s))

    def enter_done(self, event: EventData) -> None:
        """Nothing more is timed; after a walk, the spoken summary."""
        self._agenda.clear()
        if self._end_reason in _SUMMARY_ENDS:
            completed = self._end_reason == "completed"
            self._say(cues.summary_text(sum(self._walked_s), completed), "summary")

    def leave_state(self, event: EventData) -> None:
        """Freeze the phase's time, count walked seconds, and drop the state's timers."""
        now = self._now()
        if self.state in TIMED:
            self._frozen_elapsed_s = now - self._phase_origin_s
        elif self.state == SUPPORT_CHECK:
            self._frozen_elapsed_s = 0.0
        if self.state == WALKING:
            self._walked_s[self._plan[self._position].interval - 1] += now - self._entered_s
        self._agenda.clear()
        self._confirming = self._asking_to_end = False

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
        return self._plan[self._position + 1].state != COOL_DOWN

    def is_asking_to_end(self, event: EventData) -> bool:
        """"Do you want to end the session now?" waits for its answer."""
        return self._asking_to_end

    def is_confirming(self, event: EventData) -> bool:
        """"Say yes to walk again" waits for its answer."""
        return self._confirming

    def is_frozen_phase(self, event: EventData) -> bool:
        """The transition leads back to the phase that was interrupted."""
        return self._plan[self._position].state == _edge(event)[1]

    def needs_confirmation(self, event: EventData) -> bool:
        """Going back would mean walking backward: ask for a "yes" first (safety rule 2)."""
        return self._plan[self._position].state == WALKING

    def may_walk_again(self, event: EventData) -> bool:
        """After dizziness, only if the caregiver's script allows it (safety rule 4)."""
        return not self._dizzy_seen or self._script.safety.continue_after_dizzy

    def has_cool_down_left(self, event: EventData) -> bool:
        """The interrupted phase came before the cool-down."""
        return self._plan[self._position].state != COOL_DOWN

    # ----- callbacks named by the table: what is said on the way -----

    def drop_pending_cues(self, event: EventData) -> None:
        """Cues not yet spoken are stale once the walker asks to stop (safety rule 1)."""
        self._cues.clear()

    def say_stop(self, event: EventData) -> None:
        """The stop instruction, at once, instead of anything not yet said (safety rule 1)."""
        self._cues.clear()
        self._say(cues.STOP, "safety")

    def say_help_cancelled(self, event: EventData) -> None:
        """"Cancel" in the help window: no call."""
        self._say(cues.HELP_CANCELLED, "safety")

    def acknowledge_halt(self, event: EventData) -> None:
        """A safety word while already standing still: say again what to do."""
        self._say(_HALT_REMINDERS[self.state], "safety")

    def ask_to_end(self, event: EventData) -> None:
        """"End" in an ordinary phase: ask first; without an answer the question lapses."""
        self._asking_to_end = True
        self._say(cues.END_QUESTION, "prompt")
        timeout_s = self._script.safety.check_in_timeout_s
        self._schedule(self._now() + timeout_s, 3, "end_question", self._drop_end_question)

    def _drop_end_question(self) -> None:
        self._asking_to_end = False

    def keep_going(self, event: EventData) -> None:
        """"No" to "do you want to end?": carry on."""
        self._asking_to_end = False
        self._cancel("end_question")
        self._say(cues.KEEP_GOING, "answer")

    def ask_confirmation(self, event: EventData) -> None:
        """Walking again needs an explicit "yes" (safety rule 2)."""
        self._confirming = True
        if self.state == "check_in":
            text = cues.CONFIRM_AFTER_DIZZY
        elif self._plan[self._position].state == WALKING:
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
            self._cancel("prompt")
            self._say(cues.WAITING, "answer")

    def _ask_continue_or_end(self) -> None:
        safety = self._script.safety
        self._prompt(
            cues.CONTINUE_OR_END, safety.prompt_timeout_s, safety.max_reprompts, "prompt_unanswered"
        )

    # ----- callbacks named by the table: ends -----

    def end_session(self, event: EventData) -> None:
        """Record why the session ends (the table's `ends`) and say it, once."""
        source, dest = _edge(event)
        reason = self._ends[(event.event.name, source, dest)]
        if reason == "completed" and self._end_reason:
            return  # the cool-down after an early end: the first reason stands
        if reason == "ended_by_walker":
            self._cool_down_s = min(self._script.cool_down.duration_s, SHORT_COOL_DOWN_S)
        if reason in _URGENT_ENDS:
            self._cues.clear()
        self._end_reason = reason
        if reason in cues.END_TEXTS:
            self._say(cues.END_TEXTS[reason], "answer" if reason == "ended_by_walker" else "safety")


def _edge(event: EventData) -> tuple[str, str | None]:
    assert event.transition is not None
    return event.transition.source, event.transition.dest
