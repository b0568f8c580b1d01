"""Vosk (Kaldi) recognizer in grammar mode: the phrase list plus "[unk]", partials and finals.

The model is loaded lazily (vosk is imported here only) and once per `VoskRecognizer`.
A grammar with non-ASCII phrases (Korean in the tests) needs `ensure_ascii=False`.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from assistant.core.errors import ModelError, RecognizerError
from assistant.core.events import SAMPLE_RATE_HZ, UNKNOWN_WORD, AudioChunk, Transcript

_LOGGER = logging.getLogger(__name__)



def load_vosk_model(model_dir: str | Path) -> Any:
    """Load a Vosk model folder; a missing or damaged one is a `ModelError` with the fix."""
    path = Path(model_dir)
    if not (path / "am").is_dir() and not (path / "final.mdl").is_file():
        raise ModelError(
            f"{path}: not a Vosk model folder (no 'am/'); download one with "
            "'retrowalk models download' or pass --vosk-model PATH"
        )
    import vosk

    # Kaldi's levels: 0 info, -1 warnings, -2 errors. Its warnings ("Ignoring word missing
    # in vocabulary: '[unk]'") are printed to the terminal by the library itself: only with
    # --debug; an error, which explains a model that fails to load, always.
    vosk.SetLogLevel(0 if _LOGGER.isEnabledFor(logging.DEBUG) else -2)
    try:
        return vosk.Model(str(path))
    except Exception as err:  # vosk raises a bare Exception for a bad model
        raise ModelError(
            f"{path}: the Vosk model could not be loaded ({err}); delete it and download it "
            "again with 'retrowalk models download'"
        ) from err


class VoskRecognizer:
    """Streaming Vosk recognition restricted to `phrases`; implements `ports.Recognizer`."""

    engine = "vosk"

    def __init__(self, model_dir: str | Path, phrases: list[str], model: Any = None) -> None:
        """`model` may be a model already loaded by `load_vosk_model` (tests share one)."""
        self.model_dir = Path(model_dir)
        self._model = model if model is not None else load_vosk_model(model_dir)
        self._grammar = json.dumps(sorted(phrases) + [UNKNOWN_WORD], ensure_ascii=False)
        self._recognizer = self._new_recognizer()
        self._last_partial = ""

    def _new_recognizer(self) -> Any:
        import vosk

        recognizer = vosk.KaldiRecognizer(self._model, SAMPLE_RATE_HZ, self._grammar)
        recognizer.SetWords(True)
        return recognizer

    def accept(self, chunk: AudioChunk) -> list[Transcript]:
        """Feed one chunk; a partial when the partial text changed, a final at utterance end."""
        try:
            ended = self._recognizer.AcceptWaveform(chunk.samples.tobytes())
            raw = self._recognizer.Result() if ended else self._recognizer.PartialResult()
        except Exception as err:
            raise RecognizerError(f"the Vosk recognizer failed: {err}") from err
        if ended:
            return self._final(json.loads(raw), chunk.end_s)
        return self._partial(json.loads(raw).get("partial", ""), chunk.end_s)

    def flush(self, at_s: float) -> list[Transcript]:
        """End of stream: the final result of the utterance still open, if any."""
        try:
            raw = self._recognizer.FinalResult()
        except Exception as err:
            raise RecognizerError(f"the Vosk recognizer failed: {err}") from err
        return self._final(json.loads(raw), at_s)

    def _partial(self, text: str, at_s: float) -> list[Transcript]:
        text = text.strip()
        if not text or text == self._last_partial:
            return []
        self._last_partial = text
        return [Transcript(text, final=False, engine=self.engine, at_s=at_s)]

    def _final(self, result: dict[str, Any], at_s: float) -> list[Transcript]:
        had_partial = bool(self._last_partial)
        self._last_partial = ""
        text = str(result.get("text", "")).strip()
        if not text and not had_partial:
            return []
        words = result.get("result") or []
        confidence = min((float(w.get("conf", 0.0)) for w in words), default=None)
        return [Transcript(text, final=True, engine=self.engine, at_s=at_s,
                           confidence=confidence)]
