"""The tables of docs/benchmarks.md, each from one run's results."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from benchmarks.metrics import NONE, RESUMING, SAFETY
from benchmarks.targets import TARGETS, Target, format_value

ORIGINS = (("real", "real people"), ("synth", "synthesized"))
FALSE_SOURCES = (("kathleen", "real"), ("synth prose", "synth"))


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A markdown table."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _get(data: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def recognition_figures(engine: dict[str, Any], origin: str) -> dict[str, float | None]:
    """The recognition targets' figures for real or synthesized speech."""
    commands = engine.get("commands", {}).get(origin, {})
    source = next(name for name, kind in FALSE_SOURCES if kind == origin)
    false = engine.get("false_activations", {}).get(source, {})
    return {
        "stop_latency_p50": _get(commands, "10 dB", "latency_stop", "p50_s"),
        "stop_latency_p95": _get(commands, "10 dB", "latency_stop", "p95_s"),
        "safety_recall_10db": _get(commands, "10 dB", "safety_recall"),
        "safety_recall_5db": _get(commands, "5 dB", "safety_recall"),
        "false_safety_per_hour": _get(false, "per_hour", "safety"),
        "false_resuming_per_hour": _get(false, "per_hour", "resuming"),
    }


def cost_figures(engine: dict[str, Any], results: dict[str, Any]) -> dict[str, float | None]:
    """The cost targets' figures: CPU, memory, simulation, speaker silence."""
    probe = engine.get("probe", {})
    simulation = engine.get("simulation", {})
    simulated = simulation.get("per_20_minutes_s") if simulation.get("available") else None
    if simulated is None and probe.get("listen_wall_s") is not None:
        simulated = probe["listen_wall_s"] * 1200.0 / probe["audio_s"]
    delays = _get(results, "speaker_stop", "delays_s") or []
    return {"cpu_share": probe.get("cpu_share"), "peak_rss_mb": probe.get("peak_rss_mb"),
            "simulate_20min_s": simulated, "silence_after_intent": max(delays, default=None)}


def verdict_cell(target: Target, value: float | None) -> str:
    return f"{format_value(value, target.unit)} ({target.verdict(value)})"


def targets_section(engine: dict[str, Any], results: dict[str, Any]) -> tuple[str, list[dict]]:
    """The headline table: every target beside real and synthesized figures."""
    real = recognition_figures(engine, "real")
    synth = recognition_figures(engine, "synth")
    cost = cost_figures(engine, results)
    rows, records = [], []
    for target in TARGETS:
        if target.key in cost:
            value = cost[target.key]
            rows.append([target.label, target.describe(), verdict_cell(target, value), "(same)"])
            records.append({"key": target.key, "value": value, "verdict": target.verdict(value)})
            continue
        rows.append([target.label, target.describe(), verdict_cell(target, real[target.key]),
                     verdict_cell(target, synth[target.key])])
        records.append({"key": target.key, "real": real[target.key],
                        "real_verdict": target.verdict(real[target.key]),
                        "synth": synth[target.key],
                        "synth_verdict": target.verdict(synth[target.key])})
    return table(["figure", "target", "real people", "synthesized"], rows), records


def percent(value: float | None) -> str:
    return format_value(value, "%")


def ms(value: float | None) -> str:
    return format_value(value, "ms")


CONDITION_ORDER = ("clean", "20 dB", "10 dB", "5 dB", "0 dB")


def ordered(conditions: dict[str, Any]) -> dict[str, Any]:
    """Conditions from clean to noisiest (JSON keeps them sorted as text)."""
    rank = {name: i for i, name in enumerate(CONDITION_ORDER)}
    return dict(sorted(conditions.items(), key=lambda kv: rank.get(kv[0], len(rank))))


def conditions_section(commands: dict[str, Any]) -> str:
    """Recall and latency per origin and SNR."""
    rows = []
    for origin, label in ORIGINS:
        for condition, figures in ordered(commands.get(origin, {})).items():
            stop = figures["latency_stop"]
            rows.append([label, condition, figures["n"], percent(figures["recall"]),
                         f"{percent(figures['safety_recall'])} of {figures['n_safety']}",
                         percent(figures["safety_acted_on"]), ms(stop["p50_s"]),
                         ms(stop["p95_s"]), ms(stop["max_s"]),
                         sum(figures["stray_intents"].values())])
    return table(["speech", "SNR", "utterances", "recall (all)", "safety recall",
                  "safety acted on", "stop p50", "stop p95", "stop max", "stray intents"], rows)


