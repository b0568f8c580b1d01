"""retrowalk start: a live session, hands-free (or typed, with --console)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from assistant.audio.microphone import device_argument
from assistant.commands.arguments import positive_number
from assistant.commands.options import add_recognizer_options
from assistant.core.errors import AudioDeviceError, SessionStopped, StopSignal
from assistant.run.safe_path import StopSignals
from assistant.script.loading import load_script, resolve_script
from assistant.script.model import ExerciseScript
from assistant.script.timeline import format_timeline
from assistant.session.end_words import outcome_words


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "start",
        help="run a live session (the default script unless --script)",
        description="Run a live exercise session. The assistant talks the walker through "
        "the warm-up, the support check, the backward-walking intervals and the cool-down, "
        "and listens for commands at any moment: stop, pause, I feel dizzy, help, "
        "how much longer, repeat, continue. Without an audio device it falls back to a "
        "console session, where commands are typed.",
    )
    parser.add_argument("--script", metavar="FILE", default=None,
                        help="exercise script (a YAML file, or a bundled name: default, "
                        "building, knee_friendly); default: the gentle beginner programme")
    parser.add_argument("--console", action="store_true",
                        help="type commands and read the cues on screen instead of speech")
    parser.add_argument("--input-device", metavar="D", default=None, type=device_argument,
                        help="microphone: a number or part of a name (see 'retrowalk devices')")
    parser.add_argument("--output-device", metavar="D", default=None, type=device_argument,
                        help="speaker: a number or part of a name (see 'retrowalk devices')")
    parser.add_argument("--log", metavar="FILE", type=Path, default=None,
                        help="write the event log (JSON Lines) to FILE")
    add_recognizer_options(parser)
    parser.add_argument("--db", metavar="FILE", type=Path, default=None,
                        help="history database (default: in your RetroWalk data folder)")
    parser.add_argument("--no-history", action="store_true",
                        help="do not record this session in the history")
    parser.add_argument("--speed", type=positive_number, default=1.0, metavar="N",
                        help="console only: run the clock N times faster, to preview a "
                        "script (default 1)")
    return parser


def run(args: argparse.Namespace) -> int:
    try:
        return _start(args)
    except StopSignal as stop:  # before the session began: nothing to end safely
        raise SessionStopped(f"stopped by {stop.name} before the session began",
                             stop.signal_number) from stop


def _start(args: argparse.Namespace) -> int:
    script = load_script(resolve_script(args.script))
    print(f"RetroWalk: {script.name}{script.for_walker}.")
    print(format_timeline(script))
    if args.speed != 1.0 and not args.console:
        print("retrowalk: --speed works with --console only", file=sys.stderr)
        return 2
    if args.console and (args.input_device is not None or args.output_device is not None):
        print("retrowalk: a console session uses no audio device: --input-device and "
              "--output-device are not used", file=sys.stderr)
    if not args.console:
        try:
            return _run_live(args, script)
        except AudioDeviceError as err:
            if args.input_device is not None or args.output_device is not None:
                raise
            print(f"No usable audio device ({err}).")
            print("Starting a console session instead: type your commands.")
    return _run_console(args, script)


def _run_live(args: argparse.Namespace, script: ExerciseScript) -> int:
    from assistant.audio.microphone import check_devices
    from assistant.run.live import LiveOptions, run_live_session

    check_devices(args.input_device, args.output_device)
    options = LiveOptions(args.input_device, args.output_device, args.engine,
                          args.vosk_model, args.log, args.db, not args.no_history,
                          status_line=sys.stdout.isatty())
    with StopSignals() as stops:  # SIGTERM, SIGHUP: the safe path, as Ctrl-C
        wired = run_live_session(script, options, print)
    return _report_end(wired.session.summary, stops.received)


def _run_console(args: argparse.Namespace, script: ExerciseScript) -> int:
    from assistant.core.clock import MonotonicClock
    from assistant.core.intents import load_phrase_table
    from assistant.run.console import COMMAND_HINT, ConsoleScreen, run_console, stdin_reader
    from assistant.run.wiring import wire_session
    from assistant.speaking.cue_output import PrintedCues

    clock = ScaledClock(args.speed) if args.speed != 1.0 else MonotonicClock()
    screen = ConsoleScreen()
    print(f"Type a command and press Enter at any time: {COMMAND_HINT}. Ctrl-C ends safely.")
    wired = wire_session(
        script, clock, lambda events: PrintedCues(clock, events.emit, screen.show_cue),
        log_path=args.log, db_path=args.db, record_history=not args.no_history,
    )
    # SIGTERM, SIGHUP: the safe path, as Ctrl-C; once it has ended, closing is not cut short.
    with StopSignals() as stops:
        try:
            run_console(wired.runner, load_phrase_table(script.language), clock,
                        stdin_reader(), lambda seconds: time.sleep(seconds / args.speed), screen)
            wired.say_undelivered_alert()
            wired.say_progress_advice()
        finally:
            wired.close()
    return _report_end(wired.session.summary, stops.received)


class ScaledClock:
    """Real time, sped up: for previewing a script on the console."""

    def __init__(self, speed: float) -> None:
        self._origin_s = time.monotonic()
        self._speed = speed

    def now_s(self) -> float:
        return (time.monotonic() - self._origin_s) * self._speed


def _report_end(summary: object, signal_number: int | None = None) -> int:
    completed = getattr(summary, "completed", False)
    reason = getattr(summary, "end_reason", "")
    print(f"Session {outcome_words(completed, reason)}.")
    # A signal that came once the session had ended still says how the program was ended.
    return 128 + signal_number if signal_number else 0
