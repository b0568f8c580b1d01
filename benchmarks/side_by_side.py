"""The spotter and PocketSphinx on the same held-out corpus, through the product's pipeline.

    python -m benchmarks.side_by_side [--engines spotter,pocketsphinx] [--synth-per-intent N]
                                      [--keep-others]

Every clip goes through `assistant.run.listening.listen_samples` (the recognizer as
`make_recognizer` builds it, voice check included where it applies, and the intent decider:
what `retrowalk listen` does), so the figures are the product's, not the
head's alone. The corpus is the spotter benchmark's (benchmarks/spotter_sets.py): Speech
Commands speakers of the validation split (never trained on), synthesized phrases in held-out
voices, the words that are not commands, quiet and in real household noise at 10 and 5 dB;
false intents per hour on the held-out half of the validation long negatives (kathleen's read
speech, wake-word recordings, prose, the assistant's own cues through a room). One process per
engine. Writes the figures as JSON and the section of docs/benchmarks.md between its markers.
With `--keep-others`, engines not measured in this run keep their figures from the JSON (each
engine's figures carry the date and commit they were measured at).
"""

from __future__ import annotations

import argparse
import functools
import json
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks import spotter_sets
from benchmarks.machine import code_version
from benchmarks.side_by_side_report import write_section
from training import product

STREAM = "quiet, in a stream"
AFTER_TALK = "quiet, after talk"
CONDITIONS = (*spotter_sets.CONDITIONS, STREAM, AFTER_TALK)
#: "After talk": the end of a sentence read by a person the training never heard (kathleen's
#: held-out half), then a pause of 0.2-1.0 s before the word, as an answer right after a
#: question, or a "stop" right after the walker's own words.
TALK_S = 1.5
PAUSE_RANGE_S = (0.2, 1.0)


