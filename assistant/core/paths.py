"""Where RetroWalk keeps its files: speech models, the history database, shared test data.

Environment variables override each place, so tests and caregivers can point elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

_PACKAGE_DIR = Path(__file__).resolve().parents[1]
#: The source checkout's top folder, when running from one (None after a plain install).
SOURCE_ROOT: Path | None = (
    _PACKAGE_DIR.parent if (_PACKAGE_DIR.parent / "pyproject.toml").is_file() else None
)


def data_dir() -> Path:
    """The user's RetroWalk data folder (history database, downloaded models, reports)."""
    override = os.environ.get("RETROWALK_DATA_DIR")
    return Path(override) if override else Path(platformdirs.user_data_dir("retrowalk"))


def voice_models_dir() -> Path:
    """Where speech models are looked for and downloaded to.

    `RETROWALK_MODELS_DIR`, else `voice_models/` of a source checkout, else the data folder's
    `voice_models/`."""
    override = os.environ.get("RETROWALK_MODELS_DIR")
    if override:
        return Path(override)
    if SOURCE_ROOT is not None:
        return SOURCE_ROOT / "voice_models"
    return data_dir() / "voice_models"


def shared_data_dir() -> Path | None:
    """The real recordings for tests and benchmarks (`RETROWALK_SHARED_DATA`, else
    `../shared/data` beside the checkout); None where they are absent."""
    override = os.environ.get("RETROWALK_SHARED_DATA")
    candidate = Path(override) if override else (
        SOURCE_ROOT.parent / "shared" / "data" if SOURCE_ROOT else None
    )
    return candidate if candidate is not None and candidate.is_dir() else None
