"""The audio of the echo benchmark: the default script's cues in the product's own voice,
the walker's "stop" (real people and espeak-ng voices) and household noise."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from assistant.audio.chunks import Samples, read_wav
from assistant.core.paths import shared_data_dir
from assistant.script.loading import default_script_path, load_script
from assistant.speaking.espeak import SpeakerStyle, synthesize
from assistant.speaking.voice import make_renderer
from benchmarks.echo_room import Floats

#: Walker voices unlike the cue voice (eSpeak NG's default), MBROLA among them.
WALKER_VOICES = (SpeakerStyle("en-gb+m3", 140, 35), SpeakerStyle("en-us+f3", 150, 65),
                 SpeakerStyle("mb-us1", 140, 50), SpeakerStyle("en-gb-scotland+m1", 130, 45))
NOISES = ("doing_the_dishes", "exercise_bike", "running_tap")


def script_cues(cache_dir: Path | None = None) -> tuple[list[tuple[str, Samples]], str]:
    """Every distinct cue of scripts/default.yaml, rendered as a live session renders them
    (`make_renderer` with the script's voice settings); and the voice's description."""
    script = load_script(default_script_path())
    with tempfile.TemporaryDirectory() as scratch:
        renderer = make_renderer(script.voice, cache_dir or Path(scratch))
        texts = list(dict.fromkeys(script.cue_texts()))
        cues = [(text, renderer.render(text, script.voice.rate_wpm, script.voice.volume).samples)
                for text in texts]
        return cues, renderer.description


def real_stops(count: int, seed: int) -> list[tuple[str, Samples]]:
    """`count` Speech Commands "stop" clips, one per speaker, chosen with `seed`, trimmed."""
    shared = shared_data_dir()
    folder = shared / "speech_commands" / "stop" if shared else None
    if folder is None or not folder.is_dir():
        print("  ../shared/data/speech_commands/stop is absent: espeak-ng stops only")
        return []
    by_speaker: dict[str, Path] = {}
    for path in sorted(folder.glob("*.wav")):
        by_speaker.setdefault(path.name.split("_")[0], path)
    speakers = sorted(by_speaker)
    chosen = np.random.default_rng(seed).permutation(len(speakers))[:count]
    return [(f"real:{speakers[i]}", trim_word(read_wav(by_speaker[speakers[i]])))
            for i in sorted(chosen)]


def synthetic_stops() -> list[tuple[str, Samples]]:
    """"stop" in each walker voice (espeak-ng, MBROLA through espeak-ng)."""
    return [(f"espeak:{style.voice}", synthesize("stop", style)) for style in WALKER_VOICES]


def trim_word(samples: Samples, margin: int = 800) -> Samples:
    """A clip cut to its word: 10 ms frames within 30 dB of the loudest, plus a margin."""
    frames = samples[: len(samples) // 160 * 160].astype(np.float64).reshape(-1, 160)
    energy = np.mean(frames**2, axis=1)
    loud = np.flatnonzero(energy >= energy.max() * 1e-3)
    if len(loud) == 0:
        return samples
    low, high = max(loud[0] * 160 - margin, 0), min((loud[-1] + 1) * 160 + margin, len(samples))
    return samples[low:high]


def household_noise(name: str) -> Floats | None:
    """One of the shared real noise recordings, or None where they are absent."""
    shared = shared_data_dir()
    path = shared / "noise" / f"{name}.wav" if shared else None
    if path is None or not path.is_file():
        print(f"  ../shared/data/noise/{name}.wav is absent: microphone self-noise only")
        return None
    return read_wav(path).astype(np.float64)
