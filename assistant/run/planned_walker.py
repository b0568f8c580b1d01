"""The walker of a plan (`assistant.script.walker_plan`): a synthesized voice (espeak-ng)
that says each step's words into the simulated room at the step's moment.

It follows the session as a person would: it hears the cues (the session's events) and
the silence after them (the room's speaker), and it speaks into the same audio the
session's recognizer hears, on the simulated clock. So a rehearsal goes through the real
recognizer, the echo guard and the session, exactly as a recording would.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.audio.chunks import Samples, mix_at
from assistant.audio.speakers import RoomSpeaker, VirtualRoom
from assistant.core.events import AudioChunk, SessionEvent
from assistant.run.simulate import SimulationOptions, SimulationResult, simulate_session
from assistant.run.wiring import WiredSession
from assistant.script.model import ExerciseScript
from assistant.script.walker_plan import Moment, PlanStep, WalkerPlan, clock_face
from assistant.session.machine import Session
from assistant.speaking.espeak import SpeakerStyle, synthesize

#: Seconds of silence after the assistant's last word before the walker answers.
ANSWER_DELAY_S = 1.0
#: The walker's voice: an eSpeak NG voice unlike the assistant's, as in `retrowalk demo`.
WALKER_STYLE = SpeakerStyle("en-us+f2", 150, 50)


@dataclass(frozen=True)
class SaidStep:
    """A step of the plan as it was said: from `at_s` to `end_s` on the session's clock."""

    step: PlanStep
    at_s: float
    end_s: float


@dataclass
class PlannedWalker:
    """Says a plan's steps in order; `on_event` and `on_chunk` let it follow the session."""

    plan: WalkerPlan
    room: VirtualRoom
    speaker: RoomSpeaker
    session: Session
    support_question: str
    """The script's support-check question, which `when asked to get ready` answers."""
    style: SpeakerStyle = WALKER_STYLE
    said: list[SaidStep] = field(default_factory=list)
    _asked: bool = False
    """A question the current step answers has been asked since the step before was said."""
    _quiet_since_s: float | None = None

    @property
    def unsaid(self) -> list[PlanStep]:
        """The steps whose moment never came."""
        return list(self.plan.steps[len(self.said):])

    def report_lines(self) -> list[str]:
        """What the walker said and when, then the steps whose moment never came."""
        source = self.plan.source
        lines = [f'Walker said "{said.step.words}" at {clock_face(said.at_s)} '
                 f"({source}:{said.step.line})" for said in self.said]
        lines += [f'Walker never said "{step.words}": its moment did not come '
                  f"({source}:{step.line}: {step.describe()})" for step in self.unsaid]
        return lines

    def on_event(self, event: SessionEvent) -> None:
        """Event subscriber: notes the questions the current step may answer."""
        step = self._current()
        if step is None or event.type != "cue" or event.fields.get("interrupted"):
            return
        if step.moment == Moment.ASKED_TO_GET_READY:
            if event.fields.get("text") == self.support_question:
                self._asked = True
        elif step.moment == Moment.ASKED and self.session.expecting_answer:
            self._asked = True

    def on_chunk(self, chunk: AudioChunk) -> None:
        """Before the session hears `chunk`: speak from its end on if a step is due."""
        now_s = chunk.end_s
        if self.speaker.is_playing(now_s):
            self._quiet_since_s = None
        elif self._quiet_since_s is None:
            self._quiet_since_s = now_s
        step = self._current()
        if step is not None and self._due(step, now_s):
            self._say(step, now_s)

    def _current(self) -> PlanStep | None:
        steps = self.plan.steps
        return steps[len(self.said)] if len(self.said) < len(steps) else None

    def _due(self, step: PlanStep, now_s: float) -> bool:
        if self.said and now_s < self.said[-1].end_s:
            return False  # still saying the step before
        if step.moment == Moment.AT:
            return now_s >= (step.at_s or 0.0)
        quiet = self._quiet_since_s is not None and now_s - self._quiet_since_s >= ANSWER_DELAY_S
        return self._asked and quiet and self.session.expecting_answer

    def _say(self, step: PlanStep, at_s: float) -> None:
        spoken = synthesize(step.words, self.style)
        self.room.walker_samples = mix_at(self.room.walker_samples, spoken, at_s)
        self.said.append(SaidStep(step, at_s, at_s + len(spoken) / self.room.rate_hz))
        self._asked = False


def simulate_with_walker(script: ExerciseScript, plan: WalkerPlan, recording: Samples,
                         options: SimulationOptions | None = None,
                         ) -> tuple[SimulationResult, PlannedWalker]:
    """A simulated session in which the plan's walker speaks over `recording` (16 kHz)."""
    walkers: list[PlannedWalker] = []

    def join_in(wired: WiredSession, room: VirtualRoom, speaker: RoomSpeaker) -> None:
        walker = PlannedWalker(plan, room, speaker, wired.session,
                               script.support_check.question)
        wired.events.subscribe(walker.on_event, "the planned walker")
        walkers.append(walker)

    def on_chunk(chunk: AudioChunk) -> None:
        for walker in walkers:
            walker.on_chunk(chunk)

    result = simulate_session(script, recording, options or SimulationOptions(),
                              on_wired=join_in, on_chunk=on_chunk)
    return result, walkers[0]
