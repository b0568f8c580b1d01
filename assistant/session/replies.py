"""The session's replies that change no state: the time left, "repeat", and the answer to a
command that means nothing where the session is (`answers.py` words it).

Times are worded when they are said: "repeat" asks the cue's wording again, so a repeated
"thirty seconds left" tells the time left now. `Replies` is a part of `Session` (a base class,
as `SafetyFlow` is); `Session` sets the attributes declared below. Pure.
"""

from __future__ import annotations

from assistant.core.events import CueKind
from assistant.script.model import ExerciseScript
from assistant.script.placeholders import fill_placeholders
from assistant.session import answers, cues
from assistant.session.agenda import Agenda
from assistant.session.cue_queue import CueQueue
from assistant.session.progress import Progress, SessionStatus
from assistant.session.table import DONE, EMERGENCY, HELP_PENDING, IDLE, SAFETY_PAUSE, TIMED

#: States whose end the plan does not time: "how much longer?" is answered with what comes
#: next (the check-in after dizziness, the caregiver's call) instead of the frozen walk.
_WAITING_FOR_OTHERS = (SAFETY_PAUSE, HELP_PENDING, EMERGENCY)


class Replies:
    """Time left, "repeat", and answers to commands that change nothing (a base of Session)."""

    state: str
    _script: ExerciseScript
    _progress: Progress
    _agenda: Agenda
    _cues: CueQueue
    _confirming: bool
    _asking_to_end: bool

    # Session's own, declared here so that these replies read them.
    @property
    def status(self) -> SessionStatus:
        """Where the session is (Session's)."""
        raise NotImplementedError

    def _now(self) -> float:
        raise NotImplementedError

    def _say_time_left(self) -> None:
        if self.state in _WAITING_FOR_OTHERS:
            self._answer_unheeded("time_left")  # what comes next matters here, not the plan
        elif self.state not in (IDLE, DONE):
            words = self._time_left_words
            self._cues.say(words(), CueKind.ANSWER, again=words, live=words)

    def _time_left_words(self) -> str:
        """The answer to "how much longer?", worded when it is said."""
        status = self.status
        phase = self._progress.current.state
        phase_words = phase if status.phase_remaining_s is not None else None
        return cues.time_left_text(
            phase_words, status.phase_remaining_s or 0.0, status.session_remaining_s or 0.0
        )

    def _phase_left_words(self) -> str:
        """The time left in the phase (a mark said again), worded when it is said."""
        status = self.status
        if status.phase_remaining_s is None:
            return self._time_left_words()
        return cues.phase_left_text(self._progress.current.state, status.phase_remaining_s)

    def _mark_words(self, mark_s: float) -> str:
        """A remaining-time mark as it is when it plays: "Thirty seconds left.", or less."""
        left_s = self.status.phase_remaining_s
        if self.state not in TIMED or left_s is None:
            return cues.remaining_text(mark_s)
        return cues.remaining_text(max(cues.round_for_speech(min(left_s, mark_s)), 5.0))

    def _resumed_words(self) -> str:
        """"Let's go on" with the time left as it is when it plays."""
        left_s = self.status.phase_remaining_s or 0.0
        return cues.resumed_text(self._progress.current.state, left_s)

    def _fill(self, text: str) -> str:
        """A cue of the script with its `{duration}` and `{walked}` as they are now."""
        duration_s = self._progress.duration_s(self._progress.current)
        walked_s = self._progress.walked_so_far_s(self.state, self._now())
        return fill_placeholders(text, {
            "duration": cues.seconds_in_words(duration_s),
            "walked": cues.seconds_in_words(cues.round_for_speech(walked_s)),
        })

    def _repeat(self) -> None:
        """The last cue again, its times as they are now; in the help window, the window."""
        if self.state == HELP_PENDING:
            help_in_s = self._moment().help_in_s
            self._cues.say(answers.help_coming_text(help_in_s), CueKind.REPEAT)
        else:
            self._cues.repeat_last()

    def _answer_unheeded(self, intent: str) -> None:
        """`intent` changed nothing: the walker still hears what is going on, and what next."""
        self._cues.say(answers.unanswered_text(intent, self._moment()), CueKind.ANSWER)

    def _moment(self) -> answers.Moment:
        """Where the session is, for an answer to a command that changes nothing."""
        due_s = self._agenda.due_s("limit")
        in_s = None if due_s is None else max(due_s - self._now(), 0.0)
        window_s = self._script.safety.help_cancel_window_s
        return answers.Moment(
            self.state, self._asking_to_end, self._confirming,
            in_s if self.state == SAFETY_PAUSE else None,
            min(in_s, window_s) if self.state == HELP_PENDING and in_s is not None else None,
        )
