"""RetroWalk's EchoGuard against WebRTC's AEC3 on the same simulated rooms (issue 9, item 4).

`python -m benchmarks.echo_compare [--out FILE.md] [--json FILE.json] [--engine E]` renders the
default script's cues in the product's voice, plays them into simulated rooms (delay, a
decaying-noise impulse response, echo gain), adds a walker's "stop" over cues (real people
and espeak-ng voices, at several levels against the echo) and household noise, and streams
the microphone through each canceller in audio time. Figures: echo return loss enhancement
(ERLE) and its convergence, the walker's speech kept during double talk, intents the real
recognizer (PocketSphinx, through `assistant.listening`) hears from the echo alone and stops
it hears over cues, and processor time per second of audio. One thread, fixed seeds.
The cancellers: EchoGuard alone, EchoGuard cleaning with livekit's AEC3 (the product's live
default), and `aec-audio-processing`'s AEC3 where it is installed (it is built from source).
"""

from __future__ import annotations

import os

# One core at most (the machine is shared): BLAS (EchoGuard's least squares) single-threaded.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

from assistant.hearing.recognizers.select import make_recognizer  # noqa: E402
from benchmarks.echo_cancellers import (  # noqa: E402
    Canceller,
    GuardCanceller,
    NoCanceller,
    WebRtcCanceller,
    source_built_available,
)
from benchmarks.echo_data import (  # noqa: E402
    household_noise,
    real_stops,
    script_cues,
    synthetic_stops,
)
from benchmarks.echo_figures import (  # noqa: E402
    convergence,
    cue_mask,
    erle_db,
    onset_mask,
    recognize,
    stops_heard,
    walker_kept,
)
from benchmarks.echo_report import render_markdown  # noqa: E402
from benchmarks.echo_room import (  # noqa: E402
    Room,
    Stream,
    add_floor,
    add_noise,
    cue_stream,
)
from benchmarks.echo_streams import stop_streams  # noqa: E402

SEED = 9
ROOMS = (
    Room("pure delay (as `simulate`)", 40, 0.5, 0.0),
    Room("near, small room", 20, 0.3, 0.20, drr_db=10),
    Room("hallway", 60, 0.6, 0.30, drr_db=6),
    Room("far, loud, reverberant", 120, 1.0, 0.45, drr_db=3),
)
#: The household noise each recognizer room gets (None: the microphone's self-noise only).
ROOM_NOISE = {1: None, 2: "doing_the_dishes", 3: "exercise_bike"}
#: Microphone self-noise and household noise levels (int16 RMS; full-level cues are ~3200).
FLOOR_RMS, NOISE_RMS = 5.0, 150.0
#: The walker's "stop" against the echo heard during it (dB).
SNRS_DB = (6.0, 0.0, -6.0)
#: Rooms whose echo is also recognized with no canceller (the recognizer's time is the
#: benchmark's budget: about 0.27 s of CPU per second of audio).
NONE_ROOMS = (3,)
#: Rooms whose echo alone is recognized (the near, quiet room's echo is the weakest).
ECHO_ONLY_ROOMS = (2, 3)
#: Steady-state ERLE is measured after this long from the first cue's start (convergence).
CONVERGED_S = 3.0


#: The recognizer every run hears with (`--engine`).
ENGINE = {"name": "pocketsphinx"}


def fresh_recognizer() -> Any:
    """A newly loaded recognizer for each run: PocketSphinx's cepstral mean adapts across
    utterances, so a reused one would hear each stream differently after what it heard."""
    return make_recognizer(ENGINE["name"], "en")


def make_cancellers(noise_suppression: bool = True) -> list[Canceller]:
    """Fresh cancellers (each keeps state across a stream)."""
    cancellers: list[Canceller] = [GuardCanceller(), GuardCanceller(aec3=True)]
    if source_built_available():
        cancellers.append(WebRtcCanceller())
        if noise_suppression:
            cancellers.append(WebRtcCanceller(noise_suppression=True))
    return cancellers


