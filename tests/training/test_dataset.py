"""The tiny data set, built for real (espeak-ng, the product's cue voice, numpy augmentation)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from training import product, texts
from training.dataset import (
    Clip,
    DatasetSettings,
    build_clips,
    evaluation_clips,
    long_negative_audio,
)

RATE_HZ = 16000


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("dataset-cache")


@pytest.fixture(scope="module")
def tiny(cache: Path) -> list[Clip]:
    return list(build_clips(DatasetSettings(seed=3, size="tiny", cache_dir=cache)))


def test_every_intent_of_the_phrase_table_is_in_both_splits(tiny: list[Clip]) -> None:
    intents = set(product.command_phrases())
    for split in ("train", "validation"):
        labels = {clip.label for clip in tiny if clip.split == split}
        assert labels == intents | {"background"}, split


def test_every_positive_says_a_phrase_of_its_intent(tiny: list[Clip]) -> None:
    table = product.command_phrases()
    positives = [clip for clip in tiny if clip.label != "background"]
    assert positives
    for clip in positives:
        assert clip.text in table[clip.label]


def test_no_speaker_or_voice_is_in_both_splits(tiny: list[Clip]) -> None:
    # The assistant's own voice is known, not an unseen speaker: it is checked apart below.
    people = [clip for clip in tiny if clip.source != "cue"]
    train = {clip.speaker for clip in people if clip.split == "train"}
    validation = {clip.speaker for clip in people if clip.split == "validation"}
    assert train and validation
    assert not train & validation


def test_own_cues_hold_out_speaking_rates(tiny: list[Clip]) -> None:
    cues = [clip for clip in tiny if clip.source == "cue"]
    train = {clip.speaker for clip in cues if clip.split == "train"}
    validation = {clip.speaker for clip in cues if clip.split == "validation"}
    assert train and validation
    assert not train & validation
    assert all(clip.text.startswith("cue:") and clip.label == "background" for clip in cues)


def test_clips_are_16_khz_mono_int16_with_the_phrase_inside(tiny: list[Clip]) -> None:
    for clip in tiny:
        assert clip.samples.dtype == np.int16 and clip.samples.ndim == 1
        duration_s = len(clip.samples) / RATE_HZ
        assert 1.5 <= duration_s <= 5.0
        assert clip.split in ("train", "validation")
        if clip.label == "background":
            assert clip.speech_start_s is None and clip.speech_end_s is None
        else:
            assert clip.speech_start_s is not None and clip.speech_end_s is not None
            assert 0.0 < clip.speech_start_s < clip.speech_end_s <= duration_s - 0.4
            # The speech lies where the clip says: louder inside the phrase than before it.
            start = int(clip.speech_start_s * RATE_HZ)
            end = int(clip.speech_end_s * RATE_HZ)
            inside = np.abs(clip.samples[start:end].astype(np.float64)).mean()
            before = np.abs(clip.samples[: start - 800].astype(np.float64)).mean()
            assert inside > before


def test_digital_silence_is_exactly_zero(tiny: list[Clip]) -> None:
    silent = [clip for clip in tiny if clip.source == "digital_silence"]
    assert silent and all(not clip.samples.any() for clip in silent)


def test_the_same_seed_gives_the_same_clips_and_another_seed_others(
        tiny: list[Clip], tmp_path: Path) -> None:
    again = list(build_clips(DatasetSettings(seed=3, size="tiny", cache_dir=tmp_path / "a")))
    assert [(c.label, c.text, c.speaker, c.split) for c in again] == \
        [(c.label, c.text, c.speaker, c.split) for c in tiny]
    assert all(np.array_equal(a.samples, b.samples) for a, b in zip(again, tiny, strict=True))
    other = list(build_clips(DatasetSettings(seed=4, size="tiny", cache_dir=tmp_path / "b")))
    assert not all(np.array_equal(a.samples, b.samples)
                   for a, b in zip(other, tiny, strict=False))


def test_a_warm_build_reads_back_the_same_clips(tiny: list[Clip], cache: Path) -> None:
    warm = list(build_clips(DatasetSettings(seed=3, size="tiny", cache_dir=cache)))
    assert len(list((cache / "sets").iterdir())) == 1
    assert all(np.array_equal(a.samples, b.samples) for a, b in zip(warm, tiny, strict=True))


def test_negative_texts_contain_no_command_but_the_in_sentence_ones() -> None:
    inside = texts.commands_inside(texts.negative_texts())
    assert set(inside) == set(texts.IN_SENTENCE)


def test_every_cue_text_is_rendered_from_the_product() -> None:
    cue_texts = product.cue_texts()
    assert len(cue_texts) == len(set(cue_texts)) > 50
    assert "Did you say continue? Say yes to go on." in cue_texts


def test_long_negatives_are_int16_per_split(cache: Path) -> None:
    settings = DatasetSettings(seed=3, size="tiny", cache_dir=cache)
    for split in ("train", "validation"):
        streams = dict(long_negative_audio(settings, split))
        assert "cues" in streams and "prose" in streams
        assert all(s.dtype == np.int16 and len(s) > RATE_HZ for s in streams.values())
        again = dict(long_negative_audio(settings, split))  # read back from the cache
        assert list(again) == list(streams)
        assert all(np.array_equal(again[name], streams[name]) for name in streams)
    with pytest.raises(ValueError):
        list(long_negative_audio(settings, "test"))


def test_evaluation_clips_are_validation_voices_only(tiny: list[Clip], cache: Path) -> None:
    clips = list(evaluation_clips(DatasetSettings(seed=3, size="tiny", cache_dir=cache)))
    validation_voices = {c.speaker for c in tiny if c.split == "validation"}
    assert clips and all(c.split == "validation" for c in clips)
    assert {c.speaker for c in clips} <= validation_voices
    assert {c.label for c in clips} == set(product.command_phrases()) | {"background"}


def test_a_cue_is_rendered_at_the_rate_asked_for() -> None:
    from training.synth import checked_cue

    slow = checked_cue("Say yes to go on.", 100, None)
    brisk = checked_cue("Say yes to go on.", 180, None)
    # eSpeak NG's length scales with 1/rate: 180/100 = 1.8 (the silence trimmed makes it inexact).
    assert 1.6 < len(slow) / len(brisk) < 2.0


def _before_to_phrase_power(clip: Clip) -> float:
    """Mean power before the phrase (up to 0.1 s before it) over the phrase's own."""
    assert clip.speech_start_s is not None and clip.speech_end_s is not None
    audio = clip.samples.astype(np.float64)
    start, end = int(clip.speech_start_s * RATE_HZ), int(clip.speech_end_s * RATE_HZ)
    return float((audio[:max(start - 1600, 1)] ** 2).mean() / (audio[start:end] ** 2).mean())


def test_some_phrases_are_said_soon_after_other_talk(tiny: list[Clip]) -> None:
    """A command said right after a sentence must be learnt too: for a share of the phrases
    a second clip has talk before it, and the phrase is still where the clip says."""
    for split in ("train", "validation"):
        clips: dict[tuple[str, str], list[Clip]] = {}
        for clip in tiny:
            if clip.label != "background" and clip.split == split:
                clips.setdefault((clip.speaker, clip.text), []).append(clip)
        pairs = [found for found in clips.values() if len(found) == 2]
        assert 0.1 * len(clips) <= len(pairs) <= 0.6 * len(clips), split
        assert all(len(found) <= 2 for found in clips.values())
        plain = np.mean([_before_to_phrase_power(first) for first, _ in pairs])
        preceded = np.mean([_before_to_phrase_power(second) for _, second in pairs])
        assert preceded > 2 * plain, split
