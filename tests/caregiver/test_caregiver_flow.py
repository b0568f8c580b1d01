"""The caregiver's side end to end: a simulated session in which the walker says "I feel
dizzy" and then no more alerts the caregiver by webhook (a real HTTP server on 127.0.0.1),
and shows in `retrowalk history` and in the report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.audio.chunks import write_wav
from assistant.cli import main
from assistant.run.walker_synth import SpokenPhrase, walker_recording
from assistant.script.loading import default_script_path
from assistant.speaking.espeak import SpeakerStyle
from tests.helpers.http_receiver import HttpReceiver

pytestmark = pytest.mark.slow

VOICE = SpeakerStyle("en-us+f2", 150, 50)


def demo_script_with_webhook(folder: Path, url: str) -> Path:
    """The bundled demo script, alerting `url`, with an emergency that ends within a minute
    and the shortest dizzy rest and check-in wait (the walker never answers: longer ones only
    add silence to hear)."""
    text = (default_script_path().parent / "demo.yaml").read_text()
    quick_emergency = "safety:\n  emergency_repeat_s: 30\n  emergency_max_s: 60\n"
    text = text.replace("safety:\n", quick_emergency, 1)
    for slow, quick in (("dizzy_rest_s: 15", "dizzy_rest_s: 10"),
                        ("check_in_timeout_s: 15", "check_in_timeout_s: 5")):
        assert slow in text
        text = text.replace(slow, quick)
    text += f"\nalerts:\n  channels:\n    - type: webhook\n      url: {url}\n"
    path = folder / "margaret.yaml"
    path.write_text(text)
    assert main(["check", str(path)]) == 0
    return path


def test_dizzy_without_an_answer_alerts_and_shows_in_history_and_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Ready after the support question (about 22-26 s), dizzy in the first walk, then silence.
    walker, _ = walker_recording(
        [SpokenPhrase(27.0, "I'm ready", VOICE), SpokenPhrase(34.0, "I feel dizzy", VOICE)],
        40.0,
    )
    audio_in = tmp_path / "walker.wav"
    write_wav(audio_in, walker)
    db, log = tmp_path / "history.sqlite3", tmp_path / "session.jsonl"
    with HttpReceiver() as receiver:
        script = demo_script_with_webhook(tmp_path, receiver.url)
        assert main(["simulate", "--audio-in", str(audio_in), "--script", str(script),
                     "--db", str(db), "--log", str(log), "--send-alerts"]) == 0
    kinds = [body["kind"] for body in receiver.bodies]
    assert kinds and kinds[0] == "dizzy_no_answer"
    first = receiver.bodies[0]
    assert first["walker"] == "Margaret"
    assert "dizzy" in first["message"]
    assert '"type": "alert"' in log.read_text()

    capsys.readouterr()
    assert main(["history", "--db", str(db)]) == 0
    history = capsys.readouterr().out
    row = next(line for line in history.splitlines() if "Demo" in line)
    assert row.split()[-1] != "0"  # the safety events column counts the dizziness

    report_dir = tmp_path / "report"
    assert main(["report", "--db", str(db), "--out", str(report_dir)]) == 0
    page = (report_dir / "index.html").read_text()
    assert "said they felt dizzy" in page  # the session's safety event is listed
    assert all((report_dir / name).stat().st_size > 0
               for name in ("minutes_per_day.png", "completion.png", "safety.png"))


def test_a_simulation_sends_no_alert_without_send_alerts(tmp_path: Path) -> None:
    walker, _ = walker_recording(
        [SpokenPhrase(27.0, "I'm ready", VOICE), SpokenPhrase(34.0, "I feel dizzy", VOICE)],
        40.0,
    )
    audio_in, log = tmp_path / "walker.wav", tmp_path / "session.jsonl"
    write_wav(audio_in, walker)
    with HttpReceiver() as receiver:
        script = demo_script_with_webhook(tmp_path, receiver.url)
        assert main(["simulate", "--audio-in", str(audio_in), "--script", str(script),
                     "--log", str(log)]) == 0
    assert receiver.bodies == []
    records = [json.loads(line) for line in log.read_text().splitlines()]
    alerts = [r for r in records if r["type"] == "alert"]
    assert alerts and all(r["simulated"] is True for r in alerts)
    assert alerts[0]["kind"] == "dizzy_no_answer"


def test_with_send_alerts_and_no_reachable_caregiver_the_walker_is_told_the_same_every_time(
    tmp_path: Path,
) -> None:
    from tests.helpers.http_receiver import closed_port_url

    walker, _ = walker_recording(
        [SpokenPhrase(27.0, "I'm ready", VOICE), SpokenPhrase(34.0, "I feel dizzy", VOICE)],
        40.0,
    )
    audio_in = tmp_path / "walker.wav"
    write_wav(audio_in, walker)
    script = demo_script_with_webhook(tmp_path, closed_port_url())
    logs = []
    for run in (1, 2):
        log = tmp_path / f"session{run}.jsonl"
        assert main(["simulate", "--audio-in", str(audio_in), "--script", str(script),
                     "--log", str(log), "--send-alerts"]) == 0
        logs.append(log.read_text())
    assert logs[0] == logs[1], "real alert attempts land at the same simulated times"
    records = [json.loads(line) for line in logs[0].splitlines()]
    alerts = [r for r in records if r["type"] == "alert"]
    assert alerts and not any(r["ok"] or r["simulated"] for r in alerts)
    said = [r["text"] for r in records if r["type"] == "cue"]
    unreached = "I could not reach your caregiver. Call someone, or press your emergency button."
    assert said.count(unreached) >= 1
    assert "Help is being called" not in " ".join(said[said.index(unreached):])
