"""This machine's programs without pico2wave: the fallback to eSpeak NG, for real."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.speaking import catalogue

#: For tests of SVOX Pico itself; everything else falls back to eSpeak NG without it.
needs_pico = pytest.mark.skipif(
    shutil.which("pico2wave") is None,
    reason="SVOX Pico not installed (.ci/setup installs libttspico-utils where offered)")


def path_without(program: str, folder: Path) -> str:
    """A PATH that finds every program the current PATH finds, except `program`.

    Each program is linked into `folder` (one folder: /usr/bin holds pico2wave beside
    espeak-ng, python and the rest)."""
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        if not os.path.isdir(directory):
            continue
        for entry in os.scandir(directory):
            target = folder / entry.name
            if entry.name != program and not target.exists() and os.access(entry.path, os.X_OK):
                target.symlink_to(entry.path)
    return str(folder)


@pytest.fixture
def without_pico(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """PATH lacks pico2wave during the test, and the catalogue asks the engines afresh
    (before and after: it asks once per process)."""
    path = path_without("pico2wave", tmp_path_factory.mktemp("path-without-pico"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PATH", path)
        assert shutil.which("pico2wave") is None
        catalogue._installed.cache_clear()
        try:
            yield path
        finally:
            catalogue._installed.cache_clear()


@pytest.fixture
def broken_pico(tmp_path: Path) -> Iterator[Path]:
    """A pico2wave that is installed but fails (as with its language files damaged): first
    on PATH during the test, the catalogue asked afresh."""
    program = tmp_path / "broken-bin" / "pico2wave"
    program.parent.mkdir()
    program.write_text("#!/bin/sh\necho 'Cannot load resource file' >&2\nexit 1\n")
    program.chmod(0o755)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PATH", f"{program.parent}{os.pathsep}{os.environ.get('PATH', '')}")
        catalogue._installed.cache_clear()
        try:
            yield program
        finally:
            catalogue._installed.cache_clear()
