"""Spotter heads side by side, through the product's listening pipeline, on the key figures.

    python -m benchmarks.head_compare HEAD.npz [HEAD.npz ...]

For choosing which trained head to ship: per head, real people's "stop", "yes" and "no"
(Speech Commands speakers of the validation split) in quiet, at 5 dB of household noise, in
a stream and soon after a sentence; how often words that are not commands give an intent;
and every intent fired in the held-out half of the validation long negatives, stream by
stream (the assistant's own cues in both of its voices among them). The corpus and the
pipeline are benchmarks.side_by_side's; this is its quick subset (about 8 minutes a head on
a quiet machine), not a replacement.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from benchmarks import side_by_side

CONDITIONS = ("quiet", "5 dB", side_by_side.STREAM, side_by_side.AFTER_TALK)
WORDS = ("stop", "yes", "no")


def figures(head_path: Path) -> list[str]:
    """The printed lines for one head."""
    from assistant.core.intents import load_phrase_table
    from assistant.hearing.recognizers.spotter_engine import SpotterRecognizer

    recognizer = SpotterRecognizer(load_phrase_table("en"), head_path=head_path)
    utterances, beds = side_by_side.corpus(seed=1, synth_per_intent=1)
    lines = [f"{head_path}:"]
    for word in WORDS:
        rates = []
        for condition in CONDITIONS:
            heard = [_first(recognizer, u, condition, beds, i) == word
                     for i, u in enumerate(utterances) if u.group == "people" and u.label == word]
            rates.append(f"{condition} {100 * sum(heard) / len(heard):.1f}%")
        lines.append(f"  people {word!r}: " + ", ".join(rates) + f" ({len(heard)} clips)")
    others = [_first(recognizer, u, "quiet", beds, i) for i, u in enumerate(utterances)
              if u.group == "people" and u.label == "background"]
    fired = Counter(intent for intent in others if intent is not None)
    share = 100 * sum(fired.values()) / len(others)
    lines.append(f"  non-command words giving an intent: {share:.1f}% of {len(others)}"
                 f" ({dict(fired.most_common())})")
    false = side_by_side.false_per_hour(recognizer, seed=1)
    minutes = 60 * sum(false["hours"].values())
    lines.append(f"  intents in {minutes:.1f} min of talk and own cues without commands:")
    lines += [f"    {name}: {counts}" for name, counts in false["counts"].items() if counts]
    return lines


def _first(recognizer: object, utterance: object, condition: str, beds: list,
           index: int) -> str | None:
    """The first intent the pipeline gives for one utterance in a condition, if any."""
    samples, _ = side_by_side.placed(utterance, condition, beds, index)
    fired = side_by_side.intents_of(samples, recognizer)
    return fired[0][0] if fired else None


def main(argv: list[str] | None = None) -> int:
    """Print the figures of every head given."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("heads", nargs="+", type=Path, help="head.npz files to compare")
    for head in parser.parse_args(argv).heads:
        print("\n".join(figures(head)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
