"""retrowalk alert-test SCRIPT: send a test alert through every channel of the script.

Each channel (webhook, command, file) is tried with its own timeout and retries, and
reported as delivered or with its error. Exit status 0 when every channel delivered, else 1.
"""

from __future__ import annotations

import argparse


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register `alert-test`."""
    parser = subparsers.add_parser(
        "alert-test", help="send a test alert through the script's alert channels",
        description=__doc__,
    )
    parser.add_argument("script", metavar="SCRIPT", help="script file (or a bundled name)")
    parser.add_argument(
        "--retry-delay", type=float, default=1.0, metavar="SECONDS",
        help="first wait before a retry; it doubles each time (default 1)",
    )
    return parser


def run(args: argparse.Namespace) -> int:
    """Send, print one line per channel, and return 0 only if all delivered."""
    from assistant.caregiver.alerts import send_test_alert
    from assistant.script.loading import load_script, resolve_script

    script = load_script(resolve_script(args.script))
    if not script.alerts:
        print(f"{script.source}: no alert channels are set up (alerts: channels:), so a "
              "caregiver cannot be alerted. See docs/caregivers.md.")
        return 1

    def show_attempt(channel: str, ok: bool, detail: str) -> None:
        print(f"  {channel}: {'delivered' if ok else 'failed'}, {detail}", flush=True)

    print(f"Sending a test alert{script.for_walker} through {len(script.alerts)} channel(s)...")
    results = send_test_alert(script, base_delay_s=args.retry_delay, report_attempt=show_attempt)
    for result in results:
        outcome = "OK" if result.ok else "FAILED"
        print(f"{outcome:6} {result.channel} ({result.attempts} attempt(s)): {result.detail}")
    return 0 if all(result.ok for result in results) else 1
