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
        description="Run a whole session with a recording (USER.wav) as the microphone. "
        "The session's clock is the audio position, so it runs faster than real time and "
        "its log is the same every time. After the recording ends, the session goes on in silence "
        "until it is over (unanswered questions end it safely).",
    )
    parser.add_argument("--audio-in", metavar="USER.wav", type=Path, required=True,
                        help="what the walker says: a recording (WAV of any sample format, "
                        "FLAC, OGG or MP3; any rate, any channels)")
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
    from assistant.audio.chunks import read_audio
    from assistant.run import simulate
    from assistant.script.loading import load_script, resolve_script

    if not 0.0 <= args.echo_gain <= 1.0:
        print("retrowalk simulate: --echo-gain must be between 0 and 1", file=sys.stderr)
        return 2
    if args.audio_out is not None:
        simulate.check_output_folder(args.audio_out)
    script = load_script(resolve_script(args.script))
    walker = read_audio(args.audio_in)
    result = simulate.simulate_session(
        script, walker,
        simulate.SimulationOptions(echo_gain=args.echo_gain, engine=args.engine,
                          vosk_model=args.vosk_model, log_path=args.log, db_path=args.db,
                                   send_alerts=args.send_alerts),
    )
    if args.log is None:
        for event in result.events:
            print(event.to_json_line())
    if args.audio_out is not None:
        simulate.save_room_audio(args.audio_out, result)
    print(f"Session {result.outcome} "
          f"after {result.audio_s:.1f} s of audio.", file=sys.stderr)
    print(f"The assistant spoke with {result.voice}.", file=sys.stderr)
    return 0
