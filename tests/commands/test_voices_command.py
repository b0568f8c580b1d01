"""`retrowalk voices` (the list, a sample written to a file) and `retrowalk check` refusing a
voice that is not installed, with its position."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import soundfile

from assistant.cli import main
from assistant.script.loading import default_script_path
from assistant.speaking.catalogue import LICENCES, default_voice, installed_voices

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng missing")


def _script_with_voice(tmp_path: Path, voice: str) -> tuple[Path, int, int]:
    """The default script with `voice:` set; the file and the value's line and column."""
    lines = default_script_path().read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if line.startswith("  voice:"))
    lines[number] = f"  voice: {voice}"
    path = tmp_path / "voice.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, number + 1, len("  voice: ") + 1


def test_voices_lists_at_least_three_with_licences_and_the_default(capsys) -> None:
    assert main(["voices"]) == 0
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines()[1:] if line.startswith(("* ", "  "))]
    licensed = [row for row in rows if any(licence in row for licence, _ in LICENCES.values())]
    assert len(licensed) >= 3
    defaults = [row for row in rows if row.startswith("*")]
    default = default_voice()
    assert default is not None and default.free_for_any_use
    assert len(defaults) == 1 and defaults[0].startswith(f"* {default.name} ")
    assert "the default" in defaults[0] and default.licence in defaults[0]


def test_voices_shows_every_engine_installed_here(capsys) -> None:
    main(["voices"])
    out = capsys.readouterr().out
    for voice in installed_voices():
        if voice.language.lower().startswith("en"):
            assert re.search(rf"^[* ] {re.escape(voice.name)} .*{re.escape(voice.licence)}",
                             out, re.MULTILINE), voice.name


def test_voices_says_mbrola_is_never_the_default(capsys) -> None:
    main(["voices"])
    assert "never be the default" in capsys.readouterr().out


@pytest.mark.parametrize("name", ["en-us", *(v.name for v in installed_voices()
                                              if v.engine != "eSpeak NG" and "en" in v.name)])
def test_a_sample_is_written_to_a_wav_file(tmp_path: Path, name: str, capsys) -> None:
    out = tmp_path / "sample.wav"
    assert main(["voices", "--say", name, "--out", str(out)]) == 0
    samples, rate_hz = soundfile.read(out, dtype="int16")
    assert rate_hz == 16_000 and samples.ndim == 1 and len(samples) > rate_hz
    assert f"Written to {out}" in capsys.readouterr().out


def test_a_sample_in_a_voice_not_installed_is_refused(tmp_path: Path, capsys) -> None:
    out = tmp_path / "sample.wav"
    assert main(["voices", "--say", "pico:xx-XX", "--out", str(out)]) == 5
    assert "names no voice installed here" in capsys.readouterr().err
    assert not out.exists()


def test_check_rejects_a_voice_not_installed_with_its_position(tmp_path: Path, capsys) -> None:
    path, line, column = _script_with_voice(tmp_path, "pico:en-AU")
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:{line}:{column}: error: voice.voice: \"pico:en-AU\" names no voice " in err
    assert "retrowalk voices" in err


@pytest.mark.parametrize("voice", ["en-us+f3", *(v.name for v in installed_voices()
                                                 if v.engine != "eSpeak NG")][:4])
def test_check_accepts_an_installed_voice(tmp_path: Path, voice: str, capsys) -> None:
    path, _, _ = _script_with_voice(tmp_path, f'"{voice}"')
    assert main(["check", str(path)]) == 0
    assert "error" not in capsys.readouterr().err
