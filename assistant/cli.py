"""retrowalk: a hands-free, voice-guided coach for backward walking at home.

Each command lives in its own module under `assistant.commands`, with `add_parser` and
`run`; this module wires them, maps errors to one clear line and an exit code, and keeps
tracebacks for `--debug`.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from assistant import __version__
from assistant.core.errors import RetroWalkError

_LOGGER = logging.getLogger(__name__)

#: Command modules in the order `--help` lists them.
COMMAND_MODULES = (
    "start",
    "check",
    "simulate",
    "listen",
    "demo",
    "devices",
    "voices",
    "models",
    "history",
    "report",
    "progress",
    "alert_test",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="retrowalk",
        description="A hands-free, voice-guided coach for backward walking at home. "
        "Not medical advice: ask your doctor before you start.",
    )
    parser.add_argument("--version", action="version", version=f"retrowalk {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="show full tracebacks and debug logging"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"assistant.commands.{name}")
        sub = module.add_parser(subparsers)
        sub.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s" if args.debug
        else "retrowalk: %(levelname)s: %(message)s",
    )
    logging.addLevelName(logging.WARNING, "warning")
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    try:
        return int(args.run(args) or 0)
    except RetroWalkError as err:
        if args.debug:
            raise
        print(f"retrowalk: error: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("retrowalk: interrupted", file=sys.stderr)
        return 130
    except Exception as err:  # a bug: still one line for the user, the rest with --debug
        if args.debug:
            raise
        _LOGGER.debug("unexpected error", exc_info=True)
        print(f"retrowalk: internal error: {type(err).__name__}: {err} "
              "(run 'retrowalk --debug ...' for details, and please report it)", file=sys.stderr)
        return 70