class Meter:
    """Processor time and audio seconds per canceller, over every run."""

    def __init__(self) -> None:
        self.cpu: dict[str, list[float]] = {}

    def add(self, canceller: Canceller, seconds: float) -> None:
        entry = self.cpu.setdefault(canceller.name, [0.0, 0.0])
        entry[0] += canceller.cpu_s
        entry[1] += seconds

    def per_second(self) -> dict[str, float]:
        """Processor seconds per second of audio."""
        return {name: cpu / audio for name, (cpu, audio) in self.cpu.items() if audio}


def erle_section(cues: list, meter: Meter, seed: int) -> dict[str, Any]:
    """ERLE of every canceller in every room: echo alone over the microphone's self-noise."""
    results: dict[str, Any] = {}
    for index, room in enumerate(ROOMS):
        stream = cue_stream(cues, room, seed + index)
        add_floor(stream, FLOOR_RMS, seed + 100 + index)
        steady = cue_mask(stream, stream.playbacks[0].start + int(CONVERGED_S * 16000))
        echo_rms = float(np.sqrt(np.mean(stream.echo[cue_mask(stream)] ** 2)))
        row: dict[str, Any] = {"cap_db": 20 * np.log10(echo_rms / FLOOR_RMS)}
        for canceller in [NoCanceller(), *make_cancellers()]:
            cleaned, _ = recognize(stream, canceller, None)
            meter.add(canceller, stream.seconds)
            row[canceller.name] = {
                "steady_db": erle_db(stream, cleaned, steady),
                "onsets_db": erle_db(stream, cleaned, onset_mask(stream)),
                "first_cue_db": convergence(stream, cleaned),
            }
        results[room.name] = row
        print(f"  ERLE {room.name}: " + ", ".join(
            f"{k} {v['steady_db']:.1f}" for k, v in row.items() if isinstance(v, dict)))
    return results


def noisy_room(cues: list, index: int, seed: int) -> Stream:
    """A recognizer room's echo-only stream: every cue, self-noise, its household noise."""
    stream = cue_stream(cues, ROOMS[index], seed + index)
    add_floor(stream, FLOOR_RMS, seed + 100 + index)
    name = ROOM_NOISE[index]
    noise = household_noise(name) if name else None
    if noise is not None:
        add_noise(stream, noise, NOISE_RMS, seed + 200 + index)
    return stream


def listened(stream: Stream, meter: Meter, with_none: bool) -> dict[str, Any]:
    """The stream through EchoGuard and WebRTC (with and without the guard's transcript
    check), and no canceller if asked, into the recognizer: cleaned audio and intents."""
    out: dict[str, Any] = {}
    cancellers: list[Canceller] = [NoCanceller()] if with_none else []
    for canceller in [*cancellers, *make_cancellers(noise_suppression=False)]:
        checker = GuardCanceller() if isinstance(canceller, WebRtcCanceller) else None
        cleaned, heard = recognize(stream, canceller, fresh_recognizer(), checker)
        meter.add(canceller, stream.seconds)
        if isinstance(canceller, GuardCanceller):
            out[canceller.name + " clean only"] = (cleaned, heard, False)
            out[canceller.name] = (cleaned, heard, True)
        elif checker is not None:
            out[canceller.name] = (cleaned, heard, False)
            out[canceller.name + " + transcript check"] = (cleaned, heard, True)
        else:
            out[canceller.name] = (cleaned, heard, False)
    return out


def noise_alone(stream: Stream) -> dict[str, Any]:
    """The control: intents the recognizer gives for the room's noise with no echo at all."""
    quiet = Stream(stream.played, np.zeros(len(stream.echo)), stream.walker, stream.noise,
                   stream.playbacks)
    heard = recognize(quiet, NoCanceller(), fresh_recognizer())[1]
    return {"intents": len(heard), "names": sorted(h.name for h in heard), "rejected": 0}


