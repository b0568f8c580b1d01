"""The benchmark corpora: synthesized commands and prose, and real people's recordings.

Every item is an `Utterance`: clean 16 kHz samples, the intent it should give (None for
speech that must not trigger anything) and where its last word ends, for latency. Synthesized
audio is cached under benchmarks/out/cache/ so that re-runs are quick.
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np

from assistant.audio.chunks import Samples, read_wav
from assistant.core.events import SAMPLE_RATE_HZ
from assistant.core.intents import load_phrase_table
from assistant.speaking.espeak import SpeakerStyle, synthesize
from benchmarks.prose import PROSE_PARAGRAPHS

OUT_DIR = Path(__file__).resolve().parent / "out"
CACHE_DIR = OUT_DIR / "cache"

#: Seven espeak-ng voices and variants: US, British, Scottish and Caribbean accents,
#: male and female variants.
VOICES = ("en-us", "en-gb", "en-gb-scotland", "en-us+f3", "en-gb+m7", "en-029", "en-us+f4")
#: A slow and a brisk talker (words per minute).
SPEEDS_WPM = (130, 170)
#: Voices that read the non-command prose (each reads every paragraph, until there is enough).
PROSE_VOICES = ("en-gb", "en-us+f3", "en-029", "en-gb-scotland", "en-us", "en-gb+m7")

T = TypeVar("T")

REAL_COMMAND_WORDS = {"stop": "stop", "yes": "yes", "no": "no"}
REAL_OTHER_WORDS = ("go", "up", "off", "_unknown_")


@dataclass(frozen=True)
class Utterance:
    """One spoken item: what it is, who said it, and when its last word ends."""

    key: str
    samples: Samples
    #: The intent it should give; None for speech that must trigger nothing.
    expected: str | None
    text: str
    speaker: str
    #: "synth" (espeak-ng) or "real" (a person).
    origin: str
    word_end_s: float

    @property
    def duration_s(self) -> float:
        return len(self.samples) / SAMPLE_RATE_HZ


def cached_synthesize(text: str, style: SpeakerStyle) -> Samples:
    """`synthesize`, cached on disk by text and voice (espeak-ng output is deterministic)."""
    name = f"{style.voice}|{style.speed_wpm}|{style.pitch}|{style.amplitude}|{text}"
    path = CACHE_DIR / f"{hashlib.sha1(name.encode()).hexdigest()}.npy"
    if path.is_file():
        return np.load(path)
    samples = synthesize(text, style)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    np.save(path, samples)
    return samples


def command_styles() -> list[SpeakerStyle]:
    """Every voice at every speed."""
    return [SpeakerStyle(voice, speed) for voice in VOICES for speed in SPEEDS_WPM]


@dataclass(frozen=True)
class CommandSpec:
    """A command phrase to synthesize, and in which voice (synthesized only when sampled)."""

    phrase: str
    intent: str
    style: SpeakerStyle


def command_specs() -> list[CommandSpec]:
    """Every phrase of the English table in every style, grouped by style."""
    table = load_phrase_table("en")
    return [CommandSpec(phrase, str(intent), style) for style in command_styles()
            for phrase, intent in sorted(table.phrase_to_intent.items())]


def synth_command(spec: CommandSpec) -> Utterance:
    """The spoken command (cached)."""
    samples = cached_synthesize(spec.phrase, spec.style)
    speaker = f"{spec.style.voice}@{spec.style.speed_wpm}"
    return Utterance(f"synth/{speaker}/{spec.phrase}", samples, spec.intent, spec.phrase,
                     speaker, "synth", len(samples) / SAMPLE_RATE_HZ)


def prose_passages(text: str, words_per_passage: int = 45) -> list[str]:
    """Clean article text cut into passages of whole sentences, about `words_per_passage`."""
    lines = [line.strip(" \t•*-") for line in text.splitlines()]
    # Menu lines and headings ("Skip to content", "5 min read") are not read-aloud prose.
    prose = " ".join(line for line in lines if len(line.split()) >= 6)
    sentences = re.split(r"(?<=[.!?])\s+", prose)
    passages: list[str] = []
    current: list[str] = []
    for sentence in sentences:
        current.append(sentence)
        if sum(len(s.split()) for s in current) >= words_per_passage:
            passages.append(" ".join(current))
            current = []
    if current:
        passages.append(" ".join(current))
    return [p for p in passages if p.strip()]


def prose_texts(seeds_dir: Path | None) -> list[str]:
    """The passages read aloud: the two seed articles (when present) and our own prose."""
    texts: list[str] = []
    if seeds_dir is not None and seeds_dir.is_dir():
        for path in sorted(seeds_dir.glob("*.txt")):
            texts.extend(prose_passages(path.read_text("utf-8")))
    texts.extend(PROSE_PARAGRAPHS)
    return texts


def synth_prose(seeds_dir: Path | None, minutes: float) -> list[Utterance]:
    """At least `minutes` of non-command prose, read in turn by the prose voices."""
    texts = prose_texts(seeds_dir)
    items: list[Utterance] = []
    total_s = 0.0
    for round_index in range(len(PROSE_VOICES) * 4):
        voice = PROSE_VOICES[round_index % len(PROSE_VOICES)]
        style = SpeakerStyle(voice, SPEEDS_WPM[round_index % 2] + 10)
        for index, text in enumerate(texts):
            if total_s >= minutes * 60:
                return items
            samples = cached_synthesize(text, style)
            total_s += len(samples) / SAMPLE_RATE_HZ
            items.append(Utterance(f"prose/{voice}/{index}", samples, None, text, voice,
                                   "synth", len(samples) / SAMPLE_RATE_HZ))
    return items


def word_end_s(samples: Samples, frame_s: float = 0.01) -> float:
    """Where the last word of a short clip ends, estimated by energy.

    A frame is speech if it is within 30 dB of the loudest frame and 12 dB above the
    clip's own background (its quietest tenth of frames)."""
    size = int(frame_s * SAMPLE_RATE_HZ)
    count = len(samples) // size
    if count == 0:
        return len(samples) / SAMPLE_RATE_HZ
    frames = samples[: count * size].astype(np.float64).reshape(count, size)
    powers = np.mean(frames**2, axis=1) + 1e-9
    floor = float(np.percentile(powers, 10))
    threshold = max(float(powers.max()) / 1e3, floor * 10 ** 1.2)
    loud = np.flatnonzero(powers >= threshold)
    last = int(loud[-1]) if len(loud) else count - 1
    return (last + 1) * frame_s


