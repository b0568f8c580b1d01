"""The data card: what the committed head was trained on, how it was split, how it scored."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from assistant.hearing.spotter.features import MODEL_PACKAGE_PIN, MODEL_SHA256
from training.thresholds import RESUMING_INTENTS, SAFETY_INTENTS, Choice
from training.train import ClipInfo, TrainSettings


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    """A markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]


def _source_rows(infos: Sequence[ClipInfo]) -> list[list[object]]:
    """Per source: clips and speakers of each split."""
    rows = []
    for source in sorted({info.source for info in infos}):
        mine = [info for info in infos if info.source == source]
        counts = Counter(info.split for info in mine)
        speakers = {split: len({i.speaker for i in mine if i.split == split})
                    for split in ("train", "validation")}
        positives = sum(info.label != "background" for info in mine)
        rows.append([source, counts["train"], counts["validation"], positives,
                     speakers["train"], speakers["validation"]])
    return rows


def _label_rows(infos: Sequence[ClipInfo], choices: Sequence[Choice]) -> list[list[object]]:
    """Per label: clips of each split, its kind, threshold, frames in a row, validation figures."""
    counts = Counter((info.label, info.split) for info in infos)
    rows: list[list[object]] = [["background", counts[("background", "train")],
                                 counts[("background", "validation")], "", "", "", "", ""]]
    for choice in choices:
        kind = ("safety" if choice.label in SAFETY_INTENTS
                else "resuming" if choice.label in RESUMING_INTENTS else "other")
        per_hour = choice.false_count / choice.negative_hours if choice.negative_hours else 0.0
        rows.append([choice.label, counts[(choice.label, "train")],
                     counts[(choice.label, "validation")], kind, f"{choice.threshold:.10f}",
                     choice.consecutive, f"{100 * choice.recall:.1f}%", f"{per_hour:.2f}"])
    return rows


def _network(settings: TrainSettings) -> str:
    """The hidden layer in words: one MLP, or an ensemble merged into one."""
    if settings.members == 1:
        return f"{settings.hidden_units} ReLU units"
    return (f"{settings.members * settings.hidden_units} ReLU units: {settings.members} MLPs of"
            f" {settings.hidden_units}, fitted with seeds {settings.seed} to"
            f" {settings.seed + settings.members - 1}, their logits averaged")


def data_card(
    infos: Sequence[ClipInfo], choices: Sequence[Choice], settings: TrainSettings, size: str,
    hard_negatives: Sequence[int], minutes: float | None = None, dataset_seed: int | None = None,
) -> str:
    """The data card's markdown text."""
    hours = choices[0].negative_hours if choices else 0.0
    lines = [
        "# Command spotter head: data card",
        "",
        "Written by `python -m training` (do not edit by hand). The head is a numpy MLP",
        f"({_network(settings)}, softmax over every intent and `background`) over",
        f"the last {settings.window_frames} embeddings (80 ms each) of openWakeWord's frozen",
        f"front end, from `{MODEL_PACKAGE_PIN}`:",
        "",
        *[f"- `{name}` SHA-256 `{digest}`" for name, digest in MODEL_SHA256.items()],
        "",
        f"Data set size `{size}`, seed {settings.seed}"
        + ("" if dataset_seed in (None, settings.seed) else f" (data set seed {dataset_seed})")
        + f", {settings.epochs} epochs, L2"
        f" {settings.l2}, background weight {settings.background_weight}, refractory"
        f" {settings.refractory_s} s; hard negatives added per mining round:"
        f" {list(hard_negatives)}."
        + (f" Training run: {minutes:.1f} min." if minutes is not None else ""),
        "",
        "## Sources",
        "",
        "The split is by speaker or voice: no speaker or voice is in both splits, except "
        "kathleen (one reader, negatives only): her even sentences train, her odd ones validate.",
        "",
        *_table(["source", "train clips", "validation clips", "positives", "train speakers",
                 "validation speakers"], _source_rows(infos)),
        "",
        "## Labels, decisions and validation figures",
        "",
        "Recall: validation clips of the label where the label's score reaches its threshold",
        "for the frames in a row (each label alone). False per hour: activations of the label on",
        f"validation negatives ({hours:.2f} h: the first half of each held-out long negative",
        "stream; the second half is kept for benchmarks/spotter_eval.py).",
        "",
        *_table(["label", "train clips", "validation clips", "kind", "threshold", "frames",
                 "recall", "false per hour"], _label_rows(infos, choices)),
        "",
    ]
    return "\n".join(lines)
