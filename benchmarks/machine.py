"""The machine a benchmark ran on: CPU, cores, memory, Python and library versions, date."""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

LIBRARIES = ("numpy", "pocketsphinx", "vosk", "soxr", "pyttsx3", "sounddevice", "tqdm")


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo (platform.processor() is empty on Linux)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def memory_gb() -> float | None:
    """Total memory in GB from /proc/meminfo."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return None


def espeak_version() -> str | None:
    try:
        result = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True,
                                timeout=10, check=False)
    except OSError:
        return None
    return result.stdout.strip() or None


def code_version() -> dict[str, object]:
    """The commit measured, and the files of assistant/ changed since it (work in progress)."""
    root = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, text=True,
                              capture_output=True, timeout=10, check=False).stdout.strip()
        changed = subprocess.run(["git", "status", "--porcelain", "--", "assistant"], cwd=root,
                                 text=True, capture_output=True, timeout=10,
                                 check=False).stdout.splitlines()
    except OSError:
        return {"commit": None, "changed": []}
    return {"commit": head or None, "changed": [line[3:] for line in changed]}


def describe_machine() -> dict[str, object]:
    """Everything that makes the figures comparable with another run."""
    versions: dict[str, str | None] = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu_model(), "cores": os.cpu_count(), "memory_gb": memory_gb(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(), "libraries": versions,
        "espeak_ng": espeak_version(), "code": code_version(),
    }
