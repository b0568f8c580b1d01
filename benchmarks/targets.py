"""The product's targets, and whether a measured figure meets each one."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    """A figure's goal: `value <= limit` (or `>=` when `at_least`), with its unit for display."""

    key: str
    label: str
    limit: float
    unit: str
    at_least: bool = False

    def verdict(self, value: float | None) -> str:
        """"pass", "short" or "n/a" (nothing measured)."""
        if value is None:
            return "n/a"
        met = value >= self.limit if self.at_least else value <= self.limit
        return "pass" if met else "short"

    def describe(self) -> str:
        """The goal as text, such as "<= 200 ms"."""
        return f"{'>=' if self.at_least else '<='} {format_value(self.limit, self.unit)}"


def format_value(value: float | None, unit: str) -> str:
    """A figure in its display unit: seconds shown as ms, shares as percent."""
    if value is None:
        return "n/a"
    if unit == "ms":
        return f"{value * 1000:.0f} ms"
    if unit == "%":
        return f"{value * 100:.1f}%"
    if unit == "/h":
        return f"{value:.2f}/h"
    if unit == "MB":
        return f"{value:.0f} MB"
    if unit == "s":
        return f"{value:.1f} s"
    return f"{value:.3g} {unit}".strip()


TARGETS: tuple[Target, ...] = (
    Target("stop_latency_p50", "stop latency p50 after the word ends (10 dB)", 0.200, "ms"),
    Target("stop_latency_p95", "stop latency p95 after the word ends (10 dB)", 0.300, "ms"),
    Target("silence_after_intent", "speech silenced after the intent (max)", 0.100, "ms"),
    Target("safety_recall_10db", "safety-intent recall at 10 dB", 0.99, "%", at_least=True),
    Target("safety_recall_5db", "safety-intent recall at 5 dB", 0.97, "%", at_least=True),
    Target("false_safety_per_hour", "false safety activations in non-command speech", 0.5,
           "/h"),
    Target("false_resuming_per_hour", "false walking-resuming activations in non-command "
           "speech", 0.1, "/h"),
    Target("cpu_share", "CPU share of one core while listening", 0.10, "%"),
    Target("peak_rss_mb", "peak resident memory", 300.0, "MB"),
    Target("simulate_20min_s", "a 20-minute session simulated", 60.0, "s"),
)
