"""Scoring: which intent each utterance gave, recall, confusions, false activations, latency.

Pure functions over placements and `intent` events; no audio, no recognizer.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.core.events import SessionEvent
from assistant.core.names import IMMEDIATE_INTENTS, RESUMING_INTENTS
from benchmarks.streams import Placement

#: An intent this long before an utterance starts is not charged to it.
EARLY_S = 0.2
NONE = "(none)"
SAFETY = frozenset(str(name) for name in IMMEDIATE_INTENTS)
RESUMING = frozenset(str(name) for name in RESUMING_INTENTS)


@dataclass(frozen=True)
class Outcome:
    """What one command utterance gave."""

    key: str
    origin: str
    expected: str
    #: The words said (the phrase, or the Speech Commands word).
    text: str
    #: The expected intent if it was heard in the utterance's window, else the first other
    #: intent there, else NONE.
    got: str
    #: Seconds from the end of the last word to the expected intent's event (None if missed).
    latency_s: float | None
    noise: str
    snr_db: float | None


def intent_events(events: Iterable[SessionEvent]) -> list[tuple[float, str]]:
    """(time, intent name) of every `intent` event, in time order."""
    found = [(event.t_s, str(event.fields["intent"])) for event in events
             if event.type == "intent"]
    return sorted(found)


def score_commands(placements: Sequence[Placement], intents: Sequence[tuple[float, str]],
                   noise: str, snr_db: float | None) -> tuple[list[Outcome], list[str]]:
    """Each command utterance's outcome, and the intents that fell in no utterance's window."""
    outcomes: list[Outcome] = []
    charged: set[int] = set()
    for placement in placements:
        inside = [(i, t, name) for i, (t, name) in enumerate(intents)
                  if placement.start_s - EARLY_S <= t < placement.window_end_s]
        charged.update(i for i, _, _ in inside)
        if placement.expected is None:
            continue
        hits = [t for _, t, name in inside if name == placement.expected]
        if hits:
            got, latency = placement.expected, hits[0] - placement.word_end_s
        else:
            got, latency = (inside[0][2] if inside else NONE), None
        outcomes.append(Outcome(placement.key, placement.origin, placement.expected,
                                placement.text, got, latency, noise, snr_db))
    stray = [name for i, (_, name) in enumerate(intents) if i not in charged]
    return outcomes, stray


def recall(outcomes: Iterable[Outcome], intents: Iterable[str] | None = None) -> float | None:
    """Share of utterances (of the given intents, or all) whose intent was heard."""
    wanted = None if intents is None else set(intents)
    chosen = [o for o in outcomes if wanted is None or o.expected in wanted]
    if not chosen:
        return None
    return sum(o.got == o.expected for o in chosen) / len(chosen)


def recall_by_intent(outcomes: Iterable[Outcome]) -> dict[str, tuple[float, int]]:
    """Per expected intent: (recall, number of utterances)."""
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        groups[outcome.expected].append(outcome)
    return {name: (recall(group) or 0.0, len(group)) for name, group in sorted(groups.items())}


def confusion(outcomes: Iterable[Outcome]) -> dict[str, dict[str, int]]:
    """Expected intent -> what was got -> count."""
    table: dict[str, Counter[str]] = defaultdict(Counter)
    for outcome in outcomes:
        table[outcome.expected][outcome.got] += 1
    return {expected: dict(sorted(row.items())) for expected, row in sorted(table.items())}


def per_hour(count: int, audio_s: float) -> float | None:
    """A count over `audio_s` seconds as a rate per hour (None for no audio)."""
    return count / (audio_s / 3600.0) if audio_s > 0 else None


@dataclass(frozen=True)
class FalseActivations:
    """Intents heard in speech that held no command."""

    audio_s: float
    counts: dict[str, int]

    @property
    def safety(self) -> int:
        return sum(n for name, n in self.counts.items() if name in SAFETY)

    @property
    def resuming(self) -> int:
        return sum(n for name, n in self.counts.items() if name in RESUMING)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def rates_per_hour(self) -> dict[str, float | None]:
        return {"safety": per_hour(self.safety, self.audio_s),
                "resuming": per_hour(self.resuming, self.audio_s),
                "any": per_hour(self.total, self.audio_s)}


def false_activations(intents: Iterable[tuple[float, str]], audio_s: float) -> FalseActivations:
    """Every intent heard in `audio_s` seconds of non-command speech is a false activation."""
    return FalseActivations(audio_s, dict(Counter(name for _, name in intents)))


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0..100, linear interpolation); None for no values."""
    return float(np.percentile(np.asarray(values, dtype=np.float64), q)) if values else None


def latency_summary(values: Sequence[float]) -> dict[str, float | int | None]:
    """p50, p95 and max of latencies in seconds, and how many there were."""
    return {"n": len(values), "p50_s": percentile(values, 50), "p95_s": percentile(values, 95),
            "max_s": max(values) if values else None}


def latencies(outcomes: Iterable[Outcome], intents: Iterable[str] | None = None,
              text: str | None = None) -> list[float]:
    """Latencies of the heard utterances (of the given intents, or all; of one phrase)."""
    wanted = None if intents is None else set(intents)
    return [o.latency_s for o in outcomes
            if o.latency_s is not None and (wanted is None or o.expected in wanted)
            and (text is None or o.text == text)]
