"""The whole training run: data set, features, fit, hard-negative mining, thresholds, files."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from assistant.hearing.spotter.features import CHUNK_SAMPLES, SAMPLE_RATE_HZ
from assistant.hearing.spotter.head import BACKGROUND, DATA_CARD_FILE, HEAD_FILE, Head
from assistant.hearing.spotter.lanes import LANES
from training import product
from training.dataset import (
    Clip,
    DatasetSettings,
    build_clips,
    cache_dir,
    long_negative_audio,
)
from training.features import compute_features, priming_embeddings
from training.gating import released_frames, speech_probabilities
from training.negatives import HALTED_CUES
from training.thresholds import SAFETY_INTENTS, Choice, pick_label
from training.train import (
    COMMITTED_MEMBERS,
    FRAME_S,
    ClipInfo,
    TrainSettings,
    fit_ensemble,
    hard_negatives,
    stream_scores,
    training_arrays,
)
from training.tuning import LaneStream, lane_streams, per_stream

MINING_ROUNDS = 2
MAX_HARD_NEGATIVES = 40_000


@dataclass
class Corpus:
    """Feature frames of the data set's clips and of its long negative streams."""

    infos: list[ClipInfo]
    embeddings: list[np.ndarray]
    long_train: list[np.ndarray]
    tuning: list[LaneStream]
    """The first half (in time) of each validation long negative, lane by lane: thresholds."""
    tuning_hours: float = 0.0
    """How long those first halves are (each counted once, not once per lane)."""


@dataclass
class Outcome:
    """What a run produced, for the data card and the caller."""

    head: Head
    choices: list[Choice]
    corpus: Corpus
    settings: TrainSettings
    size: str
    hard_negatives: list[int]
    dataset_seed: int | None = None


def cache_root(settings: DatasetSettings) -> Path:
    """Where features are cached: beside the data set's own cache (never in the repository)."""
    return cache_dir(settings) / "features"


def intent_labels() -> list[str]:
    """Background first, then every intent of the English phrase table."""
    return [BACKGROUND, *sorted(product.command_phrases("en"))]


def _info(clip: Clip) -> ClipInfo:
    """A clip's metadata."""
    return ClipInfo(clip.label, clip.text, clip.source, clip.speaker, clip.split,
                    clip.speech_start_s, clip.speech_end_s, len(clip.samples) / SAMPLE_RATE_HZ)


def _recording(clips: Iterable[Clip], infos: list[ClipInfo]) -> Iterator[np.ndarray]:
    """The clips' samples, noting each clip's metadata on the way."""
    for clip in clips:
        infos.append(_info(clip))
        yield clip.samples


