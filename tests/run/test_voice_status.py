"""The status line of a voice session, on a real VT100 emulator (pyte): the phase, the time
left and what was heard last, below the cues; the real voice speaks into a virtual room, a
scripted recognizer hears on the simulated clock."""

from __future__ import annotations

from assistant.audio.chunks import silence
from assistant.audio.speakers import RoomSpeaker, VirtualRoom
from assistant.core.clock import SimulatedClock
from assistant.core.intents import load_phrase_table
from assistant.hearing.decider import IntentDecider
from assistant.run.console import ConsoleScreen
from assistant.run.runner import TranscriptRouter, run_listening
from assistant.run.status import VoiceStatus
from assistant.run.wiring import wire_session
from assistant.script.loading import load_script, resolve_script
from assistant.speaking.cue_output import SpokenCues
from assistant.speaking.voice import make_renderer
from tests.run.test_console_screen import Terminal
from tests.run.test_runner import DyingMicrophone, FinalsRecognizer


def run_voice_session(terminal: Terminal, heard: dict[float, str], alive_s: float) -> None:
    clock = SimulatedClock()
    script = load_script(resolve_script("default"))
    screen = ConsoleScreen(terminal, columns=100)
    speaker = RoomSpeaker(VirtualRoom(silence(1.0)), clock)
    renderer = make_renderer(script.voice)
    wired = wire_session(script, clock, lambda events: SpokenCues(
        renderer, speaker, clock, events.emit, show=screen.show_cue),
        record_history=False, alerts=False)
    status = VoiceStatus(screen, wired.runner)
    wired.events.subscribe(status.on_event, "the status line")
    router = TranscriptRouter(wired.runner, IntentDecider(load_phrase_table("en")),
                              wired.events.emit)
    source = status.watch(DyingMicrophone(clock, alive_s))
    run_listening(wired.runner, source, FinalsRecognizer(heard), router)


def test_the_status_line_shows_the_phase_the_time_left_and_what_was_heard() -> None:
    terminal = Terminal()
    run_voice_session(terminal, {20.0: "how much longer"}, alive_s=25.0)
    rows = [row for row in terminal.rows() if row]
    statuses = [row for row in rows if row.startswith("warm-up |")]
    assert len(statuses) == 1, "one status line, redrawn in place"
    assert statuses[0].endswith('| heard "how much longer"')
    assert "left" in statuses[0]
    cues = [row for row in rows if row.startswith("  >> ")]
    assert cues[3].startswith("  >> About two minutes"), "the answer, on a line of its own"
    assert rows[-1] == statuses[0], "every cue above the status line"
