"""What listening costs, live: CPU of one core and peak memory of `retrowalk listen`.

    python -m benchmarks.listening_cost [--seconds 120] [--engine auto]

Starts a real `retrowalk listen` on the microphone of the PulseAudio room (tests/helpers/
audio_server.py) while a television talks in it (kathleen's validation sentences at half
level, benchmarks.live_room's recording), so the recognizer hears speech and quiet as a
walker's room does. The process's own CPU time (user + system, every thread: the audio
callback, the feature models, the voice-activity detector) is read from /proc over
`--seconds` after the models have loaded, and divided by the wall time; peak memory is its
VmHWM. Writes benchmarks/out/listening_cost_<engine>.json.
"""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.live_room import OUT, tv_recording
from benchmarks.process_cost import cpu_seconds, peak_memory_mb
from tests.helpers.audio_server import start_room, stop_room

#: Loading the models is not listening: the measurement starts this long after launch.
WARM_UP_S = 15.0


def measure(engine: str, seconds: float, work: Path) -> dict[str, object]:
    """Run `retrowalk listen` in the talking room; its CPU share and peak memory."""
    tv = tv_recording(work / "tv.wav", (WARM_UP_S + seconds) / 60 + 0.5)
    room = start_room()  # first: the listener's microphone is the room's
    listener = subprocess.Popen(
        [sys.executable, "-m", "assistant", "listen", "--no-partials", "--engine", engine],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    television = room.play_file(tv)
    try:
        time.sleep(WARM_UP_S)
        if listener.poll() is not None:
            raise SystemExit(f"retrowalk listen stopped: {listener.communicate()[1].strip()}")
        cpu_start, wall_start = cpu_seconds(listener.pid), time.monotonic()
        time.sleep(seconds)
        cpu = cpu_seconds(listener.pid) - cpu_start
        wall = time.monotonic() - wall_start
        memory = peak_memory_mb(listener.pid)
    finally:
        television.terminate()
        listener.send_signal(signal.SIGINT)
        heard = listener.communicate(timeout=30)[0]
        stop_room(room)
    return {"engine": engine, "seconds": round(wall, 1),
            "cpu_percent_one_core": round(100 * cpu / wall, 2),
            "peak_memory_mb": round(memory, 1),
            "intents_heard": sum(json.loads(line).get("type") == "intent"
                                 for line in heard.splitlines() if line.startswith("{"))}


def main(argv: list[str] | None = None) -> int:
    """Measure, print and write the figures."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.listening_cost",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=120.0,
                        help="how long to measure, after the models load (default 120)")
    parser.add_argument("--engine", default="auto")
    args = parser.parse_args(argv)
    work = OUT / f"listening_cost_{args.engine}"
    work.mkdir(parents=True, exist_ok=True)
    result = measure(args.engine, args.seconds, work)
    (OUT / f"listening_cost_{args.engine}.json").write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
