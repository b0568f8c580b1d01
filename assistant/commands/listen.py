"""retrowalk listen: the speech recognizer alone, without a session.

Prints what it hears as JSON lines (the event-log format, `t` in seconds of audio): one line
per phrase heard ("heard", partial results too unless --no-partials) and one per command
recognized ("intent"). It listens to the microphone, or to a recording given with
--audio-in (WAV, FLAC, OGG or MP3, any rate and channels). Use it to test a microphone, or
to score recordings. Ctrl-C stops it with one line; a missing microphone is one clear line.
"""

from __future__ import annotations

import argparse
import sys

from assistant.audio.chunks import WavSource
from assistant.audio.microphone import device_argument
from assistant.commands.options import add_recognizer_options
from assistant.core.clock import MonotonicClock, SimulatedClock
from assistant.core.events import SessionEvent
from assistant.core.intents import load_phrase_table
from assistant.core.ports import AudioSource
from assistant.hearing.decider import IntentDecider
from assistant.hearing.recognizers.select import describe_recognizer, make_recognizer
from assistant.run.listening import listen


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "listen", help="the recognizer alone: JSON lines of what is heard",
        description=__doc__)
    parser.add_argument("--audio-in", metavar="FILE",
                        help="a recording instead of the microphone (WAV, FLAC, OGG or MP3)")
    add_recognizer_options(parser)
    parser.add_argument("--language", default="en",
                        help="the language of the commands to listen for (default: en)")
    parser.add_argument("--input-device", metavar="D", type=device_argument,
                        help="microphone: a number or part of a name (see 'retrowalk devices')")
    parser.add_argument("--partials", action=argparse.BooleanOptionalAction, default=True,
                        help="print partial results too (default: yes)")
    return parser


def run(args: argparse.Namespace) -> int:
    """Listen until the recording ends or Ctrl-C; one line on stderr says which recognizer."""
    source = _open_source(args)
    try:
        recognizer = make_recognizer(args.engine, args.language, args.vosk_model)
        print(f"retrowalk listen: {describe_recognizer(recognizer)}", file=sys.stderr)
        decider = IntentDecider(load_phrase_table(args.language))

        def emit(event: SessionEvent) -> None:
            if args.partials or event.type != "heard" or event.fields.get("final"):
                print(event.to_json_line(), flush=True)

        listen(source.chunks(), recognizer, decider, emit)
    except KeyboardInterrupt:
        # Ctrl-C is how a microphone test ends: one line, and no second one from closing.
        print("retrowalk listen: stopped", file=sys.stderr)
    finally:
        _close_quietly(source)
    return 0


def _close_quietly(source: AudioSource) -> None:
    """Close the source; a second Ctrl-C while it closes is taken as the same stop."""
    try:
        source.close()
    except KeyboardInterrupt:
        pass


def _open_source(args: argparse.Namespace) -> AudioSource:
    """The recording (audio time from zero), else the microphone."""
    if args.audio_in:
        return WavSource.from_file(args.audio_in, SimulatedClock())
    from assistant.audio.microphone import MicrophoneSource

    return MicrophoneSource(args.input_device, clock=MonotonicClock())
