"""The tuning negatives are cut where the product's lanes start afresh."""

import numpy as np

from assistant.hearing.spotter.features import CHUNK_SAMPLES, SAMPLE_RATE_HZ
from assistant.hearing.spotter.lanes import REPRIME_AFTER_QUIET_S, STAGGER_S
from training.tuning import lane_pieces


def _stream(*parts: tuple[str, float]) -> np.ndarray:
    """Loud noise or digital silence, part by part (kind, seconds)."""
    rng = np.random.default_rng(3)
    audio = [rng.normal(0, 3000, int(s * SAMPLE_RATE_HZ)) if kind == "sound"
             else np.zeros(int(s * SAMPLE_RATE_HZ)) for kind, s in parts]
    return np.concatenate(audio).astype(np.int16)


def test_each_lane_starts_afresh_after_its_own_share_of_quiet() -> None:
    samples = _stream(("sound", 0.48), ("quiet", 2.4), ("sound", 0.48))
    pieces = lane_pieces(samples, lanes=3)
    chunk_s = CHUNK_SAMPLES / SAMPLE_RATE_HZ
    for lane, lane_pieces_found in enumerate(pieces):
        first_reset_s = lane_pieces_found[0][1] / SAMPLE_RATE_HZ
        wanted_s = 0.48 + REPRIME_AFTER_QUIET_S + lane * STAGGER_S
        assert wanted_s <= first_reset_s < wanted_s + chunk_s
    # The pieces of every lane cover the stream once, in order, without gaps.
    whole = len(samples) // CHUNK_SAMPLES * CHUNK_SAMPLES
    for lane_pieces_found in pieces:
        ends = [end for _, end in lane_pieces_found]
        starts = [start for start, _ in lane_pieces_found]
        assert starts[0] == 0 and ends[-1] == whole and starts[1:] == ends[:-1]


def test_no_lane_starts_afresh_while_there_is_sound() -> None:
    samples = _stream(("sound", 3.0))
    whole = len(samples) // CHUNK_SAMPLES * CHUNK_SAMPLES
    assert lane_pieces(samples, lanes=3) == [[(0, whole)]] * 3


def test_an_event_heard_by_every_lane_counts_once() -> None:
    from training.thresholds import count_fires
    from training.tuning import LaneStream, per_stream

    lanes = [LaneStream("wake_words", [np.zeros((6, 96))], [0]),
             LaneStream("wake_words", [np.zeros((2, 96)), np.zeros((4, 96))], [0, 2]),
             LaneStream("wake_words", [np.zeros((3, 96)), np.zeros((3, 96))], [0, 3])]
    # The same word peaks in every lane, on frame 4 of the stream's grid.
    series = [np.array([0, 0, 0, 0, 0.9, 0]), np.array([0, 0, 0, 0, 0.8, 0]),
              np.array([0, 0, 0, 0.2, 0.95, 0])]
    merged = per_stream(lanes, series)
    assert list(merged) == ["wake_words"]
    assert merged["wake_words"].tolist() == [0, 0, 0, 0.2, 0.95, 0]
    assert count_fires(merged["wake_words"], 0.5, refractory_frames=12) == 1


def test_one_outlier_does_not_set_a_safety_threshold() -> None:
    from training.thresholds import pick_label

    positives = [np.array([0.0, 0.7, 0.0])] * 9 + [np.array([0.0, 0.999, 0.0])]
    negatives = [np.array([0.0, 0.98, 0.0, 0.4, 0.0]), np.array([0.0, 0.6, 0.0])]
    safety = pick_label("stop", positives, negatives, negative_hours=0.5, refractory_frames=12)
    answer = pick_label("yes", positives, negatives, negative_hours=0.5, refractory_frames=12)
    # One false stop in half an hour is allowed; the second-worst negative (0.6) is not.
    assert 0.6 < safety.threshold <= 0.7 and safety.recall == 1.0
    # An answer must stay above every negative: here only the strongest positive is left.
    assert answer.threshold > 0.98 and answer.recall == 0.1