def per_intent_section(commands: dict[str, Any], origin: str) -> str:
    """Recall of each intent (rows) at each SNR (columns)."""
    conditions = ordered(commands.get(origin, {}))
    intents = sorted({name for figures in conditions.values()
                      for name in figures["recall_by_intent"]})
    rows = []
    for name in intents:
        cells = []
        for figures in conditions.values():
            entry = figures["recall_by_intent"].get(name)
            cells.append(f"{percent(entry['recall'])} ({entry['n']})" if entry else "")
        rows.append([name, *cells])
    return table(["intent", *conditions], rows)


def noise_section(commands: dict[str, Any], origin: str) -> str:
    """Safety recall per noise type (rows) and SNR (columns)."""
    conditions = {k: v for k, v in ordered(commands.get(origin, {})).items() if k != "clean"}
    noises = sorted({n for figures in conditions.values()
                     for n in figures["safety_recall_by_noise"]})
    rows = [[noise, *(percent(figures["safety_recall_by_noise"].get(noise))
                      for figures in conditions.values())] for noise in noises]
    return table(["noise", *conditions], rows)


def confusion_section(figures: dict[str, Any]) -> str:
    """Expected (rows) against what was heard (columns)."""
    matrix = figures["confusion"]
    heard = sorted({got for row in matrix.values() for got in row})
    rows = [[expected, *(row.get(got, "") for got in heard)] for expected, row in matrix.items()]
    return table(["said \\ heard", *heard], rows)


def false_section(false: dict[str, Any]) -> str:
    """Intents heard in speech that held no command."""
    rows = []
    for name, figures in false.items():
        rates = figures["per_hour"]
        counts = ", ".join(f"{k} {v}" for k, v in sorted(figures["counts"].items())) or "none"
        rows.append([name, f"{figures['speech_s'] / 60:.1f} min ({figures['clips']} clips)",
                     f"{figures['safety']} ({format_value(rates['safety'], '/h')})",
                     f"{figures['resuming']} ({format_value(rates['resuming'], '/h')})",
                     percent(figures["clips_triggered_share"]), counts,
                     figures["said_literally"]])
    return table(["speech", "length", "safety", "resuming", "clips triggering",
                  "all intents", "words really said"], rows)


def examples_section(false: dict[str, Any]) -> str:
    rows = [[name, e["intent"], e["heard"], e["said"].replace("|", "/"),
             "yes" if e["said_literally"] else "no"]
            for name, figures in false.items() for e in figures["examples"][:6]]
    return table(["speech", "intent", "heard", "what was said", "phrase really in it"], rows)


def cost_section(engine: dict[str, Any], results: dict[str, Any]) -> str:
    """Start-up, listening cost, memory, simulation speed, speaker silence."""
    probe = engine.get("probe", {})
    if "error" in probe:
        return f"The cost probe failed: {probe['error']}"
    listening = engine.get("listening_cost", {})
    simulation = engine.get("simulation", {})
    stop = results.get("speaker_stop", {})
    delays = stop.get("delays_s") or []
    rows = [
        ["session start-up (model load + cue pre-render)",
         f"{probe.get('start_up_s', 0):.2f} s = {probe.get('model_load_s', 0):.2f} s model + "
         f"{probe.get('prerender_s', 0):.2f} s for {probe.get('cues')} cues (cold cache)"],
        ["CPU share of one core while listening (session recording)",
         f"{percent(probe.get('cpu_share'))} over {probe.get('audio_s', 0) / 60:.1f} min"],
        ["real-time factor (session recording)", f"{probe.get('real_time_factor', 0):.4f}"],
        ["CPU share over the whole corpus", f"{percent(listening.get('cpu_share'))} over "
         f"{listening.get('audio_s', 0) / 3600:.2f} h of audio"],
        ["peak resident memory (fresh process)", format_value(probe.get("peak_rss_mb"), "MB")],
        ["20-minute session simulated (quiet hallway)", simulation_text(simulation, probe)],
        ["the same session over kitchen noise at 20 dB",
         simulation_text(engine.get("simulation_noisy", {}), probe)],
        ["speech silenced after stop()", speaker_text(stop, delays)],
    ]
    return table(["figure", "measured"], rows)


