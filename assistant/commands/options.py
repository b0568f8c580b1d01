"""Options several commands share, with their help in plain words in one place."""

from __future__ import annotations

import argparse

from assistant.hearing.recognizers.select import ENGINES

ENGINE_HELP = (
    "which speech recognizer listens: auto (for English, RetroWalk's own trained command "
    "spotter; for other languages, Vosk with a model for the language), spotter, vosk, or "
    "pocketsphinx (English, bundled; hears far less well) (default: auto)"
)
VOSK_MODEL_HELP = (
    "the folder of a Vosk model to use (default: one installed with "
    "'retrowalk models download')"
)


def add_recognizer_options(parser: argparse.ArgumentParser, vosk_model: bool = True) -> None:
    """Add `--engine` (and `--vosk-model`): which recognizer, and which Vosk model."""
    parser.add_argument("--engine", choices=ENGINES, default="auto", help=ENGINE_HELP)
    if vosk_model:
        parser.add_argument("--vosk-model", metavar="DIR", default=None, help=VOSK_MODEL_HELP)
