"""`retrowalk demo`: a whole session with a synthesized walker who answers as a person would.

The walker (espeak-ng) says "I'm ready" at the support check, asks "how much longer" in the
first walk, says "I feel dizzy" in the second, answers the check-in with "yes", confirms
walking again, and later says "end". Its words are placed in the virtual room's recording
as the session runs, so they land after the assistant's question, wherever that falls.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.audio.chunks import mix_at
from assistant.audio.speakers import RoomSpeaker, VirtualRoom
from assistant.core.events import SessionEvent
from assistant.speaking.espeak import SpeakerStyle, synthesize

#: What the walker says at the start of each backward walk (by how many walks have begun).
WALK_LINES = {1: "how much longer", 2: "I feel dizzy", 3: "end"}
#: Seconds the walker waits after the assistant stops talking before answering.
ANSWER_DELAY_S = 1.0


@dataclass(frozen=True)
class WalkerLine:
    at_s: float
    text: str


@dataclass
class ReactiveWalker:
    """Listens to the session's events and speaks into the room as a walker would."""

    room: VirtualRoom
    speaker: RoomSpeaker
    support_question: str
    style: SpeakerStyle = SpeakerStyle("en-us+f2", 150, 50)
    said: list[WalkerLine] = field(default_factory=list)
    _walks_begun: int = 0
    _line_for_next_cue: str | None = None

    def on_event(self, event: SessionEvent) -> None:
        if event.type == "state" and event.fields.get("to") == "walking":
            self._walks_begun += 1
            self._line_for_next_cue = WALK_LINES.get(self._walks_begun)
        elif event.type == "cue" and not event.fields.get("interrupted"):
            self._answer(str(event.fields.get("text", "")))

    def _answer(self, cue_text: str) -> None:
        if cue_text == self.support_question:
            self._say_after_cue("I'm ready")
        elif "say yes" in cue_text.lower():
            self._say_after_cue("yes")
        elif self._line_for_next_cue is not None:
            self._say_after_cue(self._line_for_next_cue)
            self._line_for_next_cue = None

    def _say_after_cue(self, text: str) -> None:
        played = self.speaker.played[-1]
        at_s = played.end_s + ANSWER_DELAY_S
        self.room.walker_samples = mix_at(self.room.walker_samples, synthesize(text, self.style),
                                          at_s)
        self.said.append(WalkerLine(at_s, text))


def transcript_lines(events: list[SessionEvent], said: list[WalkerLine]) -> list[str]:
    """A readable, timestamped transcript of what was said and done.

    Events keep the order in which they happened; the walker's lines go in by time."""
    waiting = sorted(said, key=lambda line: line.at_s)
    lines: list[str] = []
    for event in events:
        while waiting and waiting[0].at_s <= event.t_s:
            line = waiting.pop(0)
            lines.append(f"{_stamp(line.at_s)}  Walker      says \"{line.text}\"")
        text = _describe(event)
        if text:
            lines.append(f"{_stamp(event.t_s)}  {text}")
    lines += [f"{_stamp(line.at_s)}  Walker      says \"{line.text}\"" for line in waiting]
    return lines


def _describe(event: SessionEvent) -> str | None:
    fields = event.fields
    if event.type == "cue":
        cut = "   [cut off]" if fields.get("interrupted") else ""
        return f"RetroWalk   {fields['text']}{cut}"
    if event.type == "intent":
        return f"  heard     \"{fields['text']}\" -> {fields['intent']}"
    if event.type == "state":
        return f"  state     {fields['from']} -> {fields['to']} ({fields['trigger']})"
    if event.type == "alert":
        outcome = "simulated, not sent" if fields.get("simulated") else (
            "sent" if fields["ok"] else "failed")
        return f"  alert     {fields['channel']}: {outcome}"
    if event.type == "error":
        return f"  error     {fields['message']}"
    return None


def _stamp(at_s: float) -> str:
    minutes, seconds = divmod(max(at_s, 0.0), 60.0)
    return f"{int(minutes):2d}:{seconds:04.1f}"
