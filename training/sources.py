"""The real recordings of the shared data as clips: Speech Commands, kathleen, wake words, noise.

Speakers are split by a hash of their id (about a quarter validation), independent of the seed,
so that the validation speakers stay the same whatever is trained. Wake-word clips are FLAC,
decoded once with sox and cached.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from training import product
from training.augment import NoiseBank
from training.clips import (
    Clip,
    Origin,
    long_speech_clips,
    preceded_clips,
    rng_for,
    speech_bounds_s,
    speech_clip,
)
from training.product import SAMPLE_RATE_HZ, Samples

#: Speech Commands words that are commands, and the intent each means.
COMMAND_WORDS = {"stop": "stop", "yes": "yes", "no": "no"}
OTHER_WORDS = ("go", "up", "off", "down", "left", "right", "on", "_unknown_")
WAKE_WORDS = ("alexa", "computer", "jarvis")
NOISES = ("doing_the_dishes", "exercise_bike", "running_tap")
#: The first part of each noise recording is for training, the rest for validation.
NOISE_TRAIN_SHARE = 0.75


def split_of(speaker: str) -> str:
    """"validation" for about a quarter of speaker ids (by hash), else "train"."""
    return "validation" if hashlib.sha1(speaker.encode()).digest()[0] % 4 == 0 else "train"


@dataclass(frozen=True)
class Recording:
    """One real recording: where it is, what is said and by whom."""

    path: Path
    label: str
    text: str
    speaker: str


def speech_commands(shared: Path) -> list[Recording]:
    """Every Speech Commands clip; the speaker is the hash before "_nohash_" in its name."""
    recordings = []
    for word in (*COMMAND_WORDS, *OTHER_WORDS):
        for path in sorted((shared / "speech_commands" / word).glob("*.wav")):
            # In _unknown_ the said word is the name's first part ("bed_0ea0e2f4_nohash_1").
            parts = path.name.split("_nohash")[0].split("_")
            text = parts[0] if word == "_unknown_" else word
            recordings.append(Recording(path, COMMAND_WORDS.get(word, "background"), text,
                                        f"sc:{parts[-1]}"))
    return recordings


def speech_command_clips(shared: Path, seed: int, command_copies: int, other_copies: int,
                         banks: dict[str, NoiseBank]) -> Iterator[Clip]:
    """Each Speech Commands clip several times (commands `command_copies`, other words
    `other_copies`), each copy in its own context and augmentation."""
    for recording in speech_commands(shared):
        copies = command_copies if recording.label != "background" else other_copies
        samples = product.read_audio(recording.path)
        bounds = speech_bounds_s(samples)
        split = split_of(recording.speaker)
        origin = Origin(recording.label, recording.text, "speech_commands", recording.speaker,
                        split)
        for copy in range(copies):
            key = f"sc:{recording.path.parent.name}/{recording.path.name}:{copy}"
            yield speech_clip(samples, origin, rng_for(seed, key), banks[split], bounds)
            yield from preceded_clips(samples, origin, key, seed, banks[split], bounds)


def kathleen_recordings(shared: Path) -> list[Recording]:
    """kathleen's read sentences (one reader)."""
    folder = shared / "kathleen"
    with (folder / "transcripts.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [Recording(folder / "wav16k" / row["file"], "background", row["transcript"],
                      "kathleen") for row in rows]


def kathleen_in_split(shared: Path, kathleen_split: str, split: str) -> list[Recording]:
    """kathleen's sentences that belong to `split`: all of them when `kathleen_split` names
    that split; with "alternate", every other sentence (even ones train, odd ones validation),
    so her read speech teaches rejection and the other half measures it."""
    recordings = kathleen_recordings(shared)
    if kathleen_split == "alternate":
        return recordings[split == "validation"::2]
    return recordings if kathleen_split == split else []


def kathleen_clips(shared: Path, seed: int, kathleen_split: str,
                   banks: dict[str, NoiseBank]) -> Iterator[Clip]:
    """kathleen's sentences cut into background windows, each in its split."""
    for split in ("train", "validation"):
        yield from _kathleen_clips_of(shared, seed, kathleen_split, split, banks)


def _kathleen_clips_of(shared: Path, seed: int, kathleen_split: str, split: str,
                       banks: dict[str, NoiseBank]) -> Iterator[Clip]:
    for recording in kathleen_in_split(shared, kathleen_split, split):
        origin = Origin("background", f"kathleen:{recording.text[:60]}", "kathleen", "kathleen",
                        split)
        yield from long_speech_clips(product.read_audio(recording.path), origin,
                                     rng_for(seed, f"kathleen:{recording.path.name}"),
                                     banks[split], reverb_share=0.3)


def decode_flac(path: Path, cache: Path) -> Samples:
    """A FLAC file as 16 kHz mono int16 (decoded by sox once, then read from the cache)."""
    name = hashlib.sha256(f"{path}:{path.stat().st_size}".encode()).hexdigest()[:32]
    cached = cache / "flac" / f"{name}.npy"
    if cached.is_file():
        return np.asarray(np.load(cached), dtype=np.int16)
    sox = shutil.which("sox")
    if sox is None:
        raise RuntimeError("sox is missing: apt-get install sox (to read the wake-word FLACs)")
    result = subprocess.run([sox, str(path), "-t", "raw", "-r", str(SAMPLE_RATE_HZ), "-c", "1",
                             "-b", "16", "-e", "signed-integer", "-L", "-"],
                            capture_output=True, check=True, timeout=60)
    samples = np.frombuffer(result.stdout, dtype="<i2").astype(np.int16)
    cached.parent.mkdir(parents=True, exist_ok=True)
    np.save(cached, samples)
    return samples


def wake_word_recordings(shared: Path) -> list[Recording]:
    """The wake-word clips (FLAC or WAV); no speaker labels, so each file is its own speaker."""
    recordings = []
    for word in WAKE_WORDS:
        paths = sorted(p for p in (shared / "wake_words" / word).iterdir()
                       if p.suffix in (".flac", ".wav"))
        recordings += [Recording(path, "background", word, f"ww:{word}/{path.stem}")
                       for path in paths]
    return recordings


def wake_word_audio(shared: Path, cache: Path) -> Iterator[tuple[Recording, str, Samples]]:
    """Each wake-word clip with its split and audio."""
    for recording in wake_word_recordings(shared):
        path = recording.path
        samples = decode_flac(path, cache) if path.suffix == ".flac" else product.read_audio(path)
        yield recording, split_of(recording.speaker), samples


def wake_word_clips(shared: Path, seed: int, cache: Path,
                    banks: dict[str, NoiseBank]) -> Iterator[Clip]:
    """Each wake-word clip as a background clip of its speaker's split."""
    for recording, split, samples in wake_word_audio(shared, cache):
        origin = Origin("background", f"wake_word:{recording.text}", "wake_words",
                        recording.speaker, split)
        rng = rng_for(seed, f"ww:{recording.speaker}")
        yield speech_clip(samples, origin, rng, banks[split], speech_bounds_s(samples))


def noise_beds(shared: Path, split: str) -> dict[str, np.ndarray]:
    """The real noise recordings, the part of each that belongs to `split`, as floats."""
    beds = {}
    for name in NOISES:
        samples = product.read_audio(shared / "noise" / f"{name}.wav").astype(np.float64)
        cut = int(len(samples) * NOISE_TRAIN_SHARE)
        beds[name] = samples[:cut] if split == "train" else samples[cut:]
    return beds
