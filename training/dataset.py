"""The spotter's data set: every clip, synthesized and real, augmented, split by speaker.

`build_clips(DatasetSettings())` yields the full set; `size="tiny"` a few dozen clips of
espeak-ng only (no shared data needed), for tests. A built set is cached whole under the
cache folder, keyed by the settings, the shared data's files and this package's code, so a
second build only reads it back.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from training import layout, product
from training.clips import Clip
from training.layout import Budget

__all__ = ["Clip", "DatasetSettings", "build_clips", "evaluation_clips", "long_negative_audio",
           "noise_recordings"]

_LOGGER = logging.getLogger(__name__)
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CACHE = REPO_ROOT.parent / "cache" / "dataset"
SPLITS = ("train", "validation")


@dataclass(frozen=True)
class DatasetSettings:
    """What to build, from where, cached where."""

    seed: int = 1
    size: str = "full"
    """"full" or "tiny" (a few dozen clips, espeak-ng only, seconds to build: for tests)."""
    shared_data: Path | None = None
    """The real recordings; None: RETROWALK_SHARED_DATA, else ../shared/data from the repo."""
    cache_dir: Path | None = None
    """Synthesized audio and built sets; None: RETROWALK_CACHE, else ../cache/dataset."""
    kathleen_split: str = "alternate"
    """Which split kathleen's read speech (one reader, negatives only) belongs to: "train",
    "validation", or "alternate" (every other sentence in each: see sources.kathleen_in_split)."""


def shared_data_dir(settings: DatasetSettings) -> Path | None:
    """The shared recordings folder, or None when it is absent (the tiny set needs none)."""
    if settings.shared_data is not None:
        return settings.shared_data
    folder = Path(os.environ.get("RETROWALK_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))
    return folder if folder.is_dir() else None


def cache_dir(settings: DatasetSettings) -> Path:
    """Where synthesized speech and built sets are kept (never inside the repository)."""
    if settings.cache_dir is not None:
        return settings.cache_dir
    return Path(os.environ.get("RETROWALK_CACHE", DEFAULT_CACHE))


def _data_fingerprint(folder: Path | None) -> list[tuple[str, int]]:
    if folder is None:
        return []
    return sorted((str(path.relative_to(folder)), path.stat().st_size)
                  for path in folder.rglob("*") if path.is_file())


def _code_fingerprint(modules: tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    for name in modules:
        path = Path(__file__).parent / name
        digest.update(name.encode() + path.read_bytes())
    return digest.hexdigest()


def set_key(settings: DatasetSettings, budget: Budget,
            modules: tuple[str, ...] = layout.DATASET_MODULES) -> str:
    """A name for the built set that changes with anything that changes its clips (the code
    of `modules`, the phrase table and the assistant's own cues included)."""
    shared = shared_data_dir(settings) if budget.uses_shared_data else None
    identity = [settings.seed, settings.size, settings.kathleen_split, asdict(budget),
                _data_fingerprint(shared), _code_fingerprint(modules),
                product.cue_texts(), product.command_phrases("en")]
    digest = hashlib.sha256(json.dumps(identity, default=str).encode()).hexdigest()[:16]
    return f"{settings.size}-seed{settings.seed}-{digest}"


def build_clips(settings: DatasetSettings) -> Iterator[Clip]:
    """Every clip of the data set, in a stable order; deterministic for a seed."""
    budget = layout.budget_for(settings.size)
    folder = cache_dir(settings) / "sets" / set_key(settings, budget)
    if not (folder / "meta.json").is_file():
        began = time.perf_counter()
        clips = list(layout.all_clips(settings.seed, budget, shared_data_dir(settings),
                                      cache_dir(settings), settings.kathleen_split))
        _save(folder, clips)
        _drop_stale_sets(folder)
        _LOGGER.info("built %d clips in %.1f s", len(clips), time.perf_counter() - began)
    yield from _load(folder)


def _save(folder: Path, clips: list[Clip]) -> None:
    partial = folder.with_name(folder.name + ".part")
    partial.mkdir(parents=True, exist_ok=True)
    lengths = [len(clip.samples) for clip in clips]
    joined = np.concatenate([clip.samples for clip in clips]) if clips else np.zeros(0)
    np.save(partial / "samples.npy", joined.astype(np.int16))
    meta = [{**{k: v for k, v in asdict(clip).items() if k != "samples"}, "length": length}
            for clip, length in zip(clips, lengths, strict=True)]
    (partial / "meta.json").write_text(json.dumps(meta), "utf-8")
    if folder.exists():
        raise FileExistsError(f"{folder} appeared while building (two builds at once?)")
    partial.rename(folder)


def _drop_stale_sets(folder: Path) -> None:
    """Remove older builds of the same size and seed (each is about a gigabyte)."""
    prefix = folder.name.rsplit("-", 1)[0] + "-"
    for other in folder.parent.iterdir():
        if other != folder and other.name.startswith(prefix) and not other.name.endswith(".part"):
            shutil.rmtree(other, ignore_errors=True)


def _load(folder: Path) -> Iterator[Clip]:
    samples = np.load(folder / "samples.npy", mmap_mode="r")
    offset = 0
    for entry in json.loads((folder / "meta.json").read_text("utf-8")):
        length = entry.pop("length")
        chunk = np.array(samples[offset : offset + length], dtype=np.int16)
        offset += length
        yield Clip(samples=chunk, **entry)


def long_negative_audio(settings: DatasetSettings, split: str) -> Iterator[tuple[str, np.ndarray]]:
    """Long stretches of non-command audio of one split, as (description, int16 16 kHz):
    kathleen's sentences joined, wake-word clips joined, synthesized prose, every cue through
    a room, noise. For hard-negative mining (train) and false activations per hour
    (validation)."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, not {split!r}")
    budget = layout.budget_for(settings.size)
    key = set_key(settings, budget, (*layout.DATASET_MODULES, "negatives.py"))
    path = cache_dir(settings) / "long" / f"{key}-{split}.npz"
    if not path.is_file():
        streams = list(layout.long_negatives(settings.seed, budget, shared_data_dir(settings),
                                             cache_dir(settings), settings.kathleen_split, split))
        _save_long(path, streams)
    with np.load(path) as saved:
        names = json.loads(bytes(saved["arr_0"]).decode())
        for index, name in enumerate(names, start=1):
            yield name, saved[f"arr_{index}"]


def _save_long(path: Path, streams: list[tuple[str, np.ndarray]]) -> None:
    """Long streams in one .npz: arr_0 their names (JSON), then each stream in order; older
    ones of the same size, seed and split are removed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    size_seed, split = path.name.rsplit("-", 2)[0], path.name.rsplit("-", 1)[1]
    for other in path.parent.glob(f"{size_seed}-*-{split}"):
        other.unlink()
    names = np.frombuffer(json.dumps([name for name, _ in streams]).encode(), dtype=np.uint8)
    partial = path.with_name(path.name + ".part.npz")
    np.savez(partial, names, *[samples for _, samples in streams])
    partial.replace(path)


def evaluation_clips(settings: DatasetSettings) -> Iterator[Clip]:
    """Validation only and clean (no noise, no room): Speech Commands words of the validation
    speakers (commands and other words), then every phrase and sound-alike in the held-out
    synthesized voices; speech_start_s and speech_end_s set for positives."""
    from training import evaluation

    budget = layout.budget_for(settings.size)
    shared = shared_data_dir(settings) if budget.uses_shared_data else None
    if shared is not None:
        yield from evaluation.real_evaluation_clips(shared, settings.seed)
    yield from evaluation.synthesized_evaluation_clips(settings.seed, budget, cache_dir(settings))


def noise_recordings(settings: DatasetSettings, split: str = "validation"
                     ) -> list[tuple[str, np.ndarray]]:
    """The real noise recordings as (name, int16), the part of each that belongs to `split`
    (the last quarter of each recording is validation); empty without the shared data."""
    from training import sources

    shared = shared_data_dir(settings)
    if shared is None:
        return []
    return [(name, bed.astype(np.int16)) for name, bed in sources.noise_beds(shared, split).items()]
