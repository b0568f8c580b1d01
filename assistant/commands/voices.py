"""retrowalk voices: the offline voices installed here, their licences, and a sample of one.

The list shows each voice's name (for a script's `voice:` field), engine, language, licence
and which is the default; `--say NAME` speaks a sample, `--out FILE.wav` writes it instead
(for a machine without a speaker).
"""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

from assistant.audio.chunks import write_wav
from assistant.audio.speakers import SoundDeviceSpeaker
from assistant.core.errors import AudioDeviceError, VoiceError
from assistant.core.intents import languages
from assistant.script.model import VoiceSettings
from assistant.speaking.catalogue import (
    ESPEAK,
    MBROLA,
    PICO,
    VoiceInfo,
    default_voice,
    espeak_variants,
    installed_voices,
    voice_problem,
)
from assistant.speaking.voice import RenderedCue, make_renderer

_LOGGER = logging.getLogger(__name__)
SAMPLE_TEXT = "Hello. This is how your cues will sound. Walk backward slowly, one small step."
_PACKAGES = {PICO: "libttspico-utils", MBROLA: "mbrola and mbrola-us1 (us2, us3, en1)"}


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """The `voices` command."""
    parser = subparsers.add_parser(
        "voices", help="list the voices installed here, or hear one",
        description="List the offline voices this computer has, one a line: the name to "
        "write in a script (voice: NAME under voice:), the engine, the language, the licence "
        "and which is the default. --say NAME speaks a sample; --out FILE.wav writes it to a "
        "file instead.")
    parser.add_argument("--all", action="store_true",
                        help="also list the voices of languages RetroWalk does not listen in")
    parser.add_argument("--say", metavar="NAME",
                        help="speak a sample in this voice (a name from the list)")
    parser.add_argument("--out", metavar="FILE.wav", type=Path,
                        help="write the sample to this WAV file instead of playing it "
                        "(the default voice unless --say names one)")
    parser.add_argument("--rate", type=int, default=VoiceSettings.rate_wpm, metavar="WPM",
                        help="speaking rate of the sample in words per minute (default: "
                        "%(default)s, as in a script)")
    parser.add_argument("--text", default=SAMPLE_TEXT, help="what the sample says")
    return parser


def run(args: argparse.Namespace) -> int:
    """List the voices, or speak (or write) a sample."""
    if args.say is not None or args.out is not None:
        return say_sample(args.say, args.text, args.rate, args.out)
    voices = installed_voices()
    for line in list_lines(voices, show_all=args.all):
        print(line)
    return 0


def list_lines(voices: list[VoiceInfo], show_all: bool = False) -> list[str]:
    """The table of voices and the notes under it."""
    default = default_voice(voices)
    shown = [v for v in voices if show_all or _retrowalk_language(v.language)]
    width = max((len(v.name) for v in shown), default=4)
    language = max((len(v.language) for v in shown), default=8)
    licence = max((len(v.licence) for v in shown), default=7)
    lines = [f"  {'NAME':{width}}  {'ENGINE':9}  {'LANGUAGE':{language}}  "
             f"{'LICENCE':{licence}}  VOICE"]
    for voice in shown:
        mark, tail = ("*", ", the default") if voice == default else (" ", "")
        lines.append(f"{mark} {voice.name:{width}}  {voice.engine:9}  "
                     f"{voice.language:{language}}  {voice.licence:{licence}}  "
                     f"{voice.description}{tail}")
    return lines + _notes(voices, shown, default)


def _notes(voices: list[VoiceInfo], shown: list[VoiceInfo], default: VoiceInfo | None,
           ) -> list[str]:
    if default is not None:
        notes = [f"The default (*): a script without voice: speaks with {default.engine} "
                 f"{default.name}, the clearest voice here whose licence allows any use "
                 "(docs/audio.md)."]
    else:
        notes = [f"No {ESPEAK} here: install espeak-ng (bash .ci/setup)."]
    notes.append("eSpeak NG and SVOX Pico may be used for anything. MBROLA voices may be "
                 "chosen, but never be the default: their licence allows no product that is "
                 "sold.")
    if any(v.engine == ESPEAK for v in shown):
        notes.append(f"{ESPEAK} voices take a variant after +, e.g. en-us+f3 "
                     f"({len(espeak_variants())} variants: espeak-ng --voices=variant).")
    if len(shown) < len(voices):
        notes.append(f"{len(voices) - len(shown)} more voices in other languages: "
                     "retrowalk voices --all.")
    engines = {v.engine for v in voices}
    notes += [f"{engine} is not installed here: install {package} (README, Voices)"
              + ("; it becomes the default." if engine == PICO else ".")
              for engine, package in _PACKAGES.items() if engine not in engines]
    return notes


def _retrowalk_language(language: str) -> bool:
    """Is this a language RetroWalk listens in (a phrase table's), in any regional form?"""
    code = language.lower()
    return any(code == own or code.startswith(f"{own}-") for own in languages())


def say_sample(name: str | None, text: str, rate_wpm: int, out: Path | None) -> int:
    """Render the sample in voice `name` (None: the default), then play or write it."""
    problem = voice_problem(name) if name is not None else None
    if problem is not None:
        raise VoiceError(problem)
    renderer = make_renderer(VoiceSettings(rate_wpm=rate_wpm, voice=name))
    cue = renderer.render(text, rate_wpm, 1.0)
    print(f"{renderer.summary}, {rate_wpm} words per minute, {cue.duration_s:.1f} s")
    if out is not None:
        try:
            write_wav(out, cue.samples, cue.rate_hz)
        except OSError as err:
            raise VoiceError(f"{out}: cannot write the sample ({err.strerror})") from err
        print(f"Written to {out}")
        return 0
    _play(cue)
    return 0


def _play(cue: RenderedCue) -> None:
    """Play the sample on the default speaker and wait for its end."""
    speaker = SoundDeviceSpeaker()
    try:
        speaker.play(cue.samples, cue.rate_hz, time.monotonic())
        while speaker.is_playing(time.monotonic()):
            time.sleep(0.05)
    except AudioDeviceError as err:
        _LOGGER.debug("the speaker failed: %s", err)
        raise AudioDeviceError("no speaker to play the sample on; write it to a file "
                               "instead: retrowalk voices --say NAME --out FILE.wav") from err
    finally:
        speaker.close()
