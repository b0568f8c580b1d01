"""retrowalk listen: the recognizer alone, no session.

Prints one JSON line per `heard` and `intent` event (the event-log format; `t` in seconds of
audio) from a WAV file (`--audio-in`, any rate or channel count) or from the microphone.
For testing a microphone, and for scoring recordings. Ctrl-C ends it cleanly; a missing
microphone is one clear AudioDeviceError line (from assistant.audio.microphone).
"""

from __future__ import annotations

import argparse
import sys

from assistant.audio.chunks import WavSource
from assistant.audio.microphone import device_argument
from assistant.core.clock import MonotonicClock, SimulatedClock
from assistant.core.events import SessionEvent
from assistant.core.intents import load_phrase_table
from assistant.core.ports import AudioSource
from assistant.hearing.decider import IntentDecider
from assistant.hearing.recognizers.select import ENGINES, describe_recognizer, make_recognizer
from assistant.run.listening import listen


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "listen", help="the recognizer alone: JSON lines of what is heard",
        description=__doc__)
    parser.add_argument("--audio-in", metavar="FILE",
                        help="a recording instead of the microphone (WAV, FLAC, OGG or MP3)")
    parser.add_argument("--engine", choices=ENGINES, default="auto")
    parser.add_argument("--vosk-model", metavar="PATH", help="a Vosk model folder")
    parser.add_argument("--language", default="en", help="phrase table language (default en)")
    parser.add_argument("--input-device", metavar="D", type=device_argument,
                        help="microphone name or number")
    parser.add_argument("--partials", action=argparse.BooleanOptionalAction, default=True,
                        help="print partial results too (default: yes)")
    return parser


def run(args: argparse.Namespace) -> int:
    source = _open_source(args)
    recognizer = make_recognizer(args.engine, args.language, args.vosk_model)
    print(f"retrowalk listen: {describe_recognizer(recognizer)}", file=sys.stderr)
    decider = IntentDecider(load_phrase_table(args.language))

    def emit(event: SessionEvent) -> None:
        if args.partials or event.type != "heard" or event.fields.get("final"):
            print(event.to_json_line(), flush=True)

    try:
        listen(source.chunks(), recognizer, decider, emit)
    except KeyboardInterrupt:
        print("retrowalk listen: stopped", file=sys.stderr)
    finally:
        source.close()
    return 0


def _open_source(args: argparse.Namespace) -> AudioSource:
    """The WAV file (audio time from zero), else the microphone (assistant.audio.microphone)."""
    if args.audio_in:
        return WavSource.from_file(args.audio_in, SimulatedClock())
    from assistant.audio.microphone import MicrophoneSource

    return MicrophoneSource(args.input_device, clock=MonotonicClock())
