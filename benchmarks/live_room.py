"""Live figures from the PulseAudio room: intents taken from the assistant's own voice.

    python -m benchmarks.live_room [--minutes 10] [--tv] [--engine auto]

Runs a real `retrowalk start` on the default script in the virtual room (a PulseAudio null
sink whose monitor is the microphone: the assistant hears its own voice at full level). The
walker says only "I'm ready" when asked to; every other intent is a false one. With `--tv`,
a television talks in the room all along: real read speech (kathleen's validation sentences,
which the spotter never trained on) at half level. Prints the intents and writes
benchmarks/out/live_room_<name>.json, with the session process's CPU share (its whole run,
loading, speaking and listening) and peak memory.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from assistant.audio.chunks import write_wav
from assistant.speaking.espeak import SpeakerStyle, synthesize
from benchmarks.process_cost import cpu_seconds, peak_memory_mb
from tests.helpers.audio_server import AudioRoom, start_room, stop_room
from tests.helpers.live_session import read_events
from training import product, sources
from training.dataset import DatasetSettings, shared_data_dir

OUT = Path(__file__).resolve().parent / "out"
#: The walker's answer counts as the expected one when heard this soon after it was played.
ANSWER_WINDOW_S = 5.0
#: The support question lasts about 9 s; the walker answers after it.
QUESTION_S = 11.0
TV_GAIN = 0.5


def tv_recording(path: Path, minutes: float) -> Path:
    """kathleen's validation sentences, joined with short pauses, looped to `minutes`."""
    pause = np.zeros(8_000, dtype=np.int16)
    shared = shared_data_dir(DatasetSettings())
    if shared is None:
        raise SystemExit("the television needs the shared data (../shared/data)")
    sentences = [product.read_audio(r.path)
                 for r in sources.kathleen_in_split(shared, "alternate", "validation")]
    parts: list[np.ndarray] = []
    while sum(len(p) for p in parts) < minutes * 60 * 16_000:
        for sentence in sentences:
            parts += [np.round(sentence * TV_GAIN).astype(np.int16), pause]
    write_wav(path, np.concatenate(parts))
    return path


def run_session(room: AudioRoom, engine: str, minutes: float, tv: Path | None,
                work: Path) -> dict[str, object]:
    """One live session; returns the intents it took and when."""
    log = work / "session.jsonl"
    log.unlink(missing_ok=True)
    ready = work / "ready.wav"
    write_wav(ready, synthesize("I'm ready", SpeakerStyle("en-us+f2", 150)))
    session = subprocess.Popen(
        [sys.executable, "-m", "assistant", "start", "--no-history", "--engine", engine,
         "--log", str(log)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True)
    television = room.play_file(tv) if tv is not None else None
    answered_at: float | None = None
    cpu_percent = memory_mb = 0.0
    asked = 0
    start = time.monotonic()
    while time.monotonic() - start < minutes * 60 and session.poll() is None:
        events = read_events(log)
        questions = [e for e in events if "Say ready" in str(e.get("text", ""))]
        if len(questions) > asked and not any(e.get("intent") == "ready"
                                              and e["t"] > questions[-1]["t"] for e in events):
            # Answer once the question has been said (the answer word is in it, too).
            asked = len(questions)
            time.sleep(QUESTION_S)
            room.play_file(ready).wait(10)
            answered_at = questions[-1]["t"] + QUESTION_S
        time.sleep(0.5)
        with contextlib.suppress(FileNotFoundError):  # read while it runs: it may end itself
            cpu_s, memory_mb = cpu_seconds(session.pid), peak_memory_mb(session.pid)
            cpu_percent = 100 * cpu_s / (time.monotonic() - start)
    session.send_signal(signal.SIGTERM)  # the safe path; a background job ignores SIGINT
    session.communicate(timeout=60)
    if television is not None:
        television.terminate()
    return summarize(read_events(log), answered_at, time.monotonic() - start) | {
        "session_cpu_percent_one_core": round(cpu_percent, 1),
        "session_peak_memory_mb": round(memory_mb, 1)}


def summarize(events: list[dict], answered_at: float | None, seconds: float) -> dict[str, object]:
    """Every intent, the expected "ready" set apart."""
    intents = [e for e in events if e["type"] == "intent"]
    expected = [e for e in intents if answered_at is not None and e["intent"] == "ready"
                and 0 <= e["t"] - answered_at <= ANSWER_WINDOW_S][:1]
    false = [e for e in intents if e not in expected]
    cues = sum(1 for e in events if e["type"] == "cue")
    return {"seconds": round(seconds, 1), "cues": cues, "walker_ready_heard": bool(expected),
            "false_intents": [{"t": e["t"], "intent": e["intent"], "text": e["text"]}
                              for e in false]}


def main(argv: list[str] | None = None) -> int:
    """Run the room, print and write the figures."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.live_room",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--tv", action="store_true", help="a television talks in the room")
    parser.add_argument("--engine", default="auto")
    args = parser.parse_args(argv)
    name = f"{args.engine}{'_tv' if args.tv else ''}"
    work = OUT / f"live_room_{name}"
    work.mkdir(parents=True, exist_ok=True)
    room = start_room()
    try:
        tv = tv_recording(work / "tv.wav", args.minutes) if args.tv else None
        result = run_session(room, args.engine, args.minutes, tv, work)
    finally:
        stop_room(room)
    result |= {"engine": args.engine, "tv": args.tv}
    (OUT / f"live_room_{name}.json").write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
