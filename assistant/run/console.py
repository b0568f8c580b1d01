"""Console sessions: cues are printed, commands typed, with a live status line.

Typed commands go through the same phrase table as speech, so "I feel dizzy" works. The
keyboard stands in for the microphone: if input ends, the assistant can no longer "hear",
so the session ends safely (safety rule 3). Ctrl-C ends it safely too.
"""

from __future__ import annotations

import queue
import sys
import threading
from collections.abc import Callable
from typing import TextIO

from assistant.core.clock import Clock
from assistant.core.errors import StopSignal
from assistant.core.events import Intent
from assistant.core.intents import PhraseTable
from assistant.run.runner import SessionRunner
from assistant.run.safe_path import end_safely, session_loop

#: How often the console loop wakes to tick the session and redraw the status.
STEP_S = 0.1

#: Returns the lines typed since the last call; None once input has ended.
LineReader = Callable[[], list[str] | None]


class ConsoleScreen:
    """Prints cues on their own lines and keeps one status line at the bottom of a terminal.

    Not a terminal (a pipe, a log): the status is printed only when it changes its phase."""

    def __init__(self, out: TextIO = sys.stdout) -> None:
        self._out = out
        self._live = out.isatty()
        self._status = ""
        self._last_phase = ""

    def show_cue(self, text: str) -> None:
        self._write_line(f"  >> {text}")

    def show_note(self, text: str) -> None:
        self._write_line(f"  (( {text} ))")

    def show_status(self, status: str, phase: str) -> None:
        if self._live:
            self._status = status
            self._out.write("\r\x1b[2K" + status)
            self._out.flush()
        elif phase != self._last_phase:
            self._last_phase = phase
            self._write_line(f"[{status}]")

    def close(self) -> None:
        if self._live and self._status:
            self._out.write("\n")
            self._out.flush()

    def _write_line(self, text: str) -> None:
        if self._live:
            self._out.write("\r\x1b[2K" + text + "\n" + self._status)
        else:
            self._out.write(text + "\n")
        self._out.flush()


def stdin_reader(stream: TextIO = sys.stdin) -> LineReader:
    """Reads typed lines in a background thread so the session keeps time meanwhile."""
    lines: queue.SimpleQueue[str | None] = queue.SimpleQueue()

    def pump() -> None:
        for line in stream:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, name="console-input", daemon=True).start()
    ended = False

    def read() -> list[str] | None:
        nonlocal ended
        typed: list[str] = []
        while not lines.empty():
            line = lines.get()
            if line is None:
                ended = True
            else:
                typed.append(line)
        return None if ended and not typed else typed

    return read


def format_status(runner: SessionRunner) -> tuple[str, str]:
    """The status line (phase, interval, remaining time) and the phase it describes."""
    status = runner.session.status  # type: ignore[attr-defined]
    phase = status.phase_label
    parts = [phase]
    if status.phase_remaining_s is not None:
        parts.append(f"{_clock_face(status.phase_remaining_s)} left")
    if status.session_remaining_s is not None:
        parts.append(f"session {_clock_face(status.session_remaining_s)} left")
    return " | ".join(parts), phase


def _clock_face(seconds: float) -> str:
    whole = max(int(round(seconds)), 0)
    return f"{whole // 60}:{whole % 60:02d}"


def run_console(
    runner: SessionRunner,
    table: PhraseTable,
    clock: Clock,
    read_lines: LineReader,
    sleep: Callable[[float], None],
    screen: ConsoleScreen,
) -> None:
    """Run a whole session from the keyboard until it is done; whatever fails ends it by
    the safe path (`safe_path.py`)."""
    try:
        with session_loop():
            _type_along(runner, table, clock, read_lines, sleep, screen)
    except (Exception, KeyboardInterrupt) as err:
        if isinstance(err, KeyboardInterrupt):
            name = err.name if isinstance(err, StopSignal) else "Ctrl-C"
            screen.show_note(f"{name}: ending the session safely")
        end_safely(runner, err)
    finally:
        screen.close()


def _type_along(runner: SessionRunner, table: PhraseTable, clock: Clock, read_lines: LineReader,
                sleep: Callable[[float], None], screen: ConsoleScreen) -> None:
    runner.start()
    while not runner.finished:
        typed = read_lines()
        if typed is None:
            screen.show_note("input ended: the assistant can no longer hear you")
            runner.hearing_lost("the console input ended")
            break
        for line in typed:
            _handle_typed(line, runner, table, clock, screen)
        runner.step()
        text, phase = format_status(runner)
        screen.show_status(text, phase)
        sleep(STEP_S)


def _handle_typed(line: str, runner: SessionRunner, table: PhraseTable, clock: Clock,
                  screen: ConsoleScreen) -> None:
    if not line.strip():
        return
    found = table.find(line)
    if found is None:
        screen.show_note(
            "not a command; try: ready, stop, pause, continue, I feel dizzy, help, "
            "how much longer, repeat, yes, no, end"
        )
        return
    name, _phrase = found
    runner.handle_intent(Intent(name, line.strip(), clock.now_s()))
