"""Whole sessions through `simulate`: a recording is the microphone, the clock is the audio.

The walker is synthesized by espeak-ng and placed on a timeline; the assistant's voice is
rendered for real and played into the virtual room (and, with an echo gain, back into the
microphone)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from assistant.audio.chunks import mix_at, read_wav, silence, write_wav
from assistant.cli import main
from assistant.core.events import SessionEvent
from assistant.core.names import IMMEDIATE_INTENTS
from assistant.core.paths import shared_data_dir
from assistant.run.simulate import SimulationOptions, SimulationResult, simulate_session
from assistant.run.walker_synth import SpokenPhrase, walker_recording
from assistant.script.loading import load_script, resolve_script
from assistant.script.model import ExerciseScript
from assistant.speaking.espeak import SpeakerStyle

pytestmark = pytest.mark.slow


def simulate(phrases: list[SpokenPhrase], total_s: float, script: str | ExerciseScript = "demo",
             echo_gain: float = 0.0) -> tuple[SimulationResult, list[float]]:
    walker, ends_s = walker_recording(phrases, total_s)
    loaded = load_script(resolve_script(script)) if isinstance(script, str) else script
    result = simulate_session(loaded, walker,
                              SimulationOptions(echo_gain=echo_gain, alerts=False))
    return result, ends_s


def short_emergency(name: str = "demo") -> ExerciseScript:
    """The script with its emergency cut to the shortest allowed (60 s, not 30 min): a dizzy
    walker who never answers ends in one, and the simulation would hear all of it."""
    script = load_script(resolve_script(name))
    return dataclasses.replace(
        script, safety=dataclasses.replace(script.safety, emergency_max_s=60.0))


def of_type(events: list[SessionEvent], kind: str) -> list[SessionEvent]:
    return [e for e in events if e.type == kind]


def first_state(events: list[SessionEvent], state: str) -> SessionEvent:
    return next(e for e in of_type(events, "state") if e.fields["to"] == state)


def test_stop_over_a_cue_cuts_the_cue_and_stops_within_half_a_second() -> None:
    # The greeting plays from t=0 for several seconds; the walker talks over it.
    result, ends_s = simulate([SpokenPhrase(2.0, "stop")], 30.0, echo_gain=0.5)
    stopped = first_state(result.events, "stopped")
    assert stopped.t_s - ends_s[0] <= 0.5
    cut = [e for e in of_type(result.events, "cue") if e.fields["interrupted"]]
    assert cut and cut[0].t_s <= stopped.t_s
    assert cut[0].fields["text"] == of_type(result.events, "cue")[0].fields["text"]


def test_i_feel_dizzy_reaches_the_safety_pause() -> None:
    result, ends_s = simulate([SpokenPhrase(40.0, "I feel dizzy",
                                            SpeakerStyle("en-us+f2", 150, 50))], 60.0,
                              script=short_emergency())
    pause = first_state(result.events, "safety_pause")
    # Safety acts on partial results: it may come before the last sound has died away.
    assert 40.0 < pause.t_s <= ends_s[0] + 1.0
    assert result.summary.safety_events >= 1


def test_the_assistant_does_not_obey_its_own_voice_over_a_whole_session() -> None:
    # The walker says only "I'm ready", after the support question; everything else the
    # microphone hears is the assistant itself, at half level.
    script = load_script(resolve_script("demo"))
    # The probe only finds when the question is first asked: re-asking it changes nothing
    # before then, and would add a minute of unanswered session to hear.
    asked_once = dataclasses.replace(
        script, support_check=dataclasses.replace(script.support_check, max_reprompts=0))
    probe, _ = simulate([], 40.0, script=asked_once, echo_gain=0.5)
    question_at = next(e.t_s for e in of_type(probe.events, "cue")
                       if e.fields["text"] == script.support_check.question)
    ready_at = question_at + 6.0
    result, ends_s = simulate([SpokenPhrase(ready_at, "I'm ready")], ready_at + 10,
                              echo_gain=0.5)
    assert result.summary.completed
    intents = of_type(result.events, "intent")
    assert [e.fields["intent"] for e in intents] == ["ready"]
    assert ready_at < intents[0].t_s <= ends_s[0] + 1.5


def test_household_noise_alone_raises_no_intent_that_could_restart_walking() -> None:
    data = shared_data_dir()
    if data is None:
        pytest.skip("the shared recordings (../shared/data) are not here")
    noise_files = sorted((data / "noise").glob("*.wav"))
    assert noise_files
    noise = np.concatenate([read_wav(path)[: 16_000 * 40] for path in noise_files])
    walker = mix_at(silence(len(noise) / 16_000), noise, 0.0)
    result = simulate_session(load_script(resolve_script("demo")), walker,
                              SimulationOptions(echo_gain=0.3, alerts=False))
    intents = [e.fields["intent"] for e in of_type(result.events, "intent")]
    # Clatter has no voice in it, so no yes, ready, continue... (docs/recognition.md). A
    # false safety intent is safe, and still rare: at most one per minute of noise.
    assert [name for name in intents if name not in IMMEDIATE_INTENTS] == []
    assert len(intents) <= len(noise) / 16_000 / 60


def test_simulate_command_writes_log_and_room_audio_the_same_every_time(tmp_path: Path) -> None:
    walker, _ = walker_recording([SpokenPhrase(3.0, "stop"), SpokenPhrase(12.0, "end")], 20.0)
    user_wav = tmp_path / "user.wav"
    write_wav(user_wav, walker)
    logs = []
    for run in ("a", "b"):
        log, out = tmp_path / f"{run}.jsonl", tmp_path / f"{run}.wav"
        assert main(["simulate", "--audio-in", str(user_wav), "--script", "demo", "--log",
                     str(log), "--audio-out", str(out), "--echo-gain", "0.3"]) == 0
        logs.append(log.read_text())
        room = read_wav(out)
        assert len(room) >= len(walker)
    assert logs[0] == logs[1]
    records = [json.loads(line) for line in logs[0].splitlines()]
    assert {"t", "type"} <= set(records[0])
    assert [r["to"] for r in records if r["type"] == "state"][-1] == "done"
