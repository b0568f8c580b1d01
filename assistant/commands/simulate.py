"""retrowalk simulate: a whole session with a recording as the microphone."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from assistant.commands.options import add_recognizer_options


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "simulate",
        help="run a session with a recording as the microphone, faster than real time",
        description="Run a whole session with a recording (USER.wav) as the microphone, "
        "or with a synthesized walker who follows a plan (--walker PLAN), to rehearse a "
        "script without recording anything. "
        "The session's clock is the audio position, so it runs faster than real time and "
        "its log is the same every time. After the recording ends, the session goes on in silence "
        "until it is over (unanswered questions end it safely).",
        epilog="A walker plan is a text file, one step a line, followed from top to "
        "bottom: 'when asked to get ready: I'm ready', 'at 5:00: I feel dizzy' (on the "
        "session's clock), 'when asked: no'. See docs/walker_plans.md.",
    )
    parser.add_argument("--audio-in", metavar="USER.wav", type=Path, default=None,
                        help="what the walker says: a recording (WAV of any sample format, "
                        "FLAC, OGG or MP3; any rate, any channels)")
    parser.add_argument("--walker", metavar="PLAN", type=Path, default=None,
                        help="a synthesized walker (espeak-ng) says the plan's lines at their "
                        "moments, heard by the real recognizer; with --audio-in it speaks "
                        "over the recording. What it said is listed at the end")
    parser.add_argument("--script", metavar="FILE", default=None,
                        help="exercise script (default: the bundled default script)")
    parser.add_argument("--audio-out", metavar="SESSION.wav", type=Path, default=None,
                        help="write what the room heard (walker and assistant)")
    parser.add_argument("--log", metavar="FILE", type=Path, default=None,
                        help="write the event log (JSON Lines); default: print it")
    parser.add_argument("--echo-gain", type=float, default=0.0, metavar="G",
                        help="mix the assistant's own voice back into the microphone at "
                        "this gain, as a room would (0 to 1; default 0)")
    add_recognizer_options(parser)
    parser.add_argument("--db", metavar="FILE", type=Path, default=None,
                        help="record the session in this history database")
    parser.add_argument("--send-alerts", action="store_true",
                        help="send real caregiver alerts through the script's channels "
                        "(default: log them as simulated, send nothing)")
    return parser


def run(args: argparse.Namespace) -> int:
    from assistant.audio.chunks import read_audio, silence
    from assistant.run import simulate
    from assistant.run.planned_walker import simulate_with_walker
    from assistant.script.loading import load_script, resolve_script
    from assistant.script.walker_plan import PlanError, load_plan

    problem = _argument_problem(args)
    if problem:
        print(f"retrowalk simulate: {problem}", file=sys.stderr)
        return 2
    try:
        plan = load_plan(args.walker) if args.walker is not None else None
    except PlanError as err:  # every bad line as PLAN:LINE: error: ..., as `check` does
        print("\n".join(err.problems or [str(err)]), file=sys.stderr)
        return err.exit_code
    if args.audio_out is not None:
        simulate.check_output_folder(args.audio_out)
    script = load_script(resolve_script(args.script))
    recording = read_audio(args.audio_in) if args.audio_in is not None else silence(1.0)
    options = simulate.SimulationOptions(
        echo_gain=args.echo_gain, engine=args.engine, vosk_model=args.vosk_model,
        log_path=args.log, db_path=args.db, send_alerts=args.send_alerts)
    if plan is None:
        result, said = simulate.simulate_session(script, recording, options), []
    else:
        result, walker = simulate_with_walker(script, plan, recording, options)
        said = walker.report_lines()
    if args.log is None:
        for event in result.events:
            print(event.to_json_line())
    if args.audio_out is not None:
        simulate.save_room_audio(args.audio_out, result)
    lines = [*said, f"Session {result.outcome} after {result.audio_s:.1f} s of audio.",
             f"The assistant spoke with {result.voice}."]
    for line in lines:
        print(line, file=sys.stderr)
    return 0


def _argument_problem(args: argparse.Namespace) -> str | None:
    """What is wrong with the arguments, before any work; None when nothing is."""
    if not 0.0 <= args.echo_gain <= 1.0:
        return "--echo-gain must be between 0 and 1"
    if args.audio_in is None and args.walker is None:
        return "give --audio-in USER.wav, --walker PLAN, or both"
    return None