def corpus(seed: int, synth_per_intent: int) -> tuple[list, list]:
    """The utterances (people, a sample of the held-out voices, non-command words) and beds."""
    from training.dataset import DatasetSettings, cache_dir, shared_data_dir

    dataset = DatasetSettings(seed=seed, size="full")
    shared = shared_data_dir(dataset)
    if shared is None:
        raise SystemExit("the shared data (../shared/data or RETROWALK_SHARED_DATA) is missing")
    synthesized = spotter_sets.synthesized(seed, cache_dir(dataset))
    by_intent: dict[str, list] = defaultdict(list)
    for utterance in synthesized:
        by_intent[utterance.label].append(utterance)
    sample = [u for items in by_intent.values() for u in items[::max(1, len(items)
                                                                     // synth_per_intent)]]
    return spotter_sets.people(shared) + sample, spotter_sets.noise_beds(shared)


def placed(utterance: Any, condition: str, beds: list, index: int) -> tuple[np.ndarray, float]:
    """The utterance in its condition; "in a stream" puts 3 s of a quiet room before it, as a
    live microphone hears a command long after the last reset (a clip alone starts fresh)."""
    if condition == AFTER_TALK:
        return after_talk(utterance, beds, index)
    if condition != STREAM:
        return spotter_sets.in_condition(utterance, condition, beds, index)
    samples, end_s = spotter_sets.in_condition(utterance, "quiet", beds, index)
    floor = product.to_int16(product.coloured_noise("pink", 48_000,  # the clips' own floor
                                                    np.random.default_rng(index)) * 3.0)
    return np.concatenate((floor, samples)), end_s + 3.0


def after_talk(utterance: Any, beds: list, index: int) -> tuple[np.ndarray, float]:
    """The utterance in quiet, its speech starting 0.2-1.0 s after the end of a sentence."""
    samples, end_s = spotter_sets.in_condition(utterance, "quiet", beds, index)
    talks = _held_out_talk()
    talk = talks[index % len(talks)][-int(TALK_S * 16_000):].astype(np.float64)
    speech = utterance.samples[int(utterance.speech_start_s * 16_000):
                               int(utterance.speech_end_s * 16_000)]
    own, level = product.active_power(talk), product.active_power(speech)
    if own > 0.0 and level > 0.0:
        talk *= np.sqrt(level / own)  # the talk as loud as the word
    low, high = PAUSE_RANGE_S
    pause_s = low + (high - low) * ((index * 0.618034) % 1.0)  # spread evenly, no draws
    speech_start_s = spotter_sets.LEAD_S + utterance.speech_start_s
    keep = int(max(speech_start_s - pause_s, 0.0) * 16_000)
    # The talk replaces the quiet lead up to the pause; its end is trimmed of silence.
    joined = np.concatenate((product.to_int16(talk), samples[keep:]))
    shift_s = (len(talk) - keep) / 16_000
    return joined, end_s + shift_s


@functools.cache
def _held_out_talk() -> list[np.ndarray]:
    """kathleen's held-out sentences (16 kHz int16), each ending where her speech ends."""
    from training import sources
    from training.clips import speech_bounds_s
    from training.dataset import DatasetSettings, shared_data_dir

    shared = shared_data_dir(DatasetSettings())
    if shared is None:
        raise SystemExit("the shared data (../shared/data or RETROWALK_SHARED_DATA) is missing")
    found = []
    for recording in sources.kathleen_in_split(shared, "alternate", "validation"):
        audio = product.read_audio(recording.path)
        found.append(audio[: int(speech_bounds_s(audio)[1] * 16_000)])
    return found


def intents_of(samples: np.ndarray, recognizer: Any) -> list[tuple[str, float]]:
    from assistant.run.listening import listen_samples

    events = listen_samples(samples, recognizer=recognizer)
    return [(str(e.fields["intent"]), e.t_s) for e in events if e.type == "intent"]


def measure_engine(engine: str, seed: int, synth_per_intent: int) -> dict[str, Any]:
    """Every figure for one engine (runs in its own process)."""
    from assistant.hearing.recognizers.select import make_recognizer

    recognizer = make_recognizer(engine, "en")
    utterances, beds = corpus(seed, synth_per_intent)
    heard: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    confusions: dict[str, int] = defaultdict(int)
    latencies: list[float] = []
    audio_s = 0.0
    started = time.process_time()
    for condition in CONDITIONS:
        for index, utterance in enumerate(utterances):
            samples, end_s = placed(utterance, condition, beds, index)
            audio_s += len(samples) / 16_000
            fired = intents_of(samples, recognizer)
            key = f"{utterance.group}/{utterance.label}/{condition}"
            if utterance.label == "background":
                key = f"{utterance.group}/not a command/{condition}"
                heard[key][0] += bool(fired)
            else:
                hit = bool(fired) and fired[0][0] == utterance.label
                heard[key][0] += hit
                if fired and not hit:
                    confusions[f"{utterance.label} -> {fired[0][0]}"] += 1
                if hit and utterance.label == "stop" and condition == "10 dB":
                    latencies.append(fired[0][1] - end_s)
            heard[key][1] += 1
    recall_cpu_s = time.process_time() - started
    false = false_per_hour(recognizer, seed)
    return {"engine": engine, "measured": _measured(), "heard": dict(heard),
            "confusions": dict(confusions),
            "stop_latency_s": latencies, "false": false,
            "cpu_percent_one_core": round(100 * recall_cpu_s / audio_s, 2)}


def _measured() -> str:
    """Today's date and the code's commit, for the figures' provenance."""
    return f"{time.strftime('%Y-%m-%d')}, commit {code_version()['commit'] or 'unknown'}"


def kept_engines(path: Path, measured: list[str]) -> list[dict[str, Any]]:
    """The figures of engines not measured now, from an earlier run's JSON (if any)."""
    if not path.is_file():
        return []
    earlier = json.loads(path.read_text(encoding="utf-8"))["engines"]
    return [e for e in earlier if e["engine"] not in measured]


def false_per_hour(recognizer: Any, seed: int) -> dict[str, Any]:
    """Intents fired in the second half (in time) of each validation long negative stream."""
    from training.dataset import DatasetSettings, long_negative_audio

    counts: dict[str, dict[str, int]] = {}
    hours: dict[str, float] = {}
    for name, samples in long_negative_audio(DatasetSettings(seed=seed, size="full"),
                                             "validation"):
        half = samples[len(samples) // 2:]
        hours[name] = len(half) / 16_000 / 3600
        fired = intents_of(half, recognizer)
        counts[name] = {}
        for intent, _ in fired:
            counts[name][intent] = counts[name].get(intent, 0) + 1
    return {"hours": hours, "counts": counts}


def main(argv: list[str] | None = None) -> int:
    """Measure each engine in its own process; print and write the figures."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.side_by_side",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engines", default="spotter,pocketsphinx")
    parser.add_argument("--synth-per-intent", type=int, default=12,
                        help="held-out synthesized utterances per intent (default 12)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, default=Path("docs/side_by_side.json"))
    parser.add_argument("--docs", type=Path, default=Path("docs/benchmarks.md"))
    parser.add_argument("--keep-others", action="store_true",
                        help="keep the JSON's figures of the engines not measured now")
    arguments = parser.parse_args(argv)
    engines = arguments.engines.split(",")
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=min(2, len(engines))) as pool:
        results = list(pool.map(measure_engine, engines, [arguments.seed] * len(engines),
                                [arguments.synth_per_intent] * len(engines)))
    if arguments.keep_others:
        results += kept_engines(arguments.json, engines)
    report = {"minutes": round((time.perf_counter() - started) / 60, 1), "engines": results}
    arguments.json.write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(write_section(report, arguments.docs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
