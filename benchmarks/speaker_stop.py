"""How soon speech is silenced after `stop()`: the real speaker path, in a PulseAudio room.

`assistant.audio.speakers.SoundDeviceSpeaker` plays a loud tone into a private PulseAudio null sink
(sounddevice -> PortAudio -> ALSA -> PulseAudio, as live); `parec` records the sink's monitor
and time-stamps each block as it arrives. The delay from the `stop()` call to the first
silent sample includes the recording path's own latency, so it is an upper bound.
Run as `python -m benchmarks.speaker_stop` (it prints JSON); the runner does so in a child
process, because the sink must be chosen (PULSE_SINK) before PortAudio starts.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time

import numpy as np

from assistant.core.events import SAMPLE_RATE_HZ

SINK = "retrowalk_bench"
#: A block is silent when its loudest sample is below this (the tone peaks at ~16000).
SILENT_PEAK = 300
RECORD_BLOCK = 160


def load_sink() -> int:
    """Load a private null sink into the running PulseAudio; returns its module index."""
    result = subprocess.run(["pactl", "load-module", "module-null-sink", f"sink_name={SINK}"],
                            capture_output=True, text=True, check=True, timeout=10)
    return int(result.stdout.strip())


def unload_sink(index: int) -> None:
    subprocess.run(["pactl", "unload-module", str(index)], check=False, timeout=10)


class MonitorRecorder:
    """parec on the sink's monitor; every 10 ms block with the monotonic time it arrived."""

    def __init__(self) -> None:
        self.blocks: list[tuple[float, int]] = []
        self._process = subprocess.Popen(
            ["parec", "-d", f"{SINK}.monitor", "--format=s16le", "--rate=16000",
             "--channels=1", "--latency-msec=5"], stdout=subprocess.PIPE)
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        assert self._process.stdout is not None
        while True:
            data = self._process.stdout.read(RECORD_BLOCK * 2)
            if not data:
                return
            peak = int(np.abs(np.frombuffer(data, dtype="<i2").astype(np.int32)).max())
            self.blocks.append((time.monotonic(), peak))

    def close(self) -> None:
        self._process.terminate()
        self._process.wait(timeout=5)


def silence_delay_s(blocks: list[tuple[float, int]], stop_at: float) -> float | None:
    """From `stop_at` to the arrival of the first silent block after loud ones; None if never."""
    loud_seen = False
    for arrived, peak in blocks:
        if arrived < stop_at:
            loud_seen = loud_seen or peak >= SILENT_PEAK
            continue
        if peak >= SILENT_PEAK:
            loud_seen = True
        elif loud_seen:
            return arrived - stop_at
    return None


def measure(trials: int = 10) -> dict[str, object]:
    """Play and stop a tone `trials` times; the delays from stop() to silence."""
    from assistant.audio.speakers import SoundDeviceSpeaker

    times = np.arange(SAMPLE_RATE_HZ * 3) / SAMPLE_RATE_HZ
    tone = (np.sin(2 * np.pi * 440.0 * times) * 16000).astype(np.int16)
    recorder = MonitorRecorder()
    time.sleep(1.0)  # let parec connect, so the first trial is not lost
    speaker = SoundDeviceSpeaker()
    delays: list[float | None] = []
    try:
        # Trial 0 opens the output stream; its delay is reported apart (a session's first cue).
        for trial in range(trials + 1):
            speaker.play(tone, SAMPLE_RATE_HZ, float(trial))
            time.sleep(0.6)
            stop_at = time.monotonic()
            speaker.stop()
            time.sleep(0.4)
            delays.append(silence_delay_s(list(recorder.blocks), stop_at))
    finally:
        speaker.close()
        recorder.close()
    return {"path": "SoundDeviceSpeaker -> PortAudio/ALSA -> PulseAudio null sink, "
                    "recorded with parec on its monitor (upper bound)",
            "trials": trials, "first_delay_s": delays[0],
            "delays_s": [d for d in delays[1:] if d is not None],
            "missed": sum(d is None for d in delays[1:])}


def main() -> int:
    """Measure in a private sink and print the result as JSON."""
    if os.environ.get("PULSE_SINK") != SINK:
        print(json.dumps({"error": f"run with PULSE_SINK={SINK}"}))
        return 2
    trials = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    print(json.dumps(measure(trials)))
    return 0


def run_in_child(trials: int = 10) -> dict[str, object]:
    """Load the sink, measure in a child process playing into it, unload the sink."""
    try:
        index = load_sink()
    except (OSError, subprocess.SubprocessError) as err:
        return {"error": f"no PulseAudio to play into ({err}); start it as in ARCHITECTURE.md"}
    try:
        env = {**os.environ, "PULSE_SINK": SINK}
        result = subprocess.run([sys.executable, "-m", "benchmarks.speaker_stop", str(trials)],
                                env=env, capture_output=True, text=True, timeout=30 + 2 * trials)
        lines = result.stdout.strip().splitlines()
        if result.returncode != 0 or not lines:
            return {"error": f"speaker measurement failed: {result.stderr.strip()[-300:]}"}
        return dict(json.loads(lines[-1]))
    except subprocess.TimeoutExpired:
        return {"error": "speaker measurement timed out"}
    finally:
        unload_sink(index)


if __name__ == "__main__":
    sys.exit(main())