def echo_only_section(cues: list, meter: Meter, seed: int) -> dict[str, Any]:
    """Intents heard from the cue echo alone (nobody speaks), per room and variant."""
    results: dict[str, Any] = {}
    for index in ECHO_ONLY_ROOMS:
        stream = noisy_room(cues, index, seed)
        row: dict[str, Any] = {"seconds": stream.seconds, "noise": ROOM_NOISE[index] or "none"}
        variants = listened(stream, meter, index in NONE_ROOMS)
        for name, (_cleaned, heard, checked) in variants.items():
            acted = [h for h in heard if not (checked and h.rejected)]
            row[name] = {"intents": len(acted), "names": sorted(h.name for h in acted),
                         "rejected": len(heard) - len(acted)}
        row["noise alone"] = noise_alone(stream)
        results[ROOMS[index].name] = row
        print(f"  echo only {ROOMS[index].name}: " + ", ".join(
            f"{k} {v['intents']}" for k, v in row.items() if isinstance(v, dict)))
    return results


def stops_section(cues: list, words: list, meter: Meter, seed: int) -> dict[str, Any]:
    """Stops over cues, per room and walker-to-echo level: heard, stray intents, speech kept."""
    results: dict[str, Any] = {}
    for index, snr_db, stream, alone in stop_streams(cues, words, ROOMS, ROOM_NOISE, SNRS_DB,
                                                     seed, FLOOR_RMS, NOISE_RMS):
        key = f"{ROOMS[index].name}, {snr_db:+.0f} dB"
        variants = listened(stream, meter, with_none=False)
        ceiling = recognize(alone, NoCanceller(), fresh_recognizer())[1]
        hits, stray = stops_heard(alone, ceiling, False)
        row: dict[str, Any] = {"words": len(stream.words),
                               "walker alone": {"heard": hits, "stray": stray}}
        results[key] = row
        for name, (cleaned, heard, checked) in variants.items():
            hits, stray = stops_heard(stream, heard, checked)
            kept = walker_kept(stream, cleaned)
            row[name] = {"heard": hits, "stray": stray,
                         "correlation": float(np.median([k.correlation for k in kept])),
                         "kept_db": float(np.median([k.kept_db for k in kept]))}
        print(f"  stops {key}: " + ", ".join(
            f"{k} {v['heard']}" for k, v in row.items() if isinstance(v, dict)))
    return results


def main(argv: list[str] | None = None) -> int:
    """Run every section; print progress; write the Markdown and JSON results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write the figures as Markdown here")
    parser.add_argument("--json", type=Path, help="write the raw figures as JSON here")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--cache-dir", type=Path, help="keep the rendered cues here")
    parser.add_argument("--engine", default="pocketsphinx",
                        help="the recognizer (pocketsphinx, as first measured; spotter)")
    args = parser.parse_args(argv)
    ENGINE["name"] = args.engine
    began, wall = time.process_time(), time.perf_counter()
    cues, voice = script_cues(args.cache_dir)
    words = real_stops(36, args.seed) + synthetic_stops()
    meter = Meter()
    results: dict[str, Any] = {"voice": voice, "cues": len(cues), "seed": args.seed,
                               "engine": args.engine,
                               "rooms": [vars(room) for room in ROOMS]}
    results["erle"] = erle_section(cues, meter, args.seed)
    results["echo_only"] = echo_only_section(cues, meter, args.seed)
    results["stops"] = stops_section(cues, words, meter, args.seed)
    results["cpu_per_audio_s"] = meter.per_second()
    results["benchmark_cpu_s"] = time.process_time() - began
    results["benchmark_wall_s"] = time.perf_counter() - wall
    print(json.dumps(results["cpu_per_audio_s"], indent=1))
    print(f"benchmark: {results['benchmark_cpu_s']:.0f} s CPU")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=float), encoding="utf-8")
    if args.out:
        args.out.write_text(render_markdown(results), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
