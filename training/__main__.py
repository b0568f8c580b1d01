"""Train the command spotter's head: `python -m training [--size tiny|full] [--seed 1] [--out DIR]`.

Builds the data set, streams it through the frozen front end (features cached), fits the head,
mines hard negatives, picks per-label thresholds on the validation split, and writes head.npz
and DATA_CARD.md into DIR (default: the package, assistant/hearing/spotter/).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

# One BLAS thread: the machine's cores go to the feature workers, and results stay exact.
for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line."""
    from assistant.hearing.spotter.head import HEAD_FILE
    from training.train import COMMITTED_MEMBERS

    parser = argparse.ArgumentParser(prog="python -m training", description=__doc__)
    parser.add_argument("--size", choices=["tiny", "full"], default="full")
    parser.add_argument("--seed", type=int, default=1, help="the data set's seed (and the fit's)")
    parser.add_argument("--fit-seed", type=int, default=None,
                        help="another seed for the fit alone, on the same data set")
    parser.add_argument("--out", type=Path, default=HEAD_FILE.parent,
                        help="directory for head.npz and DATA_CARD.md")
    parser.add_argument("--workers", type=int, default=2, help="feature processes (at most 2)")
    parser.add_argument("--window-frames", type=int, default=16)
    parser.add_argument("--members", type=int, default=COMMITTED_MEMBERS,
                        help="MLPs fitted with successive seeds and merged by averaging logits"
                             f" (default {COMMITTED_MEMBERS}, as the committed head)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the training and write its files."""
    arguments = parse_arguments(argv)
    from training.pipeline import train_and_write

    train_and_write(arguments.size, arguments.seed, arguments.out,
                    min(max(arguments.workers, 1), 2), arguments.window_frames,
                    fit_seed=arguments.fit_seed, members=max(arguments.members, 1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
