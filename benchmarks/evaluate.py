"""Listening to the corpora and scoring what was heard: one stream at a time.

`CommandTally` collects command outcomes per origin and SNR; `SpeechTally` collects the
intents heard in speech that held no command. Both also add up audio and CPU time.
"""

from __future__ import annotations

import zlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from assistant.core.events import SAMPLE_RATE_HZ
from assistant.core.intents import load_phrase_table
from benchmarks.corpus import Utterance
from benchmarks.metrics import (
    NONE,
    RESUMING,
    SAFETY,
    Outcome,
    confusion,
    false_activations,
    intent_events,
    latencies,
    latency_summary,
    recall,
    recall_by_intent,
    score_commands,
)
from benchmarks.noise import SPEECH_LEVEL_DBFS, to_int16
from benchmarks.pipeline import ListenRun
from benchmarks.streams import GAP_S, Placement, Stream, build_stream

#: At most this many utterances per stream: a few minutes of audio, modest memory.
STREAM_MAX_ITEMS = 80
#: Between passages of non-command speech: continuous talk, as from a television.
PROSE_GAP_S = 0.3


def condition_label(snr_db: float | None) -> str:
    return "clean" if snr_db is None else f"{snr_db:g} dB"


@dataclass(frozen=True)
class StreamSpec:
    """A stream to build and listen to: which utterances, which noise at which SNR."""

    kind: str
    origin: str
    name: str
    items: list[Utterance]
    noise: str
    snr_db: float | None
    gap_s: float
    #: For a noise-only stream (no items): its length in seconds.
    noise_s: float = 0.0

    def build(self, bank: Any) -> Stream:
        seed = zlib.crc32(f"{self.name}/{self.snr_db}".encode())
        if not self.items:
            return noise_only_stream(self, bank, seed)
        return build_stream(self.name, self.items, self.noise, self.snr_db, bank.make,
                            seed=seed, gap_s=self.gap_s)


def command_streams(kind: str, origin: str, items: list[Utterance], snr_db: float | None,
                    noises: list[str], gap_s: float = GAP_S) -> list[StreamSpec]:
    """The items in streams: with noise, item i gets noise i mod len(noises)."""
    groups = [items] if snr_db is None else [items[i :: len(noises)] for i in range(len(noises))]
    kinds = ["none"] if snr_db is None else noises
    specs = []
    for noise, group in zip(kinds, groups, strict=True):
        for start in range(0, len(group), STREAM_MAX_ITEMS):
            name = f"{origin}/{condition_label(snr_db)}/{noise}/{start}"
            specs.append(StreamSpec(kind, origin, name, group[start : start + STREAM_MAX_ITEMS],
                                    noise, snr_db, gap_s))
    return specs


def noise_only_stream(spec: StreamSpec, bank: Any, seed: int) -> Stream:
    """The noise alone, at the level it has under speech at `spec.snr_db` (no one speaks)."""
    length = int(spec.noise_s * SAMPLE_RATE_HZ)
    noise = bank.make(spec.noise, length, np.random.default_rng(seed))
    rms = float(np.sqrt(np.mean(noise**2))) or 1.0
    level_rms = 32768.0 * 10 ** ((SPEECH_LEVEL_DBFS - (spec.snr_db or 0.0)) / 20)
    whole = Placement(spec.name, None, "(noise alone)", "noise", spec.noise, 0.0,
                      spec.noise_s, spec.noise_s + 1.0)
    return Stream(spec.name, spec.noise, spec.snr_db, to_int16(noise * level_rms / rms),
                  [whole])


def noise_only_streams(noises: list[str], snr_db: float, seconds: float) -> list[StreamSpec]:
    """Each noise alone for `seconds`, as loud as under speech at `snr_db`."""
    origin = f"noise alone ({snr_db:g} dB)"
    return [StreamSpec("speech", origin, f"{origin}/{noise}", [], noise, snr_db, 0.0, seconds)
            for noise in noises]


@dataclass
class Cost:
    """Audio listened to and the CPU and wall time it took."""

    audio_s: float = 0.0
    cpu_s: float = 0.0
    wall_s: float = 0.0

    def add(self, run: ListenRun) -> None:
        self.audio_s += run.audio_s
        self.cpu_s += run.cpu_s
        self.wall_s += run.wall_s

    def summary(self) -> dict[str, float | None]:
        share = self.cpu_s / self.audio_s if self.audio_s else None
        factor = self.wall_s / self.audio_s if self.audio_s else None
        return {"audio_s": self.audio_s, "cpu_s": self.cpu_s, "cpu_share": share,
                "real_time_factor": factor}