def simulation_text(simulation: dict[str, Any], probe: dict[str, Any]) -> str:
    if simulation.get("available"):
        states = simulation.get("states")
        path = " -> ".join(states) if isinstance(states, list) else "?"
        return (f"{simulation['per_20_minutes_s']:.1f} s per 20 min with `retrowalk simulate` "
                f"({simulation['wall_s']:.1f} s for a {simulation['session_minutes']:.1f}-min "
                f"session, echo gain 0.3, {simulation['intents']} intents heard; states: "
                f"{path})")
    if probe.get("listen_wall_s") is not None:
        scaled = probe["listen_wall_s"] * 1200.0 / probe["audio_s"]
        return (f"{scaled:.1f} s for the listening pipeline alone (`retrowalk simulate` "
                f"unavailable: {simulation.get('reason', 'not run')})")
    return "n/a"


def speaker_text(stop: dict[str, Any], delays: list[float]) -> str:
    if "error" in stop:
        return f"not measured: {stop['error']}"
    if not delays:
        return "no silence detected"
    ordered = sorted(delays)
    return (f"p50 {ms(ordered[len(ordered) // 2])}, max {ms(ordered[-1])} over {len(delays)} "
            f"stops ({stop.get('missed', 0)} missed); the first stop after the output stream "
            f"opened: {ms(stop.get('first_delay_s'))}; path: {stop.get('path')}")


def miss_hint(figures: dict[str, Any] | None) -> str:
    """What the safety commands that were missed were heard as."""
    if not figures:
        return ""
    misses: dict[str, int] = {}
    total = 0
    for expected, row in figures["confusion"].items():
        if expected not in SAFETY:
            continue
        total += sum(row.values())
        for got, count in row.items():
            if got != expected:
                misses[got] = misses.get(got, 0) + count
    nothing = misses.pop(NONE, 0)
    others = ", ".join(f"{k} {v}" for k, v in sorted(misses.items(), key=lambda kv: -kv[1]))
    return (f"of {total} safety commands, {nothing} gave no intent and "
            f"{sum(misses.values())} another one" + (f" ({others})" if others else ""))


def false_hint(figures: dict[str, Any] | None, kinds: frozenset[str]) -> str:
    """Which intents fired in non-command speech, and how many were really said."""
    if not figures:
        return ""
    counts = {k: v for k, v in figures["counts"].items() if k in kinds}
    listed = ", ".join(f"{k} {v}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))
    return (f"{sum(counts.values())} in {figures['speech_s'] / 60:.0f} min"
            + (f" ({listed})" if listed else "")
            + f"; {figures['said_literally']} of all intents there had their words really said")


def shortfalls_section(engine: dict[str, Any]) -> str:
    """One line per target missed, with what the data says about why."""
    commands = engine.get("commands", {})
    false = engine.get("false_activations", {})
    hints = {
        "safety_recall_10db": lambda o: miss_hint(_get(commands, o, "10 dB")),
        "safety_recall_5db": lambda o: miss_hint(_get(commands, o, "5 dB")),
        "false_safety_per_hour": lambda o: false_hint(false.get(_source(o)), SAFETY),
        "false_resuming_per_hour": lambda o: false_hint(false.get(_source(o)), RESUMING),
        "stop_latency_p50": lambda o: latency_hint(_get(commands, o, "10 dB")),
        "stop_latency_p95": lambda o: latency_hint(_get(commands, o, "10 dB")),
    }
    lines = []
    for record in engine.get("targets", []):
        target = next(t for t in TARGETS if t.key == record["key"])
        for origin, label in ORIGINS:
            if record.get(f"{origin}_verdict") == "short":
                hint = hints.get(target.key, lambda _o: "")(origin)
                lines.append(f"- {target.label}, {label}: "
                             f"{format_value(record[origin], target.unit)} against "
                             f"{target.describe()}" + (f"; {hint}" if hint else ""))
        if record.get("verdict") == "short":
            lines.append(f"- {target.label}: {format_value(record['value'], target.unit)} "
                         f"against {target.describe()}")
    return "\n".join(lines) or "Every measured target is met."


def latency_hint(figures: dict[str, Any] | None) -> str:
    if not figures:
        return ""
    stop = figures["latency_stop"]
    return f"over the {stop['n']} stops heard (max {ms(stop['max_s'])})"


def _source(origin: str) -> str:
    return next(name for name, kind in FALSE_SOURCES if kind == origin)