def build_corpus(dataset: DatasetSettings, workers: int) -> Corpus:
    """Build the data set and stream every clip and long negative through the front end."""
    root = cache_root(dataset)
    infos: list[ClipInfo] = []
    features = compute_features(_recording(build_clips(dataset), infos), root, workers)
    embeddings = list(tqdm(features, desc="clip features", unit="clip", mininterval=5))
    long_train = _long_features(dataset, "train", root, workers)
    halves = [(name, samples[: len(samples) // CHUNK_SAMPLES // 2 * CHUNK_SAMPLES])
              for name, samples in long_negative_audio(dataset, "validation")]
    tuning = lane_streams(halves, root, workers)
    for index, (_, samples) in enumerate(halves):
        released = released_frames(speech_probabilities(samples, root),
                                   len(samples) // CHUNK_SAMPLES)
        for lane in tuning[index * LANES:(index + 1) * LANES]:
            lane.released = released
    hours = sum(len(samples) for _, samples in halves) / SAMPLE_RATE_HZ / 3600
    return Corpus(infos, embeddings, long_train, tuning, hours)


def _long_features(dataset: DatasetSettings, split: str, root: Path,
                   workers: int) -> list[np.ndarray]:
    """The frames of each long negative stream of one split, each streamed from one start."""
    audio = (samples for _, samples in long_negative_audio(dataset, split))
    return list(tqdm(compute_features(audio, root, workers), desc=f"long negatives ({split})",
                     unit="stream", mininterval=5))


def train_head(corpus: Corpus, labels: list[str], settings: TrainSettings) -> tuple[Head, list]:
    """Fit, then mine hard negatives on the train long negatives and fit again."""
    priming = priming_embeddings()
    train = [i for i, info in enumerate(corpus.infos) if info.split == "train"]
    inputs, targets = training_arrays([corpus.infos[i] for i in train],
                                      [corpus.embeddings[i] for i in train], priming, labels,
                                      settings.window_frames)
    head = fit_ensemble(inputs, targets, labels, settings)
    added: list[int] = []
    for _ in tqdm(range(MINING_ROUNDS), desc="hard-negative rounds"):
        hard = hard_negatives(head, corpus.long_train, priming)[:MAX_HARD_NEGATIVES]
        added.append(len(hard))
        if len(hard) == 0:
            break
        inputs = np.concatenate((inputs, hard))
        targets = np.concatenate((targets, np.zeros(len(hard), np.int64)))
        head = fit_ensemble(inputs, targets, labels, settings)
    return head, added


def pick_decisions(head: Head, corpus: Corpus) -> tuple[Head, list[Choice]]:
    """Per-label thresholds and frame counts from the validation clips and tuning negatives."""
    priming = priming_embeddings()
    validation = [i for i, info in enumerate(corpus.infos) if info.split == "validation"]
    scores = {i: stream_scores(head, corpus.embeddings[i], priming) for i in validation}
    # False activations are counted on long negative streams (read speech, wake words, other
    # words, prose, own cues, noise), heard through the lanes, an event counted once; the short
    # sound-alike clips are measured by the benchmark.
    negatives = [lane.scores(head, priming) for lane in corpus.tuning]
    hours = corpus.tuning_hours
    refractory_frames = int(round(head.refractory_s / FRAME_S))
    choices = []
    for column, label in enumerate(head.labels):
        if label == BACKGROUND:
            continue
        positives = [scores[i][:, column] for i in validation if corpus.infos[i].label == label]
        series = [s[:, column] for s in negatives]
        if label not in SAFETY_INTENTS:
            # Gated at run time: only what the utterance gate would let out can fire falsely.
            series = [lane.gated(s) for lane, s in zip(corpus.tuning, series, strict=True)]
        streams = per_stream(corpus.tuning, series)
        if label in SAFETY_INTENTS:
            # Said only once the walker is halted: a safety intent heard there changes nothing.
            streams.pop(HALTED_CUES, None)
        series = list(streams.values())
        choices.append(pick_label(label, positives, series, hours, refractory_frames))
    thresholds = head.thresholds.copy()
    consecutive = head.consecutive.copy()
    for choice in choices:
        thresholds[head.labels.index(choice.label)] = choice.threshold
        consecutive[head.labels.index(choice.label)] = choice.consecutive
    return head.with_decisions(thresholds, consecutive), choices


def run(size: str, seed: int, workers: int = 2, window_frames: int = 16,
        epochs: int | None = None, cache_dir: Path | None = None,
        fit_seed: int | None = None, members: int = 1) -> Outcome:
    """Build, stream, fit, mine, choose thresholds; return the head and its figures."""
    dataset = DatasetSettings(seed=seed, size=size, cache_dir=cache_dir)
    settings = TrainSettings(seed=seed if fit_seed is None else fit_seed,
                             window_frames=window_frames,
                             epochs=epochs or (8 if size == "full" else 20), members=members)
    corpus = build_corpus(dataset, workers)
    labels = intent_labels()
    head, added = train_head(corpus, labels, settings)
    head, choices = pick_decisions(head, corpus)
    return Outcome(head, choices, corpus, settings, size, added, dataset_seed=seed)


def write_outcome(outcome: Outcome, out_dir: Path, minutes: float | None = None) -> None:
    """Write head.npz and DATA_CARD.md into out_dir."""
    from training.card import data_card

    out_dir.mkdir(parents=True, exist_ok=True)
    outcome.head.save(out_dir / HEAD_FILE.name)
    card = data_card(outcome.corpus.infos, outcome.choices, outcome.settings, outcome.size,
                     outcome.hard_negatives, minutes, outcome.dataset_seed)
    (out_dir / DATA_CARD_FILE.name).write_text(card, encoding="utf-8")


def train_and_write(size: str, seed: int, out_dir: Path, workers: int = 2,
                    window_frames: int = 16, fit_seed: int | None = None,
                    members: int = COMMITTED_MEMBERS) -> Outcome:
    """The command's work: run the training, time it, write its files."""
    import time

    started = time.monotonic()
    outcome = run(size, seed, workers, window_frames, fit_seed=fit_seed, members=members)
    write_outcome(outcome, out_dir, (time.monotonic() - started) / 60)
    return outcome