@dataclass
class CommandTally:
    """Outcomes of command utterances, keyed by (origin, condition)."""

    outcomes: dict[tuple[str, str], list[Outcome]] = field(default_factory=dict)
    stray: dict[tuple[str, str], Counter[str]] = field(default_factory=dict)
    audio_s: dict[tuple[str, str], float] = field(default_factory=dict)

    def add(self, origin: str, stream: Stream, run: ListenRun) -> None:
        key = (origin, condition_label(stream.snr_db))
        found, stray = score_commands(stream.placements, intent_events(run.events),
                                      stream.noise, stream.snr_db)
        self.outcomes.setdefault(key, []).extend(found)
        self.stray.setdefault(key, Counter()).update(stray)
        self.audio_s[key] = self.audio_s.get(key, 0.0) + run.audio_s

    def summary(self) -> dict[str, dict[str, Any]]:
        """origin -> condition -> figures."""
        result: dict[str, dict[str, Any]] = {}
        for (origin, label), outcomes in self.outcomes.items():
            result.setdefault(origin, {})[label] = summarize_commands(
                outcomes, self.stray[(origin, label)], self.audio_s[(origin, label)])
        return result


def summarize_commands(outcomes: list[Outcome], stray: Counter[str],
                       audio_s: float) -> dict[str, Any]:
    """Recall, latency, confusions and per-noise recall of one origin at one SNR."""
    by_noise: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        by_noise.setdefault(outcome.noise, []).append(outcome)
    safety_names = sorted(SAFETY)
    return {
        "n": len(outcomes), "n_safety": sum(o.expected in SAFETY for o in outcomes),
        "recall": recall(outcomes), "safety_recall": recall(outcomes, safety_names),
        "safety_acted_on": acted_on_share(outcomes),
        "recall_by_intent": {k: {"recall": r, "n": n}
                             for k, (r, n) in recall_by_intent(outcomes).items()},
        # The word "stop" alone: in "stop please" the intent rightly comes before the phrase
        # ends, which says nothing about how soon a stop is heard.
        "latency_stop": latency_summary(latencies(outcomes, ["stop"], text="stop")),
        "latency_safety": latency_summary(latencies(outcomes, safety_names)),
        "latency_all": latency_summary(latencies(outcomes)),
        "safety_recall_by_noise": {noise: recall(group, safety_names)
                                   for noise, group in sorted(by_noise.items())},
        "confusion": confusion(outcomes),
        "stray_intents": dict(stray), "audio_s": audio_s,
    }


def acted_on_share(outcomes: list[Outcome]) -> float | None:
    """Share of safety utterances that gave some safety intent (the walker is stopped
    either way, even when "stop" was heard as "pause")."""
    chosen = [o for o in outcomes if o.expected in SAFETY]
    if not chosen:
        return None
    return sum(o.got in SAFETY for o in chosen) / len(chosen)


@dataclass
class SpeechTally:
    """Intents heard in non-command speech, with examples of what set them off."""

    speech_s: float = 0.0
    clips: int = 0
    clips_triggered: int = 0
    heard: list[tuple[float, str]] = field(default_factory=list)
    examples: list[dict[str, Any]] = field(default_factory=list)
    said_literally: int = 0

    def add(self, stream: Stream, run: ListenRun) -> None:
        table = load_phrase_table("en")
        self.speech_s += sum(p.word_end_s - p.start_s for p in stream.placements)
        self.clips += len(stream.placements)
        intents = intent_events(run.events)
        texts = {e.t_s: str(e.fields.get("text", "")) for e in run.events if e.type == "intent"}
        self.heard.extend(intents)
        triggered: set[str] = set()
        for t_s, name in intents:
            placement = placement_at(stream.placements, t_s)
            source = placement.text if placement else ""
            found = table.find(source)
            literal = found is not None and str(found[0]) == name
            self.said_literally += literal
            triggered.add(placement.key if placement else "")
            if len(self.examples) < 12:
                self.examples.append({"intent": name, "heard": texts.get(t_s, ""),
                                      "said": source[:160], "said_literally": literal})
        self.clips_triggered += len(triggered)

    def summary(self) -> dict[str, Any]:
        found = false_activations(self.heard, self.speech_s)
        share = self.clips_triggered / self.clips if self.clips else None
        return {"speech_s": self.speech_s, "clips": self.clips, "counts": found.counts,
                "safety": found.safety, "resuming": found.resuming,
                "per_hour": found.rates_per_hour(), "clips_triggered_share": share,
                "said_literally": self.said_literally, "examples": self.examples}


def placement_at(placements: list[Placement], t_s: float) -> Placement | None:
    """The utterance whose window holds `t_s` (intents come after the words)."""
    for placement in placements:
        if placement.start_s - 0.2 <= t_s < placement.window_end_s:
            return placement
    return None


__all__ = ["NONE", "RESUMING", "CommandTally", "Cost", "SpeechTally", "StreamSpec",
           "command_streams", "condition_label", "PROSE_GAP_S"]
