"""How long each speech engine takes to render the default script's cues, cold and cached.

`python -m benchmarks.voice_timing` renders every cue a live session pre-renders (the
default script's `cue_texts()`) at the script's rate with SVOX Pico (the default where
installed), pyttsx3 (eSpeak NG) and the espeak-ng command line, one after another, and then
once more through the product's renderer with a warm disk cache. Prints a Markdown table
(docs/audio.md quotes it). Wall-clock figures: run it on an idle machine.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

from assistant.core.events import SAMPLE_RATE_HZ
from assistant.script.loading import default_script_path, load_script
from assistant.speaking.pico import PicoBackend
from assistant.speaking.voice import (
    EspeakCommandBackend,
    Pyttsx3Backend,
    SpeechBackend,
    make_renderer,
)


def time_backend(backend: SpeechBackend, texts: list[str], rate_wpm: int) -> dict[str, float]:
    """Render each text once (no cache): total, median and slowest seconds, audio seconds."""
    seconds, audio_s = [], 0.0
    for text in texts:
        began = time.perf_counter()
        samples = backend.synthesize(text, None, rate_wpm)
        seconds.append(time.perf_counter() - began)
        audio_s += len(samples) / SAMPLE_RATE_HZ
    return {"total_s": sum(seconds), "median_s": statistics.median(seconds),
            "max_s": max(seconds), "audio_s": audio_s}


def time_cached(texts: list[str]) -> tuple[float, float, str]:
    """A session's start: probe the engines and prerender, with a cold disk cache, then with
    the warm one (the next session)."""
    settings = load_script(default_script_path()).voice
    with tempfile.TemporaryDirectory(prefix="retrowalk-voice-timing-") as folder:
        began = time.perf_counter()
        renderer = make_renderer(settings, Path(folder))
        renderer.prerender(texts, show_progress=False)
        cold_s = time.perf_counter() - began
        began = time.perf_counter()
        make_renderer(settings, Path(folder)).prerender(texts, show_progress=False)
        return cold_s, time.perf_counter() - began, renderer.summary


def main() -> None:
    """Measure and print the table."""
    script = load_script(default_script_path())
    texts = list(dict.fromkeys(script.cue_texts()))
    words = sum(len(text.split()) for text in texts)
    rate = script.voice.rate_wpm
    print(f"{len(texts)} distinct cues, {words} words, at {rate} words per minute; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
    print("| engine | all cues (s) | per cue, median (ms) | slowest (ms) | audio (s) | "
          "audio per render second |")
    print("| --- | --- | --- | --- | --- | --- |")
    for backend in (PicoBackend(), Pyttsx3Backend(), EspeakCommandBackend()):
        figures = time_backend(backend, texts, rate)
        print(f"| {backend.name} | {figures['total_s']:.2f} | {figures['median_s'] * 1000:.0f} "
              f"| {figures['max_s'] * 1000:.0f} | {figures['audio_s']:.1f} | "
              f"{figures['audio_s'] / figures['total_s']:.0f}x |")
    cold_s, warm_s, summary = time_cached(texts)
    print(f"\nThe session's prerender ({summary}): {cold_s:.2f} s with an empty disk "
          f"cache and {warm_s:.2f} s from the cache, each with the engines' probe.")


if __name__ == "__main__":
    main()
