"""Run every benchmark and write docs/benchmarks.md and docs/benchmarks.json.

    python -m benchmarks.run [--quick] [--engine pocketsphinx|vosk|all]

Listens through the real pipeline (`assistant.run.listening`) to synthesized and real commands at
several SNRs and to non-command speech, then measures start-up, CPU, memory, simulation speed
and how soon the real speaker falls silent. `--quick` is a small sanity run (under 2 minutes).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tqdm import tqdm

from assistant.core.paths import SOURCE_ROOT, shared_data_dir, voice_models_dir
from benchmarks.build import Corpora, build_corpora, session_script
from benchmarks.corpus import OUT_DIR
from benchmarks.evaluate import (
    PROSE_GAP_S,
    CommandTally,
    Cost,
    SpeechTally,
    StreamSpec,
    command_streams,
    condition_label,
    noise_only_streams,
)
from benchmarks.machine import describe_machine
from benchmarks.pipeline import ENGINES, engine_problem
from benchmarks.plan import PLANS, Plan
from benchmarks.report import write_reports
from benchmarks.speaker_stop import run_in_child
from benchmarks.workers import listen_streams

DOCS_DIR = (SOURCE_ROOT or Path.cwd()) / "docs"


def vosk_english_model() -> Path | None:
    """A Vosk English model folder in voice_models/ (such as vosk-model-small-en-us-0.15)."""
    folder = voice_models_dir()
    if not folder.is_dir():
        return None
    found = [p for p in folder.iterdir() if p.is_dir() and p.name.startswith("vosk-model")
             and "-en" in p.name]
    return sorted(found)[0] if found else None


def choose_engines(wanted: str) -> tuple[list[str], dict[str, str]]:
    """The engines to run, and why each other one is left out."""
    skipped: dict[str, str] = {}
    chosen = []
    for engine in ENGINES if wanted == "all" else [wanted]:
        if engine == "vosk" and vosk_english_model() is None:
            skipped[engine] = (f"no Vosk English model in {voice_models_dir().name}/ on this "
                               "machine ('retrowalk models download' needs the internet)")
            continue
        problem = engine_problem(engine)
        if problem:
            skipped[engine] = problem
        else:
            chosen.append(engine)
    return chosen, skipped


def stream_specs(corpora: Corpora, plan: Plan) -> list[StreamSpec]:
    """Every stream to listen to, in the order of the report."""
    noises = corpora.bank.names
    specs: list[StreamSpec] = []
    for origin, items in (("synth", corpora.synth_commands), ("real", corpora.real_commands)):
        for snr in plan.snrs_db if items else ():
            specs += command_streams("command", origin, items, snr, noises)
    for snr in plan.real_other_snrs_db if corpora.real_other_words else ():
        specs += command_streams("speech", f"real words {condition_label(snr)}",
                                 corpora.real_other_words, snr, noises)
    for origin, items in (("synth prose", corpora.prose), ("kathleen", corpora.kathleen)):
        if items:
            specs += command_streams("speech", origin, items, None, noises, gap_s=PROSE_GAP_S)
    return specs + noise_only_streams(noises, 10.0, plan.noise_alone_s)


def listen_all(engine: str, corpora: Corpora, plan: Plan, workers: int) -> dict[str, Any]:
    """Listen to every stream with `engine` and score it."""
    commands, cost = CommandTally(), Cost()
    speech: dict[str, SpeechTally] = {}
    specs = stream_specs(corpora, plan)
    results = listen_streams(specs, engine, corpora.bank, workers)
    for spec, stream, run in tqdm(results, total=len(specs), desc=f"Listening ({engine})",
                                  unit="stream"):
        cost.add(run)
        if spec.kind == "command":
            commands.add(spec.origin, stream, run)
        else:
            speech.setdefault(spec.origin, SpeechTally()).add(stream, run)
    return {"commands": commands.summary(),
            "false_activations": {name: tally.summary() for name, tally in speech.items()},
            "listening_cost": cost.summary(), "streams": len(specs), "workers": workers}


def probe(engine: str, wav: Path, minutes: float) -> dict[str, Any]:
    """Start-up, CPU share and peak memory from a fresh process listening to `wav`."""
    command = [sys.executable, "-m", "benchmarks.probe", "--engine", engine, "--audio", str(wav),
               "--minutes", f"{minutes:g}"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)
    lines = result.stdout.strip().splitlines()
    if result.returncode != 0 or not lines:
        return {"error": (result.stderr.strip().splitlines() or ["no output"])[-1]}
    return dict(json.loads(lines[-1]))


def simulate_speed(engine: str, wav: Path) -> dict[str, Any]:
    """Wall time of `retrowalk simulate` over the session recording, with a room echo."""
    log = OUT_DIR / "simulate_benchmark.jsonl"
    log.unlink(missing_ok=True)
    command = [sys.executable, "-m", "assistant", "simulate", "--audio-in", str(wav),
               "--script", str(session_script()), "--engine", engine, "--echo-gain", "0.3",
               "--log", str(log)]
    began = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)
    wall_s = time.perf_counter() - began
    if result.returncode != 0 or not log.is_file():
        reason = (result.stdout + result.stderr).strip().splitlines() or ["no output"]
        return {"available": False, "reason": reason[-1][:300]}
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line]
    session_s = max((record["t"] for record in records), default=0.0)
    return {"available": True, "wall_s": wall_s, "session_minutes": session_s / 60.0,
            "events": len(records),
            "states": ["idle"] + [r["to"] for r in records if r["type"] == "state"],
            "intents": sum(r["type"] == "intent" for r in records),
            "per_20_minutes_s": wall_s * 1200.0 / session_s if session_s else None}


def benchmark_engine(engine: str, corpora: Corpora, plan: Plan,
                     workers: int) -> dict[str, Any]:
    """Everything about one engine; cost and speed are measured alone, after the corpus."""
    assert corpora.session_wav is not None
    result = listen_all(engine, corpora, plan, workers)
    result["probe"] = probe(engine, corpora.session_wav, plan.probe_minutes)
    skipped = {"available": False, "reason": "not run in this plan"}
    # Speed in a quiet hallway, where the session follows its script to the end; then the
    # same session over kitchen noise, to show whether false intents derail it.
    assert corpora.quiet_session_wav is not None
    result["simulation"] = (simulate_speed(engine, corpora.quiet_session_wav) if plan.simulate
                            else skipped)
    result["simulation_noisy"] = (simulate_speed(engine, corpora.session_wav) if plan.simulate
                                  else skipped)
    return result


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; 0 when the reports were written."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a small sanity run (< 2 min)")
    parser.add_argument("--engine", default="all", choices=["all", *ENGINES])
    parser.add_argument("--jobs", type=int, default=2, metavar="N",
                        help="listen to the corpus with N processes (default 2; cost figures "
                        "are always measured alone)")
    parser.add_argument("--plan", choices=sorted(PLANS), help=argparse.SUPPRESS)
    parser.add_argument("--docs-dir", type=Path, default=DOCS_DIR,
                        help="where benchmarks.md and benchmarks.json go (default: docs/)")
    parser.add_argument("--render-only", action="store_true",
                        help="rewrite benchmarks.md from the existing benchmarks.json")
    args = parser.parse_args(argv)
    if args.render_only:
        stored = json.loads((args.docs_dir / "benchmarks.json").read_text(encoding="utf-8"))
        markdown, _ = write_reports(stored, args.docs_dir)
        print(f"rewrote {markdown}")
        return 0
    plan = PLANS[args.plan or ("quick" if args.quick else "full")]
    began = time.perf_counter()
    machine = describe_machine()  # before the run: the code measured, not what came after
    engines, skipped = choose_engines(args.engine)
    data_dir = shared_data_dir()
    seeds_dir = data_dir.parent / "seeds" if data_dir else None
    corpora = build_corpora(plan, data_dir, seeds_dir)
    results: dict[str, Any] = {"plan": plan.name, "machine": machine, "sizes": corpora.sizes(),
                               "skipped_engines": skipped, "notes": corpora.notes, "engines": {}}
    for engine in engines:
        results["engines"][engine] = benchmark_engine(engine, corpora, plan, args.jobs)
    results["speaker_stop"] = run_in_child(plan.speaker_trials)
    results["run_minutes"] = (time.perf_counter() - began) / 60.0
    markdown, json_path = write_reports(results, args.docs_dir)
    print(f"wrote {markdown} and {json_path} in {results['run_minutes']:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
