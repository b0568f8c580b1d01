"""retrowalk models list | download NAME: the speech models, installed or downloadable.

`list` shows each catalogue model's language, size, and where it is installed;
`download NAME [--dir D]` fetches it, checks its SHA-256 and unpacks it atomically.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from assistant.core.paths import voice_models_dir
from assistant.hearing.models import download_model, find_model, installed_path, load_catalogue


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """The `models` command and its `list` and `download` subcommands."""
    parser = subparsers.add_parser(
        "models", help="list or download speech models",
        description="The speech models RetroWalk can listen with. 'retrowalk models' or "
        "'retrowalk models list' shows them; 'retrowalk models download NAME' installs one. "
        "PocketSphinx's English model comes with RetroWalk: no download is needed to start.")
    actions = parser.add_subparsers(dest="models_action", metavar="ACTION")
    actions.add_parser(
        "list", help="the known models, and which are installed where",
        description="Show each known speech model: its name (for 'models download'), "
        "language, size, and whether and where it is installed.")
    download = actions.add_parser(
        "download", help="download, check and install a model",
        description="Download a speech model from its official site, check its checksum "
        "(SHA-256) and install it, so that the next session can use it.")
    download.add_argument("name", help="a model name from 'retrowalk models list'")
    download.add_argument("--dir", type=Path, default=None,
                          help=f"install into this folder (default: {voice_models_dir()})")
    download.add_argument("--trust-unverified", action="store_true",
                          help="install a model whose checksum the catalogue cannot verify")
    download.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def run(args: argparse.Namespace) -> int:
    """List the models (the default), or download one."""
    if getattr(args, "models_action", None) == "download":
        entry = find_model(args.name)
        path = download_model(entry, args.dir, trust_unverified=args.trust_unverified,
                              show_progress=False if args.quiet else None)
        print(f"{entry.name}: installed in {path}")
        return 0
    print_list()
    return 0


def print_list() -> None:
    """One line per catalogue model: name, language, size, installed or not, and where."""
    print(f"Models folder: {voice_models_dir()}")
    for entry in load_catalogue():
        path = installed_path(entry)
        where = f"installed in {path}" if path else "not installed"
        print(f"{entry.name:32} {entry.language:6} {entry.size_mb:>5g} MB  {where}")
    print("PocketSphinx's English model comes inside its Python package: no download needed.")
