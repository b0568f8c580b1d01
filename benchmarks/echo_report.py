"""The echo benchmark's figures as Markdown tables."""

from __future__ import annotations

from typing import Any

import numpy as np

RECOGNIZED = ("none", "EchoGuard clean only", "EchoGuard", "livekit AEC3 clean only",
              "livekit AEC3", "WebRTC AEC3", "WebRTC AEC3 + transcript check")


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    return [_row(header), _row(["---"] * len(header)), *(_row(r) for r in rows), ""]


def erle_tables(erle: dict[str, Any]) -> list[str]:
    """Steady-state and cue-onset ERLE per room, then the first cue's convergence."""
    names = [k for k in next(iter(erle.values())) if k != "cap_db"]
    rows = [[room, f"{row['cap_db']:.0f}",
             *(f"{row[n]['steady_db']:.1f} / {row[n]['onsets_db']:.1f}" for n in names)]
            for room, row in erle.items()]
    lines = ["ERLE, dB: steady (from 3 s after the first cue's start, cue-only stretches) / "
             "the first 0.5 s of every later cue. The cap is the echo over the microphone's "
             "self-noise (RMS 5), the most any canceller can show.", ""]
    lines += _table(["room", "cap", *names], rows)
    spans = ["0-0.5 s", "0.5-1 s", "1-2 s", "2-3 s", "3-5 s", "5-8 s", "8-11 s"]
    lines += ["Convergence: ERLE (dB) over the first cue (the 11 s greeting), from its start.",
              ""]
    rows = [[room, n, *(f"{v:.1f}" for v in row[n]["first_cue_db"])]
            for room, row in erle.items() for n in names if n != "none"]
    return lines + _table(["room", "canceller", *spans], rows)


def echo_only_table(echo_only: dict[str, Any], engine: str = "pocketsphinx") -> list[str]:
    """Intents acted on from the echo alone, per room and variant."""
    rows = []
    for room, row in echo_only.items():
        cells = [room, row["noise"], f"{row['seconds']:.0f}"]
        for name in (*RECOGNIZED, "noise alone"):
            entry = row.get(name)
            if entry is None:
                cells.append("-")
                continue
            names = ",".join(entry["names"])
            extra = f" (+{entry['rejected']} rejected)" if entry["rejected"] else ""
            cells.append(f"{entry['intents']}{' ' + names if names else ''}{extra}")
        rows.append(cells)
    lines = ["Intents acted on from the cue echo alone (every cue of the default script, "
             f"nobody speaking; {engine}, the runner's decider). 'noise alone': the same "
             "household noise with no echo, no canceller (what the noise gives by itself).", ""]
    return lines + _table(["room", "noise", "audio s", *RECOGNIZED, "noise alone"], rows)


def stops_tables(stops: dict[str, Any]) -> list[str]:
    """Stops heard and speech kept, per condition, with totals."""
    recognized = [n for n in RECOGNIZED if n in next(iter(stops.values()))]
    rows, totals = [], {name: [0, 0] for name in ("walker alone", *recognized)}
    words = 0
    for key, row in stops.items():
        words += row["words"]
        cells = [key, f"{row['walker alone']['heard']}/{row['words']}"]
        totals["walker alone"][0] += row["walker alone"]["heard"]
        for name in recognized:
            entry = row[name]
            totals[name][0] += entry["heard"]
            totals[name][1] += entry["stray"]
            cells.append(f"{entry['heard']}/{row['words']} ({entry['stray']} stray); "
                         f"r {entry['correlation']:.2f}, {entry['kept_db']:+.1f} dB")
        rows.append(cells)
    rows.append(["**all**", f"{totals['walker alone'][0]}/{words}",
                 *(f"**{totals[n][0]}/{words}** ({totals[n][1]} stray)" for n in recognized)])
    lines = ["Walker's \"stop\" over cues (double talk), per room and walker-to-echo level: "
             "stops heard / words (other intents given), median correlation r of the "
             "cleaned signal with the clean walker over the word, median walker level kept. "
             "'walker alone': the same words and noise with no echo at all.", ""]
    return lines + _table(["room, level", "walker alone", *recognized], rows)


def render_markdown(results: dict[str, Any]) -> str:
    """The whole result as Markdown."""
    cpu = results["cpu_per_audio_s"]
    lines = [f"Cues: {results['cues']} distinct cues of scripts/default.yaml, voice "
             f"{results['voice']}; seed {results['seed']}; recognizer {results['engine']}.", ""]
    lines += erle_tables(results["erle"])
    lines += echo_only_table(results["echo_only"], results.get("engine", "pocketsphinx"))
    lines += stops_tables(results["stops"])
    lines += ["Processor time per second of audio (one thread):", ""]
    lines += _table(["canceller", "CPU s per audio s"],
                    [[name, f"{value:.4f}"] for name, value in cpu.items()])
    lines.append(f"Whole benchmark: {results['benchmark_cpu_s']:.0f} s CPU, "
                 f"{results['benchmark_wall_s']:.0f} s wall.")
    return "\n".join(lines) + "\n"


def median(values: list[float]) -> float:
    """Median, NaN for no values."""
    return float(np.median(values)) if values else float("nan")
