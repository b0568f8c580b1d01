"""Measure the trained command spotter on speakers and voices that training never saw.

`python -m benchmarks.spotter_eval [--head FILE] [--json FILE]`: per intent recall in quiet, at
10 dB and at 5 dB of real household noise, for real people (Speech Commands validation
speakers) and for held-out synthesized voices separately; how often words that are not
commands give an intent; false safety and resuming intents per hour on the held-out half of
the validation long negatives (the half thresholds were not picked on); latency after the word
end; CPU of one core while streaming; peak memory of a process that only listens.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

from assistant.hearing.spotter.features import Features, FrontEnd, StreamingFeatures
from assistant.hearing.spotter.head import HEAD_FILE, Detection, Detector, Head, load_head
from benchmarks import spotter_sets
from training.dataset import DatasetSettings, cache_dir, long_negative_audio, shared_data_dir
from training.features import compute_features
from training.pipeline import cache_root
from training.thresholds import RESUMING_INTENTS, SAFETY_INTENTS

FRAME_SAMPLES = 1280


def detections_of(head: Head, priming: np.ndarray, embeddings: np.ndarray) -> list[Detection]:
    """What the streaming detector fires on one clip's frames (from a reset)."""
    ends = FRAME_SAMPLES * np.arange(1, len(embeddings) + 1, dtype=np.int64)
    return Detector(head, priming).push(Features(embeddings, ends))


def recall_figures(head: Head, priming: np.ndarray, utterances: list, beds: list,
                   root: Path) -> tuple[dict, dict, dict]:
    """Heard rates per group, intent and condition; non-command rates; latencies (s)."""
    cases = [(u, c, *spotter_sets.in_condition(u, c, beds, i))
             for c in spotter_sets.CONDITIONS for i, u in enumerate(utterances)]
    frames = compute_features((samples for _, _, samples, _ in cases), root, 2)
    heard: dict = defaultdict(lambda: [0, 0])
    words: dict = defaultdict(lambda: [0, 0])
    latencies: dict = defaultdict(list)
    for (utterance, condition, _, end_s), embeddings in zip(cases, frames, strict=True):
        fired = detections_of(head, priming, embeddings)
        if utterance.label == "background":
            words[(condition, utterance.text)][0] += bool(fired)
            words[(condition, utterance.text)][1] += 1
            continue
        key = (utterance.group, utterance.label, condition)
        hit = bool(fired) and fired[0].label == utterance.label
        heard[key][0] += hit
        heard[key][1] += 1
        if hit:
            latencies[(utterance.label, condition)].append(fired[0].at_s - end_s)
    return dict(heard), dict(words), latencies


def false_activations(head: Head, priming: np.ndarray, dataset: DatasetSettings,
                      root: Path) -> dict:
    """Detections in the second half (in time) of each validation long negative stream."""
    streams = list(long_negative_audio(dataset, "validation"))
    frames = compute_features((samples for _, samples in streams), root, 2)
    figures = {}
    for (name, samples), embeddings in zip(streams, frames, strict=True):
        half_s = len(samples) / 2 / 16_000
        fired = [d for d in detections_of(head, priming, embeddings) if d.at_s >= half_s]
        figures[name] = {"hours": half_s / 3600,
                         "detections": Counter(d.label for d in fired)}
    return figures


def cpu_percent(head: Head, seconds: float = 60.0) -> float:
    """CPU time of one core spent streaming noisy audio chunk by chunk, in % of real time."""
    rng = np.random.default_rng(0)
    audio = (rng.standard_normal(int(seconds * 16_000)) * 800).astype(np.int16)
    stream = StreamingFeatures(FrontEnd())
    detector = Detector(head, stream.priming_embeddings)
    started = time.process_time()
    for start in range(0, len(audio), FRAME_SAMPLES):
        detector.push(stream.push(audio[start : start + FRAME_SAMPLES]))
    return 100 * (time.process_time() - started) / seconds


_LISTEN_ONLY = """
import sys
from pathlib import Path
import numpy as np
from assistant.hearing.spotter.features import FrontEnd, StreamingFeatures
from assistant.hearing.spotter.head import Detector, load_head
stream = StreamingFeatures(FrontEnd()); detector = Detector(load_head(Path(sys.argv[1])),
                                          stream.priming_embeddings)
audio = (np.random.default_rng(0).standard_normal(16000 * 20) * 800).astype(np.int16)
for start in range(0, len(audio), 1280):
    detector.push(stream.push(audio[start:start + 1280]))
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the forked parent.
print([l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0])
"""


