"""The console on a terminal: what a real VT100 emulator (pyte) shows while a session runs on
the simulated clock and the walker types, with the terminal's own echo of the typing.
Messages, typed commands and the status line each keep a line of their own."""

from __future__ import annotations

import pyte

from assistant.core.clock import SimulatedClock
from assistant.core.intents import load_phrase_table
from assistant.run.console import ConsoleScreen, run_console
from assistant.run.wiring import wire_session
from assistant.script.loading import load_script, resolve_script
from assistant.speaking.cue_output import PrintedCues

COLUMNS, ROWS = 100, 30


class Terminal:
    """A terminal: the program's output and the echo of the keyboard reach one screen."""

    def __init__(self) -> None:
        self.screen = pyte.Screen(COLUMNS, ROWS)
        self._stream = pyte.Stream(self.screen)

    def isatty(self) -> bool:
        return True

    def write(self, text: str) -> int:
        # A terminal's output processing turns "\n" into a new line at its start.
        self._stream.feed(text.replace("\n", "\r\n"))
        return len(text)

    def flush(self) -> None:
        pass

    def type_keys(self, text: str) -> None:
        """The echo of keys pressed (Enter as "\n")."""
        self.write(text)

    def rows(self) -> list[str]:
        return [row.rstrip() for row in self.screen.display]

    def cursor_row(self) -> int:
        return self.screen.cursor.y


class Keyboard:
    """Keys pressed at session times: echoed on the terminal at once, as a terminal does;
    a line reaches the program when Enter is pressed."""

    def __init__(self, clock: SimulatedClock, terminal: Terminal,
                 keys: list[tuple[float, str]], end_s: float) -> None:
        self._clock, self._terminal, self._keys, self._end_s = clock, terminal, keys, end_s
        self._pending = ""

    def __call__(self) -> list[str] | None:
        now_s = self._clock.now_s()
        lines: list[str] = []
        while self._keys and self._keys[0][0] <= now_s:
            _, keys = self._keys.pop(0)
            self._terminal.type_keys(keys)
            self._pending += keys
            *done, self._pending = self._pending.split("\n")
            lines += [line + "\n" for line in done]
        if not lines and now_s >= self._end_s:
            return None
        return lines


def run_on_terminal(keys: list[tuple[float, str]], end_s: float,
                    snapshots: dict[float, list[str]]) -> Terminal:
    """A default-script console session; `snapshots` get the screen at the times asked."""
    clock, terminal = SimulatedClock(), Terminal()
    screen = ConsoleScreen(terminal, columns=COLUMNS)  # type: ignore[arg-type]
    wired = wire_session(load_script(resolve_script("default")), clock,
                         lambda events: PrintedCues(clock, events.emit, screen.show_cue),
                         record_history=False, alerts=False)
    wanted = sorted(snapshots)

    def sleep(seconds: float) -> None:
        clock.advance(seconds)
        while wanted and clock.now_s() >= wanted[0]:
            snapshots[wanted.pop(0)] = terminal.rows()

    run_console(wired.runner, load_phrase_table("en"), clock,
                Keyboard(clock, terminal, keys, end_s), sleep, screen)
    wired.close()
    return terminal


def test_typed_text_is_never_glued_to_the_status_or_a_message() -> None:
    snapshots: dict[float, list[str]] = {30.0: [], 45.0: []}
    run_on_terminal([(40.0, "how much"), (42.0, " longer\n")], 50.0, snapshots)
    while_typing, after = snapshots[30.0], snapshots[45.0]
    # Before any typing: the status line is the last line written, on a line of its own.
    status = [row for row in while_typing if row.startswith("warm-up |")]
    assert len(status) == 1 and status[0].endswith("left")
    # After: the command on its own line, then the answer, then the status, nothing glued.
    typed = after.index("  << how much longer")
    answer = next(i for i, row in enumerate(after) if row.startswith("  >> ") and i > typed)
    status_row = next(i for i, row in enumerate(after) if row.startswith("warm-up |"))
    assert typed < answer < status_row
    assert [row for row in after if "how much" in row] == ["  << how much longer"]
    assert sum(row.startswith("warm-up |") for row in after) == 1


def test_half_typed_text_stays_on_the_input_line_while_the_status_ticks() -> None:
    # Typed after the warm-up's encouragement at 40 s; the next cue comes at 80 s. (A cue
    # clears the input line: what was typed stays in the terminal's line, unseen.)
    snapshots: dict[float, list[str]] = {44.0: []}
    terminal = run_on_terminal([(41.0, "how mu")], 50.0, snapshots)
    rows = snapshots[44.0]
    status_row = next(i for i, row in enumerate(rows) if row.startswith("warm-up |"))
    assert rows[status_row + 1] == "how mu"
    assert "how mu" not in rows[status_row]
    assert terminal.rows().count("how mu") <= 1


def test_the_session_end_leaves_the_cursor_on_a_fresh_line() -> None:
    terminal = run_on_terminal([], 5.0, {})
    assert terminal.rows()[terminal.cursor_row()] == ""
    assert any("can no longer hear" in row for row in terminal.rows())
