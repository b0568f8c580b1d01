"""retrowalk devices: the microphones and speakers this machine has.

One line per device: its index (for --input-device / --output-device), name, input and
output channels, and which are the defaults.
"""

from __future__ import annotations

import argparse

from assistant.audio.microphone import CONSOLE_HINT, DeviceInfo, list_devices


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """The `devices` command."""
    return subparsers.add_parser(
        "devices", help="list microphones and speakers",
        description="List the microphones and speakers this computer has, one a line: the "
        "number to give to --input-device or --output-device, the name, how many input and "
        "output channels it has, and which are the defaults.")


def run(args: argparse.Namespace) -> int:
    """Print the devices; with none, say so and how to run without them."""
    devices = list_devices(refresh=True)
    if not any(d.input_channels or d.output_channels for d in devices):
        print(f"No audio devices found; {CONSOLE_HINT}.")
        return 0
    for device in devices:
        print(describe_device(device))
    if not any(d.input_channels for d in devices):
        print(f"No microphone found; {CONSOLE_HINT}.")
    if not any(d.output_channels for d in devices):
        print(f"No speaker found; {CONSOLE_HINT}.")
    return 0


def describe_device(device: DeviceInfo) -> str:
    """`  3  USB Audio  (1 in, 2 out)  default input` style line."""
    markers = [label for label, flag in (("default input", device.is_default_input),
                                         ("default output", device.is_default_output)) if flag]
    return (f"{device.index:3}  {device.name}  ({device.input_channels} in, "
            f"{device.output_channels} out)  {', '.join(markers)}").rstrip()