def memory_mb(head_path: Path) -> float:
    """Peak resident memory of a process that loads the spotter and streams 20 s."""
    command = [sys.executable, "-c", _LISTEN_ONLY, str(head_path)]
    result = subprocess.run(command, capture_output=True,
                            text=True, check=True, env=os.environ | {"PYTHONPATH": "."})
    return int(result.stdout.split()[-1]) / 1024


def _rate(pair: list[int]) -> float:
    """Percent of a [hits, total] pair."""
    return round(100 * pair[0] / pair[1], 1) if pair[1] else float("nan")


def summarise(heard: dict, words: dict, latencies: dict, false: dict) -> dict:
    """The figures as one JSON-ready mapping."""
    recall = {f"{g}/{label}/{c}": {"percent": _rate(v), "clips": v[1]}
              for (g, label, c), v in sorted(heard.items())}
    word_totals: dict = defaultdict(lambda: [0, 0])
    for (condition, word), (hits, total) in words.items():
        group = "synthesized sound-alikes" if word.startswith("synth:") else "people"
        word_totals[f"{group}/{condition}"][0] += hits
        word_totals[f"{group}/{condition}"][1] += total
    per_word = {f"{w}/{c}": _rate(v) for (c, w), v in sorted(words.items()) if v[0]}
    hours = sum(f["hours"] for f in false.values())
    kinds: Counter[str] = Counter()
    for figures in false.values():
        for label, count in figures["detections"].items():
            kind = ("safety" if label in SAFETY_INTENTS else
                    "resuming" if label in RESUMING_INTENTS else "other")
            kinds[kind] += count
    all_latency = [x for values in latencies.values() for x in values]
    stop_latency = [x for (label, _), v in latencies.items() if label == "stop" for x in v]
    return {
        "recall": recall,
        "non_command_words_any_intent_percent": {c: _rate(v) for c, v in word_totals.items()},
        "non_command_words_that_fired_percent": per_word,
        "long_negatives_hours": round(hours, 3),
        "false_per_hour": {k: round(kinds[k] / hours, 2) if hours else None
                           for k in ("safety", "resuming", "other")},
        "false_by_stream": {n: {"hours": round(f["hours"], 3), **dict(f["detections"])}
                            for n, f in false.items()},
        "latency_s": {name: {"p50": _pct(v, 50), "p95": _pct(v, 95), "n": len(v)}
                      for name, v in (("all", all_latency), ("stop", stop_latency))},
    }


def _pct(values: list[float], q: float) -> float | None:
    """A percentile in seconds, rounded (None without values)."""
    return round(float(np.percentile(values, q)), 3) if values else None


def print_table(report: dict) -> None:
    """The main figures as aligned text."""
    rows: dict = defaultdict(dict)
    for key, value in report["recall"].items():
        group, label, condition = key.split("/")
        rows[(group, label)][condition] = f"{value['percent']:5.1f}% ({value['clips']})"
    print(f"{'group':12} {'intent':10} " + " ".join(f"{c:>13}" for c in spotter_sets.CONDITIONS))
    for (group, label), cells in sorted(rows.items()):
        print(f"{group:12} {label:10} " + " ".join(
            f"{cells.get(c, '-'):>13}" for c in spotter_sets.CONDITIONS))
    for name in ("non_command_words_any_intent_percent", "false_per_hour", "latency_s",
                 "long_negatives_hours", "cpu_percent_one_core", "memory_mb", "false_by_stream"):
        print(f"{name}: {report.get(name)}")


def main(argv: list[str] | None = None) -> int:
    """Run every measurement, print the table, write the JSON."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.spotter_eval")
    parser.add_argument("--head", type=Path, default=HEAD_FILE)
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args(argv)
    dataset = DatasetSettings(seed=arguments.seed, size="full")
    shared = shared_data_dir(dataset)
    if shared is None:
        print("the shared data (../shared/data or RETROWALK_SHARED_DATA) is missing")
        return 2
    head = load_head(arguments.head)
    priming = StreamingFeatures(FrontEnd()).priming_embeddings
    root = cache_root(dataset)
    utterances = (spotter_sets.people(shared)
                  + spotter_sets.synthesized(arguments.seed, cache_dir(dataset))
                  + spotter_sets.sound_alikes(arguments.seed))
    heard, words, latencies = recall_figures(head, priming, utterances,
                                             spotter_sets.noise_beds(shared), root)
    report = summarise(heard, words, latencies, false_activations(head, priming, dataset, root))
    report["cpu_percent_one_core"] = round(cpu_percent(head), 2)
    report["memory_mb"] = round(memory_mb(arguments.head), 1)
    print_table(report)
    if arguments.json is not None:
        arguments.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
