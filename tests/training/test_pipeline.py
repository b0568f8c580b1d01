"""The whole training pipeline on the tiny data set: files, loadable head, determinism."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.hearing.spotter.head import BACKGROUND, load_head
from training.pipeline import intent_labels, run, write_outcome
from training.product import command_phrases


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two tiny runs with the same seed (the second reuses the first's caches)."""
    cache = tmp_path_factory.mktemp("cache")
    first, second = tmp_path_factory.mktemp("first"), tmp_path_factory.mktemp("second")
    write_outcome(run("tiny", seed=1, workers=2, cache_dir=cache), first)
    write_outcome(run("tiny", seed=1, workers=1, cache_dir=cache), second)
    return first, second


def test_the_run_writes_a_head_and_a_data_card(trained: tuple[Path, Path]) -> None:
    first, _ = trained
    assert sorted(path.name for path in first.iterdir()) == ["DATA_CARD.md", "head.npz"]
    card = (first / "DATA_CARD.md").read_text(encoding="utf-8")
    assert "## Sources" in card and "espeak-ng" in card and "seed 1" in card


def test_the_head_loads_and_covers_the_phrase_table(trained: tuple[Path, Path]) -> None:
    head = load_head(trained[0] / "head.npz")
    assert head.labels == tuple(intent_labels())
    assert set(head.labels) == {BACKGROUND, *command_phrases("en")}
    scores = head.scores(np.zeros((3, head.window_frames * 96), np.float32))
    assert scores.shape == (3, len(head.labels))
    intents = np.array([label != BACKGROUND for label in head.labels])
    assert np.all((head.thresholds[intents] >= 0.5) & (head.thresholds[intents] < 1.0))
    assert set(head.consecutive[intents].tolist()) <= {1, 2, 3}


def test_the_same_seed_gives_the_same_head(trained: tuple[Path, Path]) -> None:
    with np.load(trained[0] / "head.npz") as first, np.load(trained[1] / "head.npz") as second:
        assert sorted(first.files) == sorted(second.files)
        for name in first.files:
            assert np.array_equal(first[name], second[name]), name
