"""Recordings of any common format for `listen` and `simulate`: real people's "stop" from the
shared recordings, written by soundfile (libsndfile) as a 32-bit float WAV, FLAC, OGG and
MP3 at 44.1 kHz stereo, is heard as from the 16-bit PCM original; unreadable files and
unwritable outputs are one clear line, before any work is done."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile

from assistant.audio.chunks import mix_at, read_audio, resample, silence
from assistant.cli import main
from assistant.core.paths import shared_data_dir

#: Three people's "stop" (Speech Commands test clips), placed 2.5 s apart.
CLIPS = ["022cd682_nohash_0.wav", "0cb74144_nohash_0.wav", "0fa1e7a9_nohash_0.wav"]
#: File name and soundfile's subtype (None: the format's default, Vorbis for OGG).
FORMATS = {"pcm16.wav": "PCM_16", "float.wav": "FLOAT", "speech.flac": None,
           "speech.ogg": None, "speech.mp3": None}
RATE_HZ = 44_100


@pytest.fixture(scope="module")
def recordings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    data = shared_data_dir()
    if data is None:
        pytest.skip("shared recordings absent: set RETROWALK_SHARED_DATA to ../shared/data")
    walker = silence(8.0)
    for number, clip in enumerate(CLIPS):
        walker = mix_at(walker, read_audio(data / "speech_commands" / "stop" / clip),
                        0.5 + 2.5 * number)
    mono = resample(walker, 16_000, RATE_HZ).astype(np.float32) / 32768.0
    stereo = np.stack([mono, mono], axis=1)
    folder = tmp_path_factory.mktemp("recordings")
    paths = {}
    for name, subtype in FORMATS.items():
        paths[name] = folder / name
        soundfile.write(paths[name], stereo, RATE_HZ, subtype=subtype)
    return paths


def listened_intents(path: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    assert main(["listen", "--audio-in", str(path), "--engine", "pocketsphinx"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line]
    return [r["intent"] for r in records if r["type"] == "intent"]


def test_the_files_are_what_their_names_say(recordings: dict[str, Path]) -> None:
    info = {name: soundfile.info(str(path)) for name, path in recordings.items()}
    assert info["float.wav"].subtype == "FLOAT"
    assert [info[n].format for n in ("speech.flac", "speech.ogg", "speech.mp3")] == [
        "FLAC", "OGG", "MP3"]
    assert all(i.samplerate == RATE_HZ and i.channels == 2 for i in info.values())


@pytest.mark.parametrize("name", [name for name in FORMATS if name != "pcm16.wav"])
def test_listen_hears_stop_in_every_format_as_in_the_pcm_original(
    recordings: dict[str, Path], name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    original = listened_intents(recordings["pcm16.wav"], capsys)
    assert "stop" in original
    assert listened_intents(recordings[name], capsys) == original


@pytest.mark.parametrize("content", [b"", b"hello, this is text\n"])
def test_an_unreadable_file_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes
) -> None:
    path = tmp_path / "walker.mp3"
    path.write_bytes(content)
    assert main(["listen", "--audio-in", str(path)]) == 3
    error = capsys.readouterr().err.strip()
    assert "\n" not in error and str(path) in error and "WAV, FLAC, OGG or MP3" in error


def test_simulate_refuses_an_unwritable_audio_out_before_it_starts(
    recordings: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["simulate", "--audio-in", str(recordings["speech.flac"]),
                 "--audio-out", "/proc/retrowalk-session.wav", "--log", "/dev/null"])
    captured = capsys.readouterr()
    assert code != 0 and "cannot write /proc/retrowalk-session.wav" in captured.err
    assert "\n" not in captured.err.strip() and "Session" not in captured.err


@pytest.mark.slow
def test_simulate_takes_an_mp3_walker(
    recordings: dict[str, Path], tmp_path: Path
) -> None:
    log, out = tmp_path / "session.jsonl", tmp_path / "room.wav"
    assert main(["simulate", "--audio-in", str(recordings["speech.mp3"]), "--script", "demo",
                 "--engine", "pocketsphinx", "--log", str(log), "--audio-out", str(out)]) == 0
    records = [json.loads(line) for line in log.read_text().splitlines()]
    assert "stop" in [r.get("intent") for r in records if r["type"] == "intent"]
    assert len(read_audio(out)) / 16_000 >= 8.0
