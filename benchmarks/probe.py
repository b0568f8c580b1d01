"""What a session costs: start-up, CPU while listening, peak memory; measured in a fresh process.

`python -m benchmarks.probe --engine E --audio FILE.wav` loads the recognizer, pre-renders the
default script's cues (a cold cache), listens to FILE.wav streamed in 0.1 s chunks as a
microphone would deliver them, and prints one JSON object. A child process of its own, so
that the corpora held by the benchmark runner do not count in the peak memory.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from assistant.audio.chunks import CHUNK_S
from assistant.core.events import AudioChunk, SessionEvent


def wav_chunks(path: Path, limit_s: float) -> Iterator[AudioChunk]:
    """The first `limit_s` seconds of a 16 kHz mono WAV, read 0.1 s at a time, never whole
    (as a microphone delivers it)."""
    with wave.open(str(path), "rb") as wav:
        rate = wav.getframerate()
        size = int(rate * CHUNK_S)
        offset = 0
        while offset < limit_s * rate and (frames := wav.readframes(size)):
            samples = np.frombuffer(frames, dtype="<i2").copy()
            yield AudioChunk(samples, rate, offset / rate)
            offset += len(samples)


def script_cue_texts() -> list[str]:
    """The default script's cues: what a live session renders before it starts."""
    from assistant.script.loading import default_script_path, load_script

    return load_script(default_script_path()).cue_texts()


def start_up(engine: str) -> tuple[Any, Any, dict[str, float]]:
    """Load the recognizer and the decider, pre-render the cues; the seconds each took."""
    from assistant.core.intents import load_phrase_table
    from assistant.hearing.decider import IntentDecider
    from assistant.hearing.recognizers.select import make_recognizer
    from assistant.script.model import VoiceSettings
    from assistant.speaking.voice import make_renderer

    began = time.perf_counter()
    recognizer = make_recognizer(engine=engine, language="en")
    decider = IntentDecider(load_phrase_table("en"))
    loaded = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="retrowalk-bench-cues-") as cache:
        renderer = make_renderer(VoiceSettings(), cache_dir=Path(cache))
        count = renderer.prerender(script_cue_texts(), show_progress=False)
    rendered = time.perf_counter()
    return recognizer, decider, {"model_load_s": loaded - began, "prerender_s": rendered - loaded,
                                 "cues": count, "start_up_s": rendered - began}


def probe(engine: str, audio: Path, minutes: float) -> dict[str, Any]:
    """Start up, then listen to `audio`: timings, CPU share, real-time factor, peak memory."""
    from assistant.run.listening import listen

    recognizer, decider, startup = start_up(engine)
    events: list[SessionEvent] = []
    with wave.open(str(audio), "rb") as wav:
        audio_s = min(wav.getnframes() / wav.getframerate(), minutes * 60.0)
    cpu_start, wall_start = time.process_time(), time.perf_counter()
    listen(wav_chunks(audio, audio_s), recognizer, decider, events.append)
    cpu_s, wall_s = time.process_time() - cpu_start, time.perf_counter() - wall_start
    peak_kb = peak_resident_kb()
    return {**startup, "engine": getattr(recognizer, "engine", engine), "audio_s": audio_s,
            "listen_cpu_s": cpu_s, "listen_wall_s": wall_s, "cpu_share": cpu_s / audio_s,
            "real_time_factor": wall_s / audio_s, "peak_rss_mb": peak_kb / 1024.0,
            "intents": sum(event.type == "intent" for event in events)}


def peak_resident_kb() -> int:
    """This process's peak resident memory in kB.

    Linux's `ru_maxrss` keeps the parent's peak across fork and exec (the benchmark runner
    holds the corpora, hundreds of MB), so the memory map's own high-water mark (VmHWM) is
    read first."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main(argv: list[str] | None = None) -> int:
    """Print the probe's JSON for one engine and one recording."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--engine", default="pocketsphinx")
    parser.add_argument("--audio", type=Path, required=True)
    parser.add_argument("--minutes", type=float, default=5.0, help="listen to this much")
    args = parser.parse_args(argv)
    print(json.dumps(probe(args.engine, args.audio, args.minutes)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
