"""Counts of a data set per source, label and split, as Markdown tables (for reports and cards).

`python -m training.summary [--size tiny|full] [--seed N]` builds (or reads back) the set and
prints the tables and how long the build took.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from collections.abc import Iterable

from training.clips import Clip
from training.dataset import DatasetSettings, build_clips

RATE_HZ = 16000


def count(clips: Iterable[Clip]) -> tuple[Counter[tuple[str, str, str]], dict[str, float]]:
    """Clips per (source, label, split), and hours of audio per split."""
    counts: Counter[tuple[str, str, str]] = Counter()
    hours: dict[str, float] = {}
    for clip in clips:
        counts[(clip.source, clip.label, clip.split)] += 1
        hours[clip.split] = hours.get(clip.split, 0.0) + len(clip.samples) / RATE_HZ / 3600
    return counts, hours


def _table(rows: dict[str, Counter[str]], title: str) -> list[str]:
    lines = [f"| {title} | train | validation | total |", "|---|---:|---:|---:|"]
    for name in sorted(rows):
        train, validation = rows[name]["train"], rows[name]["validation"]
        lines.append(f"| {name} | {train} | {validation} | {train + validation} |")
    return lines


def markdown(counts: Counter[tuple[str, str, str]]) -> str:
    """Two tables: clips per source and per label, each by split."""
    by_source: dict[str, Counter[str]] = {}
    by_label: dict[str, Counter[str]] = {}
    for (source, label, split), number in counts.items():
        kind = "background" if label == "background" else "positive"
        by_source.setdefault(f"{source} ({kind})", Counter())[split] += number
        by_label.setdefault(label, Counter())[split] += number
    total: Counter[str] = Counter()
    for (_, _, split), number in counts.items():
        total[split] += number
    lines = _table(by_source, "source") + ["", *_table(by_label, "label")]
    lines.append(f"| **all** | {total['train']} | {total['validation']} | {sum(total.values())} |")
    return "\n".join(lines)


def main() -> int:
    """Build or read the set, print its tables and timing."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="full", choices=("tiny", "full"))
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args()
    began = time.perf_counter()
    counts, hours = count(build_clips(DatasetSettings(seed=arguments.seed, size=arguments.size)))
    print(markdown(counts))
    print(f"\nhours of audio: {', '.join(f'{s} {h:.2f}' for s, h in sorted(hours.items()))}")
    print(f"built or read in {time.perf_counter() - began:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
