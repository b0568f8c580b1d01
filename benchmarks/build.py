"""Builds every corpus a run needs, sampled by its `Plan`, and the noise bank.

Synthesized audio is cached under benchmarks/out/cache/; the shared real recordings are read
in place (never copied), and left out with a note where they are absent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml
from tqdm import tqdm

from assistant.audio.chunks import Samples, read_wav, write_wav
from assistant.core.events import SAMPLE_RATE_HZ
from assistant.speaking.espeak import SpeakerStyle
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
from benchmarks.noise import normalize_level, scale_noise_for_snr, to_int16
from benchmarks.plan import Plan
from benchmarks.streams import NoiseBank

BABBLE_VOICES = ("en-us", "en-gb+f3", "en-029", "en-us+m7")
#: (seconds, words) of the walker in the 20-minute session recording: "ready" when asked
#: (a few times, as people do), then a few ordinary requests.
SESSION_REMARKS = ((252.0, "ready"), (262.0, "ready"), (275.0, "i'm ready"),
                   (420.0, "how much longer"), (600.0, "louder please"),
                   (800.0, "say that again"), (1000.0, "how much time is left"))


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
    quiet_session_wav: Path | None = None
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
        limits = dict(plan.real_word_limits)
        corpora.real_commands = [
            clip for word in REAL_COMMAND_WORDS for clip in
            sample_evenly(real_clips(data_dir, word), limits.get(word, plan.real_per_word))]
        others = [clip for word in REAL_OTHER_WORDS for clip in real_clips(data_dir, word)]
        corpora.real_other_words = sample_evenly(others, plan.real_other_words)
        corpora.kathleen = sample_evenly(kathleen(data_dir), plan.kathleen_sentences)
        corpora.bank = NoiseBank(real_noises(data_dir), babble_talkers(seeds_dir))
    corpora.session_wav = session_recording(plan.session_minutes, corpora.bank)
    corpora.quiet_session_wav = session_recording(plan.session_minutes, corpora.bank, False)
    return corpora


def synth_commands(plan: Plan) -> list[Utterance]:
    """The sampled synthesized commands: safety ones and the rest, each evenly spread."""
    specs = command_specs()
    safety = [spec for spec in specs if spec.intent in SAFETY]
    other = [spec for spec in specs if spec.intent not in SAFETY]
    chosen = sample_evenly(safety, plan.synth_safety) + sample_evenly(other, plan.synth_other)
    # The word "stop" alone in every style, for the stop-latency target.
    if plan.every_stop_style:
        chosen += [spec for spec in safety if spec.phrase == "stop" and spec not in chosen]
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


def session_recording(minutes: float, bank: NoiseBank, noisy: bool = True) -> Path:
    """A quiet walker, over the dishwasher at 20 dB (`noisy`) or in a silent hallway: "ready"
    at the support check, a few requests later.

    Timed for `session_script()` (the support question comes after 4 minutes of warm-up)."""
    path = OUT_DIR / f"session_{minutes:g}min{'' if noisy else '_quiet'}.wav"
    if path.is_file():
        return path
    length = int(minutes * 60 * SAMPLE_RATE_HZ)
    track = np.zeros(length, dtype=np.float64)
    style = SpeakerStyle("en-gb", 140)
    scale = minutes / 20.0
    for at_s, text in SESSION_REMARKS:
        start = int(at_s * scale * SAMPLE_RATE_HZ)
        spoken = normalize_level(cached_synthesize(text, style))[: max(length - start, 0)]
        track[start : start + len(spoken)] += spoken
    if noisy:
        noise_name = "doing_the_dishes" if "doing_the_dishes" in bank.names else "pink"
        noise = bank.make(noise_name, length, np.random.default_rng(7))
        track += scale_noise_for_snr(track, noise, 20.0)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    write_wav(path, to_int16(track))
    return path


def session_script() -> Path:
    """The default script stretched to a session of about 20 minutes (written to out/)."""
    from assistant.script.loading import check_script, default_script_path

    data = yaml.safe_load(default_script_path().read_text(encoding="utf-8"))
    data["name"] = "Benchmark: 20 minutes"
    data["warm_up"]["duration_s"] = 240
    data["walking"].update(intervals=10, walk_s=45, rest_s=40)
    data["progression"].update(max_walk_s=60, max_total_walk_s=450)
    data.setdefault("limits", {}).update(allow_long_intervals=True, allow_long_session=True)
    path = OUT_DIR / "session_20min.yaml"
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path if check_script(path).script is not None else default_script_path()
