"""Speech models: the catalogue, where models are installed, and a checked download.

`download_model` streams the archive with urllib (a progress bar on a terminal), checks its
SHA-256 against the catalogue and unpacks atomically: into a temporary folder beside the
target, then one rename, so a half-unpacked model is never mistaken for a good one.
Offline, it says what failed, where to put a model by hand, and that PocketSphinx (inside
its PyPI wheel) recognizes speech meanwhile.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import tempfile
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import IO

from assistant.core.errors import ModelError
from assistant.core.paths import voice_models_dir

_LOGGER = logging.getLogger(__name__)

DOWNLOAD_BLOCK = 1 << 16
MEANWHILE = "PocketSphinx works meanwhile, with no download"


@dataclass(frozen=True)
class ModelEntry:
    """One downloadable model of the catalogue."""

    name: str
    engine: str
    language: str
    size_mb: float
    url: str
    sha256: str | None
    """SHA-256 of the archive; None where no checksum could be verified."""
    python_package: str | None = None
    """An importable package that carries this model in its `model/` folder, if any."""


def catalogue_text() -> str:
    """The catalogue's JSON (`catalogue.json`, package data beside this module)."""
    return resources.files("assistant.hearing").joinpath("catalogue.json").read_text()


def load_catalogue() -> list[ModelEntry]:
    """Every model the downloader knows."""
    fields = ModelEntry.__dataclass_fields__
    return [
        ModelEntry(**{key: value for key, value in item.items() if key in fields})
        for item in json.loads(catalogue_text())["models"]
    ]


def find_model(name: str) -> ModelEntry:
    """The catalogue entry called `name`; ModelError listing the known names if none."""
    entries = load_catalogue()
    for entry in entries:
        if entry.name == name:
            return entry
    known = ", ".join(entry.name for entry in entries)
    raise ModelError(f"No model called {name!r} in the catalogue; known: {known}")


def is_model_folder(path: Path) -> bool:
    """A folder that looks like an unpacked Vosk model."""
    return path.is_dir() and ((path / "am").is_dir() or (path / "conf").is_dir())


def installed_path(entry: ModelEntry, models_dir: Path | None = None) -> Path | None:
    """Where the model is installed: the models folder, else its Python package; or None."""
    candidate = (models_dir or voice_models_dir()) / entry.name
    if is_model_folder(candidate):
        return candidate
    if entry.python_package:
        spec = importlib.util.find_spec(entry.python_package)
        if spec is not None and spec.origin is not None:
            packaged = Path(spec.origin).parent / "model"
            if is_model_folder(packaged):
                return packaged
    return None


def download_model(
    entry: ModelEntry,
    models_dir: Path | None = None,
    trust_unverified: bool = False,
    show_progress: bool | None = None,
    timeout_s: float = 30.0,
) -> Path:
    """Download, check and unpack `entry` into `models_dir`; returns the model's folder.

    Raises ModelError (one clear line) on network failure, a wrong checksum, a damaged
    archive, or an unverifiable checksum without `trust_unverified`."""
    target_root = models_dir or voice_models_dir()
    target = target_root / entry.name
    if is_model_folder(target):
        return target
    target_root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{entry.name}-", dir=target_root) as work:
        archive = Path(work) / "download.zip"
        digest = _fetch(entry, archive, target_root, show_progress, timeout_s)
        _check_digest(entry, digest, trust_unverified)
        unpacked = _unpack(archive, Path(work) / "unpacked", entry.name)
        try:
            unpacked.rename(target)
        except OSError as err:
            raise ModelError(f"Could not move the model into {target}: {err}") from err
    return target


def _fetch(entry: ModelEntry, archive: Path, target_root: Path, show_progress: bool | None,
           timeout_s: float) -> str:
    """Stream the archive to disk; returns its SHA-256."""
    try:
        with urllib.request.urlopen(entry.url, timeout=timeout_s) as response:
            total = int(response.headers.get("Content-Length") or 0) or None
            with archive.open("wb") as out:
                return _copy_hashing(response, out, total, entry.name, show_progress)
    except urllib.error.HTTPError as err:
        raise ModelError(
            f"Could not download {entry.name} from {entry.url}: the server answered "
            f"{err.code} {err.reason}. {_by_hand(entry, target_root)}"
        ) from err
    except (urllib.error.URLError, OSError, TimeoutError) as err:
        reason = getattr(err, "reason", err)
        raise ModelError(
            f"Could not download {entry.name} from {entry.url} ({reason}). Offline? "
            f"{_by_hand(entry, target_root)}"
        ) from err


def _by_hand(entry: ModelEntry, target_root: Path) -> str:
    return (f"Download the zip elsewhere and unpack it into {target_root / entry.name}; "
            f"{MEANWHILE}")


def _copy_hashing(source: IO[bytes], out: IO[bytes], total: int | None, name: str,
                  show_progress: bool | None) -> str:
    from tqdm import tqdm

    digest = hashlib.sha256()
    with tqdm(total=total, unit="B", unit_scale=True, desc=name,
              disable=None if show_progress is None else not show_progress) as bar:
        while block := source.read(DOWNLOAD_BLOCK):
            digest.update(block)
            out.write(block)
            bar.update(len(block))
    return digest.hexdigest()


def _check_digest(entry: ModelEntry, digest: str, trust_unverified: bool) -> None:
    if entry.sha256 is None:
        print(f"{entry.name}: SHA-256 of the download is {digest}; the catalogue has no "
              "verified checksum to compare it with")
        if not trust_unverified:
            raise ModelError(
                f"{entry.name} has no verified checksum, so it was not installed; compare "
                f"{digest} with a trusted source, then run again with --trust-unverified"
            )
        return
    if digest != entry.sha256.lower():
        raise ModelError(
            f"{entry.name}: the download is damaged or not the expected file (SHA-256 {digest}, "
            f"expected {entry.sha256}); nothing was installed; try again later"
        )


def _unpack(archive: Path, into: Path, name: str) -> Path:
    """Extract the zip; returns the model's folder inside it (the archive's top folder)."""
    try:
        with zipfile.ZipFile(archive) as bundle:
            for member in bundle.namelist():
                # Refuse paths that would escape the folder ("zip slip").
                if Path(member).is_absolute() or ".." in Path(member).parts:
                    raise ModelError(f"{name}: the archive holds an unsafe path {member!r}")
            bundle.extractall(into)
    except (zipfile.BadZipFile, OSError) as err:
        raise ModelError(f"{name}: the downloaded archive is damaged ({err}); try again") from err
    tops = list(into.iterdir())
    folder = tops[0] if len(tops) == 1 and tops[0].is_dir() else into
    if not is_model_folder(folder):
        raise ModelError(f"{name}: the archive does not contain a Vosk model (no am/ or conf/)")
    return folder

