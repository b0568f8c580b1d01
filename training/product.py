"""The one door from training into the product: phrase table, cue texts, voices, noise helpers.

Every import of `assistant.*` and `benchmarks.*` made by training lives here, so that moving the
product's modules (the layout issue) changes one file. Everything else in training/ imports
this module instead.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from assistant.audio.chunks import read_wav, resample
from assistant.core.events import SAMPLE_RATE_HZ
from assistant.core.intents import load_phrase_table, normalize
from assistant.core.names import IMMEDIATE_INTENTS
from assistant.script.loading import bundled_script_names, load_script, resolve_script
from assistant.script.model import ExerciseScript, VoiceSettings
from assistant.session import cues
from assistant.speaking.espeak import SpeakerStyle, synthesize, trim_silence
from assistant.speaking.voice import CueRenderer, make_renderer
from benchmarks.corpus import prose_passages, word_end_s
from benchmarks.noise import (
    active_power,
    coloured_noise,
    loop_to_length,
    normalize_level,
    scale_noise_for_snr,
    to_int16,
)
from benchmarks.prose import PROSE_PARAGRAPHS

Samples = npt.NDArray[np.int16]

__all__ = [
    "PROSE_PARAGRAPHS", "SAMPLE_RATE_HZ", "Samples", "active_power", "coloured_noise",
    "command_phrases", "cue_texts", "cue_voice_description", "espeak_speech", "find_command",
    "loop_to_length", "normalize", "normalize_level", "prose_passages", "read_audio", "read_wav",
    "render_cue", "resample", "safety_words", "scale_noise_for_snr", "script_voice_rates",
    "to_int16",
    "trim_silence", "word_end_s",
]


def command_phrases(language: str = "en") -> dict[str, list[str]]:
    """Every intent of the phrase table and its phrases, sorted, as plain strings."""
    table = load_phrase_table(language)
    intents = sorted({str(intent) for intent in table.phrase_to_intent.values()})
    return {intent: sorted(p for p, i in table.phrase_to_intent.items() if str(i) == intent)
            for intent in intents}


def safety_words(language: str = "en") -> tuple[str, ...]:
    """The one-word phrases of the safety intents ("stop", "help", "dizzy", ...)."""
    phrases = command_phrases(language)
    return tuple(sorted({phrase for intent in IMMEDIATE_INTENTS
                         for phrase in phrases.get(str(intent), []) if " " not in phrase}))


def find_command(text: str, language: str = "en") -> str | None:
    """The phrase of the table that `text` contains as whole words, if any (for checks)."""
    found = load_phrase_table(language).find(normalize(text))
    return found[1] if found else None


def espeak_speech(text: str, voice: str, speed_wpm: int, pitch: int) -> Samples:
    """`text` spoken by espeak-ng (or an MBROLA `mb-*` voice through it), trimmed, 16 kHz."""
    return synthesize(text, SpeakerStyle(voice=voice, speed_wpm=speed_wpm, pitch=pitch))


@cache
def cue_voice_description(voice: str | None = None) -> str:
    """Which of the product's speech backends renders cues here ("pyttsx3 (eSpeak NG)")."""
    return make_renderer(VoiceSettings(voice=voice)).description


def render_cue(text: str, rate_wpm: int, voice: str | None = None) -> Samples:
    """A cue rendered now as the product renders it (its renderer, its backends in order),
    with no cache in between, so that two calls are two renders."""
    renderer = CueRenderer(VoiceSettings(rate_wpm=rate_wpm, voice=voice))
    return np.asarray(renderer.render(text, rate_wpm, 1.0).samples, dtype=np.int16)


def _bundled_scripts() -> list[ExerciseScript]:
    return [load_script(resolve_script(name)) for name in bundled_script_names()]


def _script_dynamic_texts(script: ExerciseScript) -> list[str]:
    """Cues the session builds from numbers: remaining-time marks, help window, time left."""
    phases = [script.warm_up.cues, script.walking.walk_cues, script.walking.rest_cues,
              script.cool_down.cues]
    texts = [cues.remaining_text(mark) for phase in phases for mark in phase.remaining_marks_s]
    texts.append(cues.help_window_text(script.safety.help_cancel_window_s))
    durations_s = (script.warm_up.duration_s, script.walking.walk_s, script.walking.rest_s,
                   script.cool_down.duration_s)
    for phase, duration_s in zip(cues.PHASE_WORDS, durations_s, strict=True):
        texts.append(cues.time_left_text(phase, duration_s / 2, script.total_s / 2))
        texts.append(cues.resumed_text(phase, duration_s / 2))
    texts.append(cues.summary_text(script.total_walk_s, True))
    texts.append(cues.summary_text(script.total_walk_s / 3, False))
    return texts


def _fixed_cue_texts() -> list[str]:
    """The fixed sentences of the safety flow and the voice answers (assistant.cues)."""
    texts = [value for name, value in vars(cues).items()
             if name.isupper() and isinstance(value, str)]
    texts += list(cues.END_TEXTS.values())
    texts += [text for pair in cues.VOICE_ANSWERS.values() for text in pair]
    texts.append(cues.time_left_text(None, 0.0, 95.0))
    texts.append(cues.summary_text(0.0, False))
    return texts


def cue_texts() -> list[str]:
    """Every cue the assistant can say with its bundled scripts, each once, in a stable order."""
    texts = _fixed_cue_texts()
    for script in _bundled_scripts():
        texts += script.cue_texts() + _script_dynamic_texts(script)
    return list(dict.fromkeys(text.strip() for text in texts if text.strip()))


def script_voice_rates() -> list[int]:
    """Every speaking rate a session can reach (the scripts' rates and their step limits)."""
    rates: set[int] = set()
    for script in _bundled_scripts():
        voice = script.voice
        rates.update(range(voice.min_rate_wpm, voice.max_rate_wpm + 1, voice.rate_step_wpm))
        rates.add(voice.rate_wpm)
    return sorted(rates)


def read_audio(path: Path) -> Samples:
    """A 16 kHz mono WAV as int16 (the product's own reader, resampling if needed)."""
    return np.asarray(read_wav(path, SAMPLE_RATE_HZ), dtype=np.int16)
