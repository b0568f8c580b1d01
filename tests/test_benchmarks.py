"""The benchmark's own arithmetic (recall, false activations, percentiles, SNR mixing, word
ends) and a tiny end-to-end run that must write a well-formed report."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from assistant.core.events import SAMPLE_RATE_HZ, intent_event
from assistant.speaking.espeak import SpeakerStyle, synthesize
from benchmarks.corpus import Utterance, word_end_s
from benchmarks.metrics import (
    NONE,
    Outcome,
    confusion,
    false_activations,
    intent_events,
    latency_summary,
    percentile,
    recall,
    score_commands,
)
from benchmarks.noise import active_power, coloured_noise, snr_db
from benchmarks.streams import NoiseBank, Placement, build_stream, layout
from benchmarks.targets import TARGETS


def outcome(expected: str, got: str, latency_s: float | None = 0.1) -> Outcome:
    return Outcome(f"{expected}-{got}", "synth", expected, expected, got,
                   latency_s if got == expected else None, "none", None)


def test_recall_counts_only_the_wanted_intents() -> None:
    outcomes = [outcome("stop", "stop"), outcome("stop", NONE), outcome("yes", "yes"),
                outcome("help", "pause")]
    assert recall(outcomes) == pytest.approx(2 / 4)
    assert recall(outcomes, ["stop", "help"]) == pytest.approx(1 / 3)
    assert recall(outcomes, ["dizzy"]) is None


def test_confusion_counts_what_each_command_was_heard_as() -> None:
    outcomes = [outcome("stop", "stop"), outcome("stop", "pause"), outcome("stop", "pause")]
    assert confusion(outcomes) == {"stop": {"pause": 2, "stop": 1}}


def placement(key: str, expected: str | None, start_s: float, end_s: float,
              window_end_s: float) -> Placement:
    return Placement(key, expected, key, "synth", "en-us", start_s, end_s, window_end_s)


def test_scoring_charges_intents_to_their_utterance_and_measures_latency() -> None:
    placements = [placement("a", "stop", 1.0, 1.5, 3.0), placement("b", "yes", 3.0, 3.4, 5.0),
                  placement("c", "help", 5.0, 5.6, 7.0)]
    events = [intent_event(1.7, "stop", "stop"), intent_event(3.9, "no", "no"),
              intent_event(4.1, "yes", "yes"), intent_event(7.5, "pause", "wait")]
    outcomes, stray = score_commands(placements, intent_events(events), "none", None)
    assert [o.got for o in outcomes] == ["stop", "yes", NONE]
    assert outcomes[0].latency_s == pytest.approx(0.2)
    assert outcomes[1].latency_s == pytest.approx(0.7)
    assert outcomes[2].latency_s is None
    assert stray == ["pause"]


def test_false_activations_per_hour_split_by_kind() -> None:
    heard = [(10.0, "stop"), (20.0, "help"), (30.0, "yes"), (40.0, "repeat")]
    found = false_activations(heard, audio_s=1800.0)
    rates = found.rates_per_hour()
    assert (found.safety, found.resuming, found.total) == (2, 1, 4)
    assert rates["safety"] == pytest.approx(4.0)
    assert rates["resuming"] == pytest.approx(2.0)
    assert false_activations([], 0.0).rates_per_hour()["any"] is None


def test_percentiles_and_latency_summary() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == pytest.approx(50.5)
    assert percentile(values, 95) == pytest.approx(95.05)
    assert percentile([], 50) is None
    summary = latency_summary([0.3, 0.1, 0.2])
    assert summary["n"] == 3 and summary["max_s"] == pytest.approx(0.3)
    assert summary["p50_s"] == pytest.approx(0.2)


def test_targets_say_pass_and_short() -> None:
    by_key = {target.key: target for target in TARGETS}
    assert by_key["stop_latency_p50"].verdict(0.15) == "pass"
    assert by_key["stop_latency_p50"].verdict(0.25) == "short"
    assert by_key["safety_recall_10db"].verdict(0.995) == "pass"
    assert by_key["safety_recall_10db"].verdict(0.98) == "short"
    assert by_key["cpu_share"].verdict(None) == "n/a"


def test_pink_and_brown_noise_lean_to_low_frequencies() -> None:
    rng = np.random.default_rng(1)
    def low_share(colour: str) -> float:
        power = np.abs(np.fft.rfft(coloured_noise(colour, SAMPLE_RATE_HZ * 2, rng))) ** 2
        freqs = np.fft.rfftfreq(SAMPLE_RATE_HZ * 2, 1 / SAMPLE_RATE_HZ)
        return float(power[freqs < 500].sum() / power.sum())
    assert low_share("white") < low_share("pink") < low_share("brown")


@pytest.fixture(scope="module")
def spoken_stop() -> Utterance:
    samples = synthesize("please stop", SpeakerStyle("en-gb", 150))
    return Utterance("stop", samples, "stop", "please stop", "en-gb", "synth",
                     len(samples) / SAMPLE_RATE_HZ)


@pytest.fixture(scope="module")
def talkers() -> list[np.ndarray]:
    return [synthesize(text, SpeakerStyle(voice, 160)) for text, voice in
            (("the weather stays dry for most of us", "en-us"),
             ("slice the onions thinly and let them soften", "en-029"))]


@pytest.mark.parametrize("noise", ["white", "pink", "brown", "babble"])
@pytest.mark.parametrize("wanted_db", [10.0, 0.0])
def test_a_mix_at_a_given_snr_measures_that_snr(spoken_stop: Utterance, talkers: list,
                                                noise: str, wanted_db: float) -> None:
    bank = NoiseBank({}, talkers)
    items = [spoken_stop, spoken_stop]
    clean, _ = layout(items)
    stream = build_stream("t", items, noise, wanted_db, bank.make, seed=3)
    # Speech peaks may force the whole mix down to avoid clipping; undo that to find the noise.
    scale = float(np.dot(stream.samples, clean) / np.dot(clean, clean))
    noise_part = stream.samples.astype(np.float64) / scale - clean
    assert snr_db(clean, noise_part) == pytest.approx(wanted_db, abs=0.2)


def test_active_power_ignores_the_silences(spoken_stop: Utterance) -> None:
    padded = np.concatenate([np.zeros(SAMPLE_RATE_HZ * 3, np.int16), spoken_stop.samples])
    assert active_power(padded) == pytest.approx(active_power(spoken_stop.samples), rel=0.05)


def test_word_end_is_found_by_energy_in_a_noisy_clip(spoken_stop: Utterance) -> None:
    rng = np.random.default_rng(5)
    lead, tail = int(0.2 * SAMPLE_RATE_HZ), int(0.5 * SAMPLE_RATE_HZ)
    clip = np.concatenate([np.zeros(lead), spoken_stop.samples.astype(np.float64),
                           np.zeros(tail)]) + rng.normal(0, 30, lead + len(spoken_stop.samples)
                                                         + tail)
    true_end_s = (lead + len(spoken_stop.samples)) / SAMPLE_RATE_HZ
    assert word_end_s(np.round(clip).astype(np.int16)) == pytest.approx(true_end_s, abs=0.05)


def listening_available() -> bool:
    try:
        import assistant.run.listening  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.slow
@pytest.mark.skipif(not listening_available(), reason="assistant.run.listening is not built yet")
def test_a_tiny_run_writes_a_well_formed_report(tmp_path: Path) -> None:
    from benchmarks.run import main

    assert main(["--plan", "tiny", "--engine", "pocketsphinx", "--docs-dir", str(tmp_path)]) == 0
    results = json.loads((tmp_path / "benchmarks.json").read_text())
    engine = results["engines"]["pocketsphinx"]
    assert engine["commands"]["synth"]["clean"]["n"] > 0
    assert engine["listening_cost"]["audio_s"] > 0
    assert {record["key"] for record in engine["targets"]} == {t.key for t in TARGETS}
    markdown = (tmp_path / "benchmarks.md").read_text()
    assert markdown.startswith("# RetroWalk benchmarks")
    for target in TARGETS:
        assert target.label in markdown
    table_rows = [line for line in markdown.splitlines() if line.startswith("|")]
    assert all(line.endswith("|") for line in table_rows)


def test_silence_is_timed_from_the_stop_call_to_the_first_quiet_block() -> None:
    from benchmarks.speaker_stop import SILENT_PEAK, silence_delay_s

    loud, quiet = SILENT_PEAK * 10, 0
    blocks = [(0.00, quiet), (0.01, loud), (0.02, loud), (0.03, loud), (0.04, loud),
              (0.05, quiet), (0.06, quiet)]
    assert silence_delay_s(blocks, stop_at=0.015) == pytest.approx(0.035)
    assert silence_delay_s(blocks[:5], stop_at=0.015) is None


def test_sampling_spreads_over_the_list_and_keeps_order() -> None:
    from benchmarks.corpus import sample_evenly

    picked = sample_evenly(list(range(100)), 5)
    assert picked == sorted(picked) and len(picked) == 5
    assert picked[0] == 0 and picked[-1] == 99
    assert sample_evenly([1, 2], None) == [1, 2]


def test_with_noise_every_noise_type_gets_its_share(spoken_stop: Utterance) -> None:
    from benchmarks.evaluate import command_streams

    bank = NoiseBank({}, [spoken_stop.samples, spoken_stop.samples[::-1]])
    items = [spoken_stop] * 8
    streams = [spec.build(bank) for spec in
               command_streams("command", "t", items, 10.0, bank.names)]
    assert sorted(s.noise for s in streams) == sorted(bank.names)
    assert sum(len(s.placements) for s in streams) == len(items)
    clean = command_streams("command", "t", items, None, bank.names)
    assert [spec.build(bank).noise for spec in clean] == ["none"]


def test_peak_memory_of_a_child_is_its_own_not_its_parents() -> None:
    import subprocess
    import sys

    ballast = np.ones(40_000_000)  # 320 MB held by this (parent) process
    code = "from benchmarks.probe import peak_resident_kb; print(peak_resident_kb())"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=Path(__file__).resolve().parents[1])
    assert int(result.stdout) / 1024 < 200
    del ballast
