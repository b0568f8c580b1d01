"""Console sessions: cues are printed, commands typed, with a live status line of its own.

Typed commands go through the same phrase table as speech, so "I feel dizzy" works. The
keyboard stands in for the microphone: if input ends, the assistant can no longer "hear",
so the session ends safely (safety rule 3). Ctrl-C ends it safely too.
"""

from __future__ import annotations

import queue
import shutil
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


#: The commands a walker may type (or say), for the hints on screen.
COMMAND_HINT = ("ready, stop, pause, continue, I feel dizzy, help, cancel, how much longer, "
                "repeat, yes, no, end")

#: Terminal controls (VT100, as every terminal emulator reads them).
_UP, _CLEAR_LINE, _CLEAR_BELOW = "\x1b[{}A", "\x1b[2K", "\x1b[J"
_SAVE, _RESTORE = "\x1b7", "\x1b8"


class ConsoleScreen:
    """Cues and notes on lines of their own above one status line, and the walker types on
    the line below it, so typed text is never glued to the status or to a message.

    On a terminal the layout is: messages..., the status line, the input line (the cursor).
    The status is redrawn in place; a message or a typed command goes above it. A message
    redraws the input line empty: what was half typed stays in the terminal's line (Enter
    still sends it) but is no longer shown. Not a terminal (a pipe, a log): the status is
    printed only when it changes its phase."""

    def __init__(self, out: TextIO = sys.stdout, columns: int | None = None) -> None:
        self._out = out
        self._live = out.isatty()
        self._columns = columns
        """The terminal's width; None: asked of the terminal at each redraw."""
        self._status = ""
        self._drawn = False
        self._last_phase = ""

    def show_cue(self, text: str) -> None:
        """What the assistant says."""
        self._write_lines([f"  >> {text}"])

    def show_note(self, text: str) -> None:
        """A remark of the console itself (not a cue)."""
        self._write_lines([f"  (( {text} ))"])

    def show_typed(self, lines: list[str]) -> None:
        """Lines the walker typed since the last call; on a terminal, each Enter moved the
        cursor one line down, so they are set above the status again."""
        if not self._live or not lines:
            return
        shown = [f"  << {line.strip()}" for line in lines if line.strip()]
        self._write_lines(shown, rows_typed=len(lines))

    def show_status(self, status: str, phase: str) -> None:
        """Where the session is: redrawn in place on a terminal."""
        if not self._live:
            if phase != self._last_phase:
                self._last_phase = phase
                self._out.write(f"[{status}]\n")
                self._out.flush()
            return
        self._status = self._fit(status)
        if not self._drawn:
            self._write_lines([])
            return
        # Up to the status line and back, so whatever is being typed stays where it is.
        self._out.write(f"{_SAVE}{_UP.format(1)}\r{_CLEAR_LINE}{self._status}{_RESTORE}")
        self._out.flush()

    def close(self) -> None:
        """Nothing to do: the cursor already waits on a line of its own."""

    def _write_lines(self, lines: list[str], rows_typed: int = 0) -> None:
        if not self._live:
            self._out.write("".join(line + "\n" for line in lines))
            self._out.flush()
            return
        # From the input line up to the status line (and past the typed lines' echoes),
        # clear from there down, then messages, the status, and a fresh input line.
        up = (1 + rows_typed) if self._drawn else rows_typed
        moved = f"{_UP.format(up)}" if up else ""
        text = "".join(line + "\n" for line in lines)
        if self._status:
            text += self._status + "\n"
            self._drawn = True
        self._out.write(f"{moved}\r{_CLEAR_BELOW}{text}")
        self._out.flush()

    def _fit(self, status: str) -> str:
        """The status cut to the terminal's width: a wrapped one would break the layout."""
        width = self._columns or shutil.get_terminal_size().columns
        return status if len(status) < width else status[: max(width - 2, 1)] + "…"


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
        screen.show_typed(typed)
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
        screen.show_note(f"not a command; try: {COMMAND_HINT}")
        return
    name, _phrase = found
    runner.handle_intent(Intent(name, line.strip(), clock.now_s()))
