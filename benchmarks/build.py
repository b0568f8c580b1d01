"""Builds every corpus a run needs, sampled by its `Plan`, and the noise bank.

Synthesized audio is cached under benchmarks/out/cache/; the shared real recordings are read
in place (never copied), and left out with a note where they are absent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from tqdm import tqdm

from assistant.audio import Samples, read_wav, write_wav
from assistant.walker_synth import SpeakerStyle
from benchmarks.corpus import (
    OUT_DIR,
    REAL_COMMAND_WORDS,
    REAL_OTHER_WORDS,
    Utterance,
    cached_synthesize,
    command_specs,
    kathleen,
    prose_texts,
    real_clips,
    sample_evenly,
    synth_command,
    synth_prose,
)
from benchmarks.metrics import SAFETY
from benchmarks.plan import Plan
from benchmarks.streams import NoiseBank, build_stream

BABBLE_VOICES = ("en-us", "en-gb+f3", "en-029", "en-us+m7")
#: What the walker says now and then in the session recording used for cost figures.
SESSION_PHRASES = ("ready", "how much longer", "stop", "yes", "continue", "louder please",
                   "i feel dizzy", "i'm okay", "time left", "say that again")
#: Between the walker's remarks in the session recording (a quiet walker).
SESSION_GAP_S = 40.0


@dataclass
class Corpora:
    """Everything one run listens to."""

    synth_commands: list[Utterance]
    real_commands: list[Utterance] = field(default_factory=list)
    real_other_words: list[Utterance] = field(default_factory=list)
    prose: list[Utterance] = field(default_factory=list)
    kathleen: list[Utterance] = field(default_factory=list)
    bank: NoiseBank = field(default_factory=lambda: NoiseBank({}, []))
    session_wav: Path | None = None
    notes: list[str] = field(default_factory=list)

    def sizes(self) -> dict[str, object]:
        """How much of each corpus is used (counts and minutes), for the report."""
        def minutes(items: list[Utterance]) -> float:
            return round(sum(item.duration_s for item in items) / 60.0, 1)

        return {
            "synth_commands": len(self.synth_commands),
            "synth_safety_commands": sum(u.expected in SAFETY for u in self.synth_commands),
            "real_commands": len(self.real_commands),
            "real_commands_by_word": {w: sum(u.text == w for u in self.real_commands)
                                      for w in REAL_COMMAND_WORDS},
            "real_other_words": len(self.real_other_words),
            "prose_passages": len(self.prose), "prose_minutes": minutes(self.prose),
            "kathleen_sentences": len(self.kathleen), "kathleen_minutes": minutes(self.kathleen),
            "noises": self.bank.names,
        }


def build_corpora(plan: Plan, data_dir: Path | None, seeds_dir: Path | None) -> Corpora:
    """Synthesize (or load from cache) and read everything the plan asks for."""
    corpora = Corpora(synth_commands(plan))
    corpora.prose = synth_prose(seeds_dir, plan.prose_minutes)
    if data_dir is None:
        corpora.notes.append("The shared real recordings were not found (RETROWALK_SHARED_DATA "
                             "or ../shared/data): real-speech figures are missing.")
        corpora.bank = NoiseBank({}, babble_talkers(seeds_dir))
    else:
        corpora.real_commands = [clip for word in REAL_COMMAND_WORDS for clip in
                                 sample_evenly(real_clips(data_dir, word), plan.real_per_word)]
        others = [clip for word in REAL_OTHER_WORDS for clip in real_clips(data_dir, word)]
        corpora.real_other_words = sample_evenly(others, plan.real_other_words)
        corpora.kathleen = sample_evenly(kathleen(data_dir), plan.kathleen_sentences)
        corpora.bank = NoiseBank(real_noises(data_dir), babble_talkers(seeds_dir))
    corpora.session_wav = session_recording(plan.session_minutes, corpora.bank)
    return corpora


def synth_commands(plan: Plan) -> list[Utterance]:
    """The sampled synthesized commands: safety ones and the rest, each evenly spread."""
    specs = command_specs()
    safety = [spec for spec in specs if spec.intent in SAFETY]
    other = [spec for spec in specs if spec.intent not in SAFETY]
    chosen = sample_evenly(safety, plan.synth_safety) + sample_evenly(other, plan.synth_other)
    return [synth_command(spec) for spec in tqdm(chosen, desc="Synthesizing commands",
                                                 unit="phrase", leave=False)]


def real_noises(data_dir: Path) -> dict[str, Samples]:
    """The household recordings by name (doing_the_dishes, exercise_bike, running_tap)."""
    return {path.stem: read_wav(path) for path in sorted((data_dir / "noise").glob("*.wav"))}


def babble_talkers(seeds_dir: Path | None) -> list[Samples]:
    """Four talkers for babble, each reading different passages in a different voice."""
    texts = prose_texts(seeds_dir)
    talkers = []
    for index, voice in enumerate(BABBLE_VOICES):
        passages = texts[index * 3 + 5 : index * 3 + 8] or texts[:3]
        talkers.append(np.concatenate([cached_synthesize(text, SpeakerStyle(voice, 160))
                                       for text in passages]))
    return talkers


def session_recording(minutes: float, bank: NoiseBank) -> Path:
    """A walker's session: a remark every 40 s over the dishwasher (or pink noise) at 20 dB."""
    path = OUT_DIR / f"session_{minutes:g}min.wav"
    if path.is_file():
        return path
    count = int(minutes * 60 / SESSION_GAP_S) + 1
    style = SpeakerStyle("en-gb", 140)
    items = [synth_command_text(SESSION_PHRASES[i % len(SESSION_PHRASES)], style)
             for i in range(count)]
    noise = "doing_the_dishes" if "doing_the_dishes" in bank.names else "pink"
    stream = build_stream("session", items, noise, 20.0, bank.make, seed=7,
                          gap_s=SESSION_GAP_S)
    samples = stream.samples[: int(minutes * 60 * 16000)]
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    write_wav(path, samples)
    return path


def synth_command_text(text: str, style: SpeakerStyle) -> Utterance:
    samples = cached_synthesize(text, style)
    return Utterance(f"session/{text}", samples, None, text, style.voice, "synth",
                     len(samples) / 16000)
