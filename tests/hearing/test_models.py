"""Model catalogue and download, against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import http.server
import socket
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.cli import main
from assistant.core.errors import ModelError
from assistant.hearing.models import (
    ModelEntry,
    download_model,
    find_model,
    installed_path,
    is_model_folder,
    load_catalogue,
)

NAME = "vosk-model-tiny-test-0.1"


def _build_model_zip(folder: Path, name: str = NAME) -> Path:
    """A small zip shaped like a Vosk model archive: one top folder with am/ and conf/."""
    archive = folder / f"{name}.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr(f"{name}/am/final.mdl", b"\x00" * 50_000)
        bundle.writestr(f"{name}/conf/model.conf", "--sample-frequency=16000\n")
        bundle.writestr(f"{name}/README", "a test model\n")
    return archive


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib's name
        pass


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A real HTTP server on 127.0.0.1 serving the test archive; yields (zip, base URL)."""
    site = tmp_path / "site"
    site.mkdir()
    archive = _build_model_zip(site)
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield archive, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _entry(url: str, sha256: str | None) -> ModelEntry:
    return ModelEntry(NAME, "vosk", "en-US", 0.1, url, sha256)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_download_with_right_checksum_installs(served, tmp_path: Path) -> None:
    archive, base = served
    models = tmp_path / "models"
    path = download_model(_entry(f"{base}/{archive.name}", _sha256(archive)), models,
                          show_progress=False)
    assert path == models / NAME
    assert is_model_folder(path) and (path / "conf" / "model.conf").is_file()
    # Nothing but the model is left behind: the temporary folder went away.
    assert [p.name for p in models.iterdir()] == [NAME]


def test_wrong_checksum_installs_nothing(served, tmp_path: Path) -> None:
    archive, base = served
    models = tmp_path / "models"
    with pytest.raises(ModelError, match="damaged or not the expected file.*nothing was installed"):
        download_model(_entry(f"{base}/{archive.name}", "0" * 64), models, show_progress=False)
    assert list(models.iterdir()) == []


def test_unverified_checksum_needs_trust(served, tmp_path: Path, capsys) -> None:
    archive, base = served
    models = tmp_path / "models"
    entry = _entry(f"{base}/{archive.name}", None)
    with pytest.raises(ModelError, match="--trust-unverified"):
        download_model(entry, models, show_progress=False)
    assert _sha256(archive) in capsys.readouterr().out  # the hash to compare, printed
    assert list(models.iterdir()) == []
    assert is_model_folder(download_model(entry, models, trust_unverified=True,
                                          show_progress=False))


def test_unreachable_server_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    entry = _entry(f"http://127.0.0.1:{port}/{NAME}.zip", "0" * 64)
    with pytest.raises(ModelError) as caught:
        download_model(entry, tmp_path / "models", show_progress=False, timeout_s=5)
    message = str(caught.value)
    assert "Could not download" in message and str(tmp_path / "models") in message
    assert "PocketSphinx works meanwhile" in message


def test_missing_file_on_the_server_is_a_clear_error(served, tmp_path: Path) -> None:
    _, base = served
    with pytest.raises(ModelError, match="Could not download.*answered 404"):
        download_model(_entry(f"{base}/nothing.zip", "0" * 64), tmp_path, show_progress=False)


def test_archive_without_a_model_is_refused(served, tmp_path: Path) -> None:
    archive, base = served
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("notes.txt", "not a model")
    entry = _entry(f"{base}/{archive.name}", _sha256(archive))
    with pytest.raises(ModelError, match="does not contain a Vosk model"):
        download_model(entry, tmp_path / "models", show_progress=False)
    assert not (tmp_path / "models" / NAME).exists()


def test_catalogue_has_the_english_and_korean_models() -> None:
    names = {entry.name: entry for entry in load_catalogue()}
    english = names["vosk-model-small-en-us-0.15"]
    assert english.url.startswith("https://alphacephei.com/")
    assert english.sha256 is not None and len(english.sha256) == 64
    assert names["vosk-model-small-ko-0.22"].language == "ko"
    with pytest.raises(ModelError, match="known: vosk-model-small-en-us-0.15"):
        find_model("vosk-model-large")


def test_models_list_shows_where_models_are(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("RETROWALK_MODELS_DIR", str(tmp_path))
    english = find_model("vosk-model-small-en-us-0.15")
    (tmp_path / english.name / "am").mkdir(parents=True)
    assert main(["models", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    english_line = next(line for line in lines if line.startswith(english.name))
    assert "en-US" in english_line and "40 MB" in english_line
    assert f"installed in {tmp_path / english.name}" in english_line
    assert installed_path(dataclasses.replace(english, name="vosk-model-absent")) is None


def test_models_download_command_installs(served, tmp_path: Path, monkeypatch, capsys) -> None:
    archive, base = served
    entry = _entry(f"{base}/{archive.name}", _sha256(archive))
    monkeypatch.setattr("assistant.commands.models.find_model", lambda name: entry)
    assert main(["models", "download", NAME, "--dir", str(tmp_path / "m"), "--quiet"]) == 0
    assert f"installed in {tmp_path / 'm' / NAME}" in capsys.readouterr().out


def test_models_download_offline_exits_with_one_line(tmp_path: Path, monkeypatch, capsys) -> None:
    entry = _entry("http://127.0.0.1:9/none.zip", "0" * 64)
    monkeypatch.setattr("assistant.commands.models.find_model", lambda name: entry)
    assert main(["models", "download", NAME, "--dir", str(tmp_path), "--quiet"]) == 4
    error = capsys.readouterr().err
    assert error.startswith("retrowalk: error: Could not download") and "Traceback" not in error
