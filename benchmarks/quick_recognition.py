"""Quick recognition figures on real people and synthesized voices (re-runnable).

    .venv/bin/python benchmarks/quick_recognition.py --clips 40 --kathleen 60 --snr 10 5

Prints, for the chosen engine and settings: recall of stop/yes/no per word (clean and with
household noise mixed at each SNR), the share of non-command clips (go, up, off, other
words) that fire an intent, false safety / resuming activations per hour of read speech,
and the latency of "stop" after the word's end on synthesized voices. Samples are drawn at
random with a fixed seed; the data is the shared folder (RETROWALK_SHARED_DATA).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
from pathlib import Path

import numpy as np

from assistant.audio.chunks import Samples, read_wav
from assistant.core.names import IMMEDIATE_INTENTS, RESUMING_INTENTS
from assistant.core.paths import shared_data_dir
from assistant.hearing.decider import DecisionSettings
from assistant.hearing.recognizers.pocketsphinx_engine import PocketSphinxSettings
from assistant.run.listening import listen_samples
from assistant.run.walker_synth import SpokenPhrase, walker_recording
from assistant.speaking.espeak import SpeakerStyle

COMMANDS = ("stop", "yes", "no")
NON_COMMANDS = ("go", "up", "off", "_unknown_")
VOICES = (SpeakerStyle("en-us", 140), SpeakerStyle("en-gb+f3", 120),
          SpeakerStyle("en-us+m3", 170, 40), SpeakerStyle("en+f4", 110, 70))


#: The decision settings under test (set from the command line).
DECISIONS = DecisionSettings()


def intents_of(samples: Samples, recognizer: object) -> list[tuple[str, float]]:
    """(intent, time) of every intent event for these samples."""
    events = listen_samples(samples, recognizer=recognizer,  # type: ignore[arg-type]
                            settings=DECISIONS)
    return [(str(e.fields["intent"]), e.t_s) for e in events if e.type == "intent"]


def mix_noise(speech: Samples, noise: Samples, snr_db: float, rng: random.Random) -> Samples:
    """Speech plus a random stretch of noise scaled to `snr_db` (power of the whole clip)."""
    start = rng.randrange(0, len(noise) - len(speech))
    piece = noise[start : start + len(speech)].astype(np.float64)
    speech_power = float(np.mean(speech.astype(np.float64) ** 2)) or 1.0
    noise_power = float(np.mean(piece**2)) or 1.0
    gain = np.sqrt(speech_power / (noise_power * 10 ** (snr_db / 10)))
    return np.clip(speech + piece * gain, -32768, 32767).astype(np.int16)


def sample_clips(data: Path, word: str, count: int, rng: random.Random) -> list[Samples]:
    files = sorted((data / "speech_commands" / word).glob("*.wav"))
    return [read_wav(f) for f in rng.sample(files, min(count, len(files)))]


def report_words(data: Path, recognizer: object, args: argparse.Namespace) -> None:
    rng = random.Random(7)
    noises = [read_wav(f) for f in sorted((data / "noise").glob("*.wav"))]
    for word in COMMANDS + NON_COMMANDS:
        clips = sample_clips(data, word, args.clips, rng)
        for snr in [None, *args.snr]:
            mixed = clips if snr is None else [mix_noise(c, rng.choice(noises), snr, rng)
                                                for c in clips]
            found = [{name for name, _ in intents_of(c, recognizer)} for c in mixed]
            label = "clean" if snr is None else f"{snr:g} dB"
            if word in COMMANDS:
                hits = sum(word in names for names in found)
                share = hits / len(found)
                print(f"recall   {word:9s} {label:6s} {hits}/{len(found)} = {share:.2f}")
            else:
                fired = sum(bool(names) for names in found)
                safety = sum(bool(names & set(IMMEDIATE_INTENTS)) for names in found)
                print(f"false    {word:9s} {label:6s} any intent {fired}/{len(found)}, "
                      f"safety {safety}/{len(found)}")


def report_read_speech(data: Path, recognizer: object, count: int) -> None:
    files = sorted((data / "kathleen" / "wav16k").glob("*.wav"))
    chosen = random.Random(11).sample(files, min(count, len(files)))
    seconds = safety = resuming = 0.0
    for path in chosen:
        samples = read_wav(path)
        seconds += len(samples) / 16000
        for name, _ in intents_of(samples, recognizer):
            safety += name in IMMEDIATE_INTENTS
            resuming += name in RESUMING_INTENTS
    hours = seconds / 3600
    print(f"read speech {seconds / 60:.1f} min: safety {safety:.0f} ({safety / hours:.1f}/h), "
          f"resuming {resuming:.0f} ({resuming / hours:.1f}/h)")


def report_latency(recognizer: object) -> None:
    latencies_ms: list[float] = []
    for style in VOICES:
        samples, ends = walker_recording([SpokenPhrase(1.0, "stop", style)], 3.0)
        stops = [t for name, t in intents_of(samples, recognizer) if name == "stop"]
        if stops:
            latencies_ms.append((stops[0] - ends[0]) * 1000)
    print(f"stop latency after word end (ms, {len(latencies_ms)}/{len(VOICES)} voices heard): "
          f"p50 {statistics.median(latencies_ms) if latencies_ms else float('nan'):.0f}, "
          f"all {[round(x) for x in latencies_ms]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="pocketsphinx")
    parser.add_argument("--clips", type=int, default=30, help="clips per word")
    parser.add_argument("--kathleen", type=int, default=60, help="read sentences")
    parser.add_argument("--snr", type=float, nargs="*", default=[10.0, 5.0])
    parser.add_argument("--filler-words", type=int, default=PocketSphinxSettings.filler_words)
    parser.add_argument("--filler-weight", type=float,
                        default=PocketSphinxSettings.filler_weight)
    parser.add_argument("--max-extra-words", type=int, default=DecisionSettings.max_extra_words)
    args = parser.parse_args()
    global DECISIONS
    DECISIONS = DecisionSettings(max_extra_words=args.max_extra_words)
    data = shared_data_dir()
    if data is None:
        print("no shared data (set RETROWALK_SHARED_DATA)", file=sys.stderr)
        return 2
    recognizer = make(args)
    report_latency(recognizer)
    report_words(data, recognizer, args)
    report_read_speech(data, recognizer, args.kathleen)
    return 0


def make(args: argparse.Namespace) -> object:
    if args.engine == "pocketsphinx":
        from assistant.core.intents import load_phrase_table
        from assistant.hearing.recognizers.pocketsphinx_engine import PocketSphinxRecognizer

        settings = PocketSphinxSettings(filler_words=args.filler_words,
                                        filler_weight=args.filler_weight)
        return PocketSphinxRecognizer(load_phrase_table("en"), settings)
    from assistant.hearing.recognizers.select import make_recognizer

    return make_recognizer(args.engine)


if __name__ == "__main__":
    raise SystemExit(main())
