"""retrowalk demo: a complete simulated session with a synthesized walker, as a transcript."""

from __future__ import annotations

import argparse
from pathlib import Path

from assistant.commands.options import add_recognizer_options


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "demo",
        help="a complete simulated session with a synthesized walker",
        description="Run a whole session with a synthesized walker (espeak-ng) who says "
        "\"I'm ready\" at the support check, asks how much longer, feels dizzy, recovers "
        "and later ends the session. Prints a timestamped transcript and writes the "
        "session's audio to a WAV file to listen to.",
    )
    parser.add_argument("--script", metavar="FILE", default="demo",
                        help="exercise script (default: the short demo script)")
    parser.add_argument("--audio-out", metavar="FILE", type=Path,
                        default=Path("retrowalk-demo.wav"),
                        help="where to write what the room heard (default: %(default)s)")
    parser.add_argument("--log", metavar="FILE", type=Path, default=None,
                        help="write the event log (JSON Lines) to FILE")
    add_recognizer_options(parser, vosk_model=False)
    parser.add_argument("--echo-gain", type=float, default=0.3, metavar="G",
                        help="how much of the assistant's voice reaches the microphone "
                        "(default: %(default)s)")
    parser.add_argument("--send-alerts", action="store_true",
                        help="send real caregiver alerts through the script's channels "
                        "(default: log them as simulated, send nothing)")
    return parser


def run(args: argparse.Namespace) -> int:
    from assistant.audio.chunks import silence
    from assistant.audio.speakers import RoomSpeaker, VirtualRoom
    from assistant.run import simulate
    from assistant.run.demo import ReactiveWalker, transcript_lines
    from assistant.run.wiring import WiredSession
    from assistant.script.loading import load_script, resolve_script

    simulate.check_output_folder(args.audio_out)
    script = load_script(resolve_script(args.script))
    walkers: list[ReactiveWalker] = []

    def join_in(wired: WiredSession, room: VirtualRoom, speaker: RoomSpeaker) -> None:
        walker = ReactiveWalker(room, speaker, script.support_check.question)
        wired.events.subscribe(walker.on_event)
        walkers.append(walker)

    print(f"Simulating \"{script.name}\" with a synthesized walker (espeak-ng); "
          "this takes a little while...")
    result = simulate.simulate_session(
        script, silence(1.0),
        simulate.SimulationOptions(echo_gain=args.echo_gain, engine=args.engine, log_path=args.log,
                                   alerts=bool(script.alerts), send_alerts=args.send_alerts),
        on_wired=join_in,
    )
    for line in transcript_lines(result.events, walkers[0].said if walkers else []):
        print(line)
    simulate.save_room_audio(args.audio_out, result)
    print(f"\nSession {result.outcome}; "
          f"{result.summary.total_walked_s:.0f} s of backward walking in {result.audio_s:.0f} s.")
    print(f"The assistant spoke with {result.voice}.")
    print(f"Listen to it: {args.audio_out}")
    return 0
