"""PocketSphinx 5 recognizer with a rejection path, continuous decoding and its own end-pointing.

A plain grammar of the phrases has no way to say "none of these": every sound becomes the
nearest phrase ("go" heard as "no"). So the grammar is a loop over the phrases *and* a set
of competing filler words: the most frequent English words of the bundled language model,
less the phrases themselves and their homophones ("know" for "no"). Speech that is not a
command is then decoded as fillers, reported as "[unk]", like Vosk's grammar mode.

PocketSphinx's own end-of-utterance detector never closed in steady noise at 5 dB, so the
decoder runs continuously and this module closes an utterance itself: when the hypothesis
has not changed for `endpoint_s` of audio, or the utterance reaches `max_utterance_s`.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from assistant.core.errors import ModelError, RecognizerError
from assistant.core.events import SAMPLE_RATE_HZ, UNKNOWN_WORD, AudioChunk, Transcript
from assistant.core.intents import PhraseTable

_LOGGER = logging.getLogger(__name__)

_ALTERNATE = re.compile(r"\(\d+\)$")
_FRAMES_PER_S = 100


@dataclass(frozen=True)
class PocketSphinxSettings:
    """How the grammar competes and when an utterance ends."""

    filler_words: int = 300
    """How many frequent English words compete with the phrases (count). 200 decoded ~10%
    faster at the same recall on real people, but fired "dizzy" before an espeak voice had
    finished the word (docs/recognition.md)."""
    filler_weight: float = 1e-10
    """Grammar weight of each filler word relative to a phrase (1.0 = equal; ratio). Low,
    so that a phrase wins whenever it fits the sound about as well as a filler does."""
    noise_probability: float = 0.1
    """Probability of a noise/breath filler between words (PocketSphinx `fillprob`)."""
    silence_probability: float = 0.1
    """Probability of silence between words (PocketSphinx `silprob`)."""
    endpoint_s: float = 0.5
    """An utterance ends when its hypothesis has not changed for this long (seconds)."""
    max_utterance_s: float = 8.0
    """An utterance is closed after this long even in steady noise (seconds)."""
    min_edge_filler_s: float = 0.15
    """A filler word shorter than this at the start or end of an utterance is taken for a
    click or breath and dropped (seconds)."""
    beam: float = 1e-48
    """HMM state pruning beam (PocketSphinx `beam`; ratio to the best score, smaller = wider
    and slower). PocketSphinx's default: narrower beams decode faster but lose commands
    (1e-40: 3/4 of the time, "help" lost in the test voices; 1e-30: 1/2 of the time, 7 of 56
    synthesized safety phrases and ~7% of real commands lost; docs/recognition.md)."""
    word_beam: float = 7e-29
    """Word exit pruning beam (PocketSphinx `wbeam`; ratio)."""
    phone_beam: float = 1e-48
    """Phone transition pruning beam (PocketSphinx `pbeam`, default 1e-48; ratio)."""
    max_hmms_per_frame: int = 30000
    """Active HMMs kept per frame at most (PocketSphinx `maxhmmpf`; count)."""
    top_gaussians: int = 4
    """Gaussians scored per codebook (PocketSphinx `topn`; count). 2 saved ~10% but, like
    fewer fillers, fired "dizzy" early on synthesized speech."""
    frame_step: int = 1
    """Search every n-th frame (PocketSphinx `ds`; count, 1 = every frame)."""


def model_dir() -> str:
    """The English model folder bundled in the pocketsphinx wheel (dictionary, LM, `en-us/`)."""
    import pocketsphinx

    return os.path.join(pocketsphinx.get_model_path(), "en-us")


@cache
def _pronunciations() -> dict[str, frozenset[str]]:
    """Word -> its pronunciations in the bundled dictionary (alternates merged)."""
    found: dict[str, set[str]] = {}
    with open(os.path.join(model_dir(), "cmudict-en-us.dict"), encoding="utf-8") as lines:
        for line in lines:
            parts = line.split()
            if parts:
                word = _ALTERNATE.sub("", parts[0])
                found.setdefault(word, set()).add(" ".join(parts[1:]))
    return {word: frozenset(prons) for word, prons in found.items()}


@cache
def _frequent_words() -> tuple[str, ...]:
    """Dictionary words by unigram probability in the bundled language model, most first."""
    import pocketsphinx

    model = pocketsphinx.NGramModel.readfile(os.path.join(model_dir(), "en-us.lm.bin"))
    words = [w for w in _pronunciations() if re.fullmatch(r"[a-z']+", w)]
    return tuple(sorted(words, key=lambda w: -model.prob([w])))


def filler_words(table: PhraseTable, count: int) -> list[str]:
    """The `count` most frequent words that are neither a phrase nor sound like a phrase word."""
    pronunciations = _pronunciations()
    # The vocabulary is rebuilt on every call: take it once, not once per dictionary word.
    vocabulary = set(table.vocabulary())
    phrase_sounds: set[str] = set()
    for word in vocabulary:
        phrase_sounds |= pronunciations.get(word, frozenset())
    chosen = [
        word for word in _frequent_words()
        if word not in table.phrase_to_intent
        and word not in vocabulary
        and not (pronunciations[word] & phrase_sounds)
    ]
    return chosen[:count]


def build_grammar(table: PhraseTable, settings: PocketSphinxSettings) -> str:
    """JSGF: any sequence of phrases (weight 1) and filler words (weight `filler_weight`)."""
    missing = [w for w in table.vocabulary() if w not in _pronunciations()]
    if missing:
        raise ModelError(
            f"phrase words not in the PocketSphinx dictionary: {', '.join(missing)}; "
            "rephrase them in assistant/phrases/en.yaml"
        )
    alternatives = [f"/1/ {p}" for p in table.phrases]
    alternatives += [f"/{settings.filler_weight:g}/ {w}"
                     for w in filler_words(table, settings.filler_words)]
    return ("#JSGF V1.0;\ngrammar retrowalk;\npublic <utterance> = <item>+;\n"
            f"<item> = {' | '.join(alternatives)};\n")


class PocketSphinxRecognizer:
    """Streaming PocketSphinx over the phrases plus fillers; implements `ports.Recognizer`."""

    engine = "pocketsphinx"

    def __init__(self, table: PhraseTable,
                 settings: PocketSphinxSettings = PocketSphinxSettings()) -> None:
        self.settings = settings
        self._vocabulary = set(table.vocabulary())
        self._min_edge_s = settings.min_edge_filler_s
        self._decoder = self._load(build_grammar(table, settings))
        self._in_utterance = False
        self._utterance_frames = 0
        self._last_change_frame = 0
        self._last_text = ""

    def _load(self, grammar: str) -> Any:
        try:
            import pocketsphinx

            folder = model_dir()
            decoder = pocketsphinx.Decoder(
                hmm=os.path.join(folder, "en-us"), dict=os.path.join(folder, "cmudict-en-us.dict"),
                lm=None, loglevel="FATAL", bestpath=False,
                fillprob=self.settings.noise_probability,
                silprob=self.settings.silence_probability,
                **self._search_options(pocketsphinx.Config()),
            )
            decoder.add_jsgf_string("retrowalk", grammar)
            decoder.activate_search("retrowalk")
        except (RuntimeError, ValueError, OSError) as err:
            raise ModelError(
                f"the bundled PocketSphinx model could not be loaded ({err}); reinstall it "
                "with 'pip install --force-reinstall pocketsphinx'"
            ) from err
        return decoder

    def _search_options(self, defaults: Any) -> dict[str, Any]:
        """The search settings that differ from PocketSphinx's defaults.

        Only those are passed: setting even the default values explicitly changed which
        synthesized safety phrases were heard (cause not found; measured in
        docs/recognition.md)."""
        options = {"beam": self.settings.beam, "wbeam": self.settings.word_beam,
                   "pbeam": self.settings.phone_beam,
                   "maxhmmpf": self.settings.max_hmms_per_frame,
                   "topn": self.settings.top_gaussians, "ds": self.settings.frame_step}
        return {key: value for key, value in options.items() if value != defaults[key]}

    def accept(self, chunk: AudioChunk) -> list[Transcript]:
        """Feed one chunk; a partial when the words changed, a final at our own end-point."""
        if chunk.rate_hz != SAMPLE_RATE_HZ:
            raise RecognizerError(f"PocketSphinx needs {SAMPLE_RATE_HZ} Hz audio, got "
                                  f"{chunk.rate_hz} Hz")
        try:
            if not self._in_utterance:
                self._decoder.start_utt()
                self._in_utterance = True
            self._decoder.process_raw(chunk.samples.tobytes(), False, False)
        except RuntimeError as err:
            raise RecognizerError(f"the PocketSphinx recognizer failed: {err}") from err
        self._utterance_frames += round(chunk.duration_s * _FRAMES_PER_S)
        return self._after_audio(chunk.end_s)

    def _after_audio(self, at_s: float) -> list[Transcript]:
        text = self._words()
        if text != self._last_text:
            self._last_text = text
            self._last_change_frame = self._utterance_frames
            return [Transcript(text, final=False, engine=self.engine, at_s=at_s)] if text else []
        quiet_s = (self._utterance_frames - self._last_change_frame) / _FRAMES_PER_S
        too_long = self._utterance_frames / _FRAMES_PER_S >= self.settings.max_utterance_s
        if (text and quiet_s >= self.settings.endpoint_s) or too_long:
            return self.flush(at_s)
        return []

    def flush(self, at_s: float) -> list[Transcript]:
        """Close the open utterance; its final result if anything was heard."""
        if not self._in_utterance:
            return []
        try:
            self._decoder.end_utt()
        except RuntimeError as err:
            raise RecognizerError(f"the PocketSphinx recognizer failed: {err}") from err
        text, confidence = self._words(), self._confidence()
        had_partial = bool(self._last_text)
        self._in_utterance, self._utterance_frames, self._last_change_frame = False, 0, 0
        self._last_text = ""
        if not text and not had_partial:
            return []
        return [Transcript(text, final=True, engine=self.engine, at_s=at_s,
                           confidence=confidence)]

    def _segments(self) -> list[Any]:
        """Word segments of the best path, without silence, noise and null transitions."""
        return [s for s in (self._decoder.seg() or []) if s.word[0] not in "<[("]

    def _words(self) -> str:
        """The best path's words; every filler word (not in any phrase) becomes "[unk]"."""
        words = [(_ALTERNATE.sub("", s.word), (s.end_frame - s.start_frame + 1) / _FRAMES_PER_S)
                 for s in self._segments()]
        words = [(w if w in self._vocabulary else UNKNOWN_WORD, length) for w, length in words]
        # Short fillers at the edges are clicks and breaths around a command, not words.
        while words and words[0][0] == UNKNOWN_WORD and words[0][1] < self._min_edge_s:
            words.pop(0)
        while words and words[-1][0] == UNKNOWN_WORD and words[-1][1] < self._min_edge_s:
            words.pop()
        return " ".join(w for w, _ in words)

    def _confidence(self) -> float | None:
        """The least word posterior of the phrase words (PocketSphinx's own estimate)."""
        probabilities = [float(s.prob) for s in self._segments()
                         if _ALTERNATE.sub("", s.word) in self._vocabulary]
        return min(probabilities, default=None)
