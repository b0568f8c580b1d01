"""Console sessions on a simulated clock: typed commands, status line, safe endings."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from assistant.core.clock import SimulatedClock
from assistant.core.intents import load_phrase_table
from assistant.run.console import ConsoleScreen, run_console
from assistant.run.wiring import WiredSession, wire_session
from assistant.script.loading import load_script, resolve_script
from assistant.speaking.cue_output import PrintedCues


class TypedLines:
    """Lines the walker types at given session times; None (input ended) after `end_s`."""

    def __init__(self, clock: SimulatedClock, lines: list[tuple[float, str]],
                 end_s: float | None = None) -> None:
        self._clock = clock
        self._lines = sorted(lines)
        self._end_s = end_s

    def __call__(self) -> list[str] | None:
        now_s = self._clock.now_s()
        due = [text for at_s, text in self._lines if at_s <= now_s]
        self._lines = [(at_s, text) for at_s, text in self._lines if at_s > now_s]
        if not due and self._end_s is not None and now_s >= self._end_s:
            return None
        return due


def run_typed_session(lines: list[tuple[float, str]], end_s: float | None = None,
                      script_name: str = "default", log: Path | None = None,
                      ) -> tuple[WiredSession, str]:
    clock = SimulatedClock()
    out = io.StringIO()
    screen = ConsoleScreen(out)
    script = load_script(resolve_script(script_name))
    wired = wire_session(script, clock, lambda events: PrintedCues(clock, events.emit,
                                                                     screen.show_cue),
                         log_path=log, record_history=False, alerts=False)
    run_console(wired.runner, load_phrase_table("en"), clock, TypedLines(clock, lines, end_s),
                clock.advance, screen)
    wired.close()
    return wired, out.getvalue()


def states(wired: WiredSession) -> list[str]:
    return [e.fields["to"] for e in wired.events.events if e.type == "state"]


def test_typed_session_runs_the_default_script_to_the_end(tmp_path: Path) -> None:
    log = tmp_path / "session.jsonl"
    wired, output = run_typed_session([(185.0, "I'm ready")], log=log)
    assert wired.session.summary.completed
    assert states(wired)[:3] == ["warm_up", "support_check", "walking"]
    assert states(wired)[-2:] == ["cool_down", "done"]
    script = wired.script
    assert wired.session.summary.total_walked_s == pytest.approx(script.total_walk_s, abs=0.5)
    # Cues and a status line with the phase and the remaining time reach the screen.
    assert "Say ready when you are ready." in output
    assert "[warm-up | 3:00 left" in output
    # The log holds the contract's records, one JSON object per line.
    records = [json.loads(line) for line in log.read_text().splitlines()]
    assert {r["type"] for r in records} >= {"state", "cue", "intent"}
    assert all(isinstance(r["t"], float | int) for r in records)
    assert records[0] == {"t": 0.0, "type": "state", "from": "idle", "to": "warm_up",
                          "trigger": records[0]["trigger"]}


def test_typed_i_feel_dizzy_reaches_the_safety_pause() -> None:
    wired, output = run_typed_session([(185.0, "ready"), (195.0, "oh, I feel dizzy now")],
                                      end_s=200.0)
    assert "safety_pause" in states(wired)
    intents = [e.fields["intent"] for e in wired.events.events if e.type == "intent"]
    assert intents == ["ready", "dizzy"]


def test_unknown_typing_is_not_a_command_and_gets_a_hint() -> None:
    wired, output = run_typed_session([(185.0, "ready"), (190.0, "what a lovely day")],
                                      end_s=195.0)
    assert "not a command" in output
    assert [e.fields["intent"] for e in wired.events.events if e.type == "intent"] == ["ready"]


def test_input_ending_means_the_assistant_cannot_hear_and_ends_safely() -> None:
    wired, output = run_typed_session([(185.0, "ready")], end_s=200.0)
    assert states(wired)[-1] == "done"
    assert wired.session.summary.end_reason == "hearing_lost"
    cues = [e.fields["text"] for e in wired.events.events if e.type == "cue"]
    assert "stand still" in cues[-1].lower()
    assert any(e.type == "error" for e in wired.events.events)


def test_ctrl_c_ends_the_session_safely_with_a_spoken_instruction() -> None:
    clock = SimulatedClock()
    screen = ConsoleScreen(io.StringIO())
    script = load_script(resolve_script("default"))
    wired = wire_session(script, clock, lambda events: PrintedCues(clock, events.emit,
                                                                     screen.show_cue),
                         record_history=False, alerts=False)

    def sleep_then_interrupt(seconds: float) -> None:
        clock.advance(seconds)
        if clock.now_s() > 190.0:
            raise KeyboardInterrupt

    run_console(wired.runner, load_phrase_table("en"), clock, TypedLines(clock, [(185, "ready")]),
                sleep_then_interrupt, screen)
    assert wired.session.finished
    assert wired.session.summary.end_reason == "interrupted"
    last_cue = [e for e in wired.events.events if e.type == "cue"][-1]
    assert "stop" in last_cue.fields["text"].lower() or "stand" in last_cue.fields["text"].lower()
