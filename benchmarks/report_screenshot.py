"""The report's screenshot in the docs (docs/report.png): a history of three weeks of
sessions, the caregiver's report of it, and headless Chromium's picture of the page.

Each session is the real session machine on a simulated clock (the default script, the
walker's words at given times), recorded by the real history recorder as if it had
started at 9:30 on its day. A developer's tool: Chromium is not a dependency of RetroWalk
(`apt-get install chromium-headless-shell` or `chromium`).

    .venv/bin/python -m benchmarks.report_screenshot [--out docs/report.png]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from assistant.caregiver.history import HistoryStore
from assistant.caregiver.recorder import HistoryRecorder
from assistant.caregiver.report import build_report
from assistant.script.loading import load_script, resolve_script
from tests.helpers.caregiver import run_real_session

#: The report's day: fixed, so the picture is the same on every run.
TODAY = datetime(2026, 3, 20, 18, 0, tzinfo=UTC)
#: The default script asks for the support at 3:00; "ready" a few seconds later.
READY_S = 186.0
#: Days before TODAY, and what the walker says when (session seconds): three weeks of a
#: beginner's programme, with each kind of early end a physiotherapist would want to see.
SESSIONS: list[tuple[int, dict[float, str]]] = [
    (20, {READY_S: "ready"}),
    (18, {READY_S: "ready"}),
    (17, {}),  # never says ready: the support check goes unanswered, 0 minutes walked
    (15, {READY_S: "ready", 240.0: "end", 243.0: "yes"}),
    (13, {READY_S: "ready"}),
    (11, {READY_S: "ready", 300.0: "dizzy", 368.0: "yes", 372.0: "yes"}),
    (8, {READY_S: "ready", 210.0: "help", 214.0: "cancel", 220.0: "end", 223.0: "yes"}),
    (6, {READY_S: "ready"}),
    (4, {READY_S: "ready", 330.0: "pause", 360.0: "resume", 364.0: "yes"}),
    (2, {READY_S: "ready", 260.0: "dizzy", 328.0: "no"}),
    (1, {READY_S: "ready"}),
    (0, {READY_S: "ready"}),
]


def record_history(db: Path) -> None:
    """Run and record every session of SESSIONS into the history at `db`."""
    script = load_script(resolve_script("default"))
    with HistoryStore(db) as store:
        for days_ago, said in SESSIONS:
            day = (TODAY - timedelta(days=days_ago)).replace(hour=9, minute=30)
            recorder = HistoryRecorder(store, script, wall_clock=lambda day=day: day)
            session = run_real_session(script, said, recorder.on_event)
            recorder.finish(session.summary.end_reason)


def screenshot(page: Path, out: Path, width_px: int = 1100, height_px: int = 6000) -> None:
    """Headless Chromium's picture of `page` (the whole page, cut below its last line),
    written to `out` as a 256-colour PNG: the charts need no more, the repository stays small."""
    import numpy as np
    from PIL import Image

    browser = shutil.which("chromium-headless-shell") or shutil.which("chromium")
    if browser is None:
        raise SystemExit("no headless Chromium here: apt-get install chromium-headless-shell")
    raw = out.with_suffix(".raw.png")
    subprocess.run([browser, "--headless", "--no-sandbox", "--hide-scrollbars",
                    f"--window-size={width_px},{height_px}", f"--screenshot={raw.resolve()}",
                    page.resolve().as_uri()], check=True, capture_output=True, timeout=120)
    with Image.open(raw) as image:
        grey = np.asarray(image.convert("L"))
        last_row = int(np.nonzero((grey < 250).any(axis=1))[0].max())
        cropped = image.convert("RGB").crop((0, 0, width_px, min(last_row + 24, height_px)))
        cropped.quantize(256).save(out, optimize=True)
    raw.unlink()


def main() -> None:
    """Record the history, write the report, take its picture."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/report.png"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="retrowalk-report-") as folder:
        db = Path(folder) / "history.sqlite3"
        record_history(db)
        with HistoryStore(db, must_exist=True) as store:
            page = build_report(store, Path(folder) / "report", days=28, now=TODAY)
        screenshot(page, args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