def real_clips(data_dir: Path, word: str, limit: int | None = None) -> list[Utterance]:
    """Speech Commands clips of one word (sorted, the first `limit`)."""
    folder = data_dir / "speech_commands" / word
    paths = sorted(folder.glob("*.wav"))[:limit]
    expected = REAL_COMMAND_WORDS.get(word)
    items = []
    for path in paths:
        samples = read_wav(path)
        # In _unknown_ the word is the file name's first part ("bed_0ea0e2f4_nohash_1").
        text = path.name.split("_")[0] if word == "_unknown_" else word
        items.append(Utterance(f"real/{word}/{path.name}", samples, expected, text,
                               path.name.split("_nohash")[0], "real", word_end_s(samples)))
    return items


def kathleen(data_dir: Path, limit: int | None = None) -> list[Utterance]:
    """Kathleen's read sentences: real ordinary speech that must trigger nothing."""
    folder = data_dir / "kathleen"
    with (folder / "transcripts.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    items = []
    for row in rows[:limit]:
        samples = read_wav(folder / "wav16k" / row["file"])
        items.append(Utterance(f"kathleen/{row['file']}", samples, None, row["transcript"],
                               "kathleen", "real", len(samples) / SAMPLE_RATE_HZ))
    return items


def sample_evenly(items: list[T], count: int | None) -> list[T]:
    """`count` items spread evenly over the list (all of them when count is None or larger)."""
    if count is None or count >= len(items):
        return list(items)
    picks = np.linspace(0, len(items) - 1, count).round().astype(int)
    return [items[i] for i in sorted(set(picks.tolist()))]
