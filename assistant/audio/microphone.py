"""The microphone as an `AudioSource`, and the sound devices this machine has.

The sounddevice callback only copies each block into a queue (as in python-sounddevice's
examples); the iterator turns blocks into 16 kHz chunks. PortAudio's own overflows are
counted and logged, not fatal. A stream error, a vanished device or no audio for
`stall_timeout_s` raises `AudioDeviceError` from the iterator (safety rule 3: the runner
then tells the walker to stop).

The queue is bounded (`MAX_QUEUED_BLOCKS`). A full queue means the loop is far behind the
microphone: that overflow is treated as lag, that is as lost hearing. The callback drops the
oldest block to make room (memory stays bounded, the audio thread never waits) and the
iterator raises `AudioDeviceError`, so the session ends by the safe path.
"""

from __future__ import annotations

import logging
import queue
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from assistant.audio.alsa_messages import route_alsa_messages_to_logging
from assistant.audio.chunks import CHUNK_S
from assistant.core.clock import Clock
from assistant.core.errors import AudioDeviceError
from assistant.core.events import SAMPLE_RATE_HZ, AudioChunk

_LOGGER = logging.getLogger(__name__)

#: No audio for this long means the microphone is gone.
STALL_TIMEOUT_S = 2.0
#: The first block may take longer: ALSA's pulse plugin was seen to need ~2 s to start.
STARTUP_TIMEOUT_S = 6.0
#: Seconds of audio per block from PortAudio. Left to choose (`blocksize=0`), it gave blocks
#: of about 3.5 ms through ALSA's pulse plugin: 280 callbacks and wake-ups a second cost as
#: much CPU as the recognizer (live `retrowalk listen`: 20% of a core, 12% with 40 ms blocks,
#: benchmarks/listening_cost.py). A word waits at most 40 ms longer to be heard.
BLOCK_S = 0.04
#: Blocks that may wait for the loop: 100 blocks are 4 s, beyond the 1 s lag limit that the
#: hearing watchdog enforces while the loop runs; the bound catches a stuck loop.
MAX_QUEUED_BLOCKS = 100
CONSOLE_HINT = "'retrowalk start --console' works without audio devices"


@dataclass(frozen=True)
class DeviceInfo:
    """A sound device as PortAudio sees it."""

    index: int
    name: str
    input_channels: int
    output_channels: int
    default_rate_hz: float
    is_default_input: bool
    is_default_output: bool


def load_sounddevice(refresh: bool = False) -> Any:
    """The sounddevice module; AudioDeviceError when the PortAudio library is missing.

    ALSA's own messages go to the debug log from here on (`alsa_messages.py`)."""
    route_alsa_messages_to_logging()  # before PortAudio starts: it probes ALSA's devices
    try:
        import sounddevice
    except OSError as err:
        raise AudioDeviceError(
            f"PortAudio is not installed ({err}); install it with 'apt-get install "
            f"libportaudio2'; {CONSOLE_HINT}"
        ) from err
    if refresh:
        # PortAudio lists devices once, at start-up: re-read them (e.g. an audio server that
        # started after us). sounddevice has no public rescan; call only with no stream open.
        try:
            sounddevice._terminate()
            sounddevice._initialize()
        except sounddevice.PortAudioError as err:
            raise AudioDeviceError(
                f"Sound devices cannot be listed: {err}; {CONSOLE_HINT}"
            ) from err
    return sounddevice


def list_devices(refresh: bool = False) -> list[DeviceInfo]:
    """Every input and output device; `refresh` rescans (after plugging one in)."""
    sd = load_sounddevice(refresh)
    try:
        raw = sd.query_devices()
        default_in, default_out = _default_indexes(sd)
    except sd.PortAudioError as err:
        raise AudioDeviceError(f"Sound devices cannot be listed: {err}; {CONSOLE_HINT}") from err
    return [
        DeviceInfo(
            index=int(item["index"]), name=str(item["name"]),
            input_channels=int(item["max_input_channels"]),
            output_channels=int(item["max_output_channels"]),
            default_rate_hz=float(item["default_samplerate"]),
            is_default_input=int(item["index"]) == default_in,
            is_default_output=int(item["index"]) == default_out,
        )
        for item in raw
    ]


def _default_indexes(sd: Any) -> tuple[int, int]:
    default_in, default_out = sd.default.device
    return int(default_in), int(default_out)


def device_argument(value: str) -> int | str:
    """A `--input-device`/`--output-device` value: a device number, or part of a name."""
    return int(value) if value.isdigit() else value


def find_device(devices: list[DeviceInfo], wanted: int | str | None, kind: str) -> DeviceInfo:
    """The input or output device (`kind`) named or numbered `wanted`, else the default."""
    usable = [d for d in devices if (d.input_channels if kind == "input" else d.output_channels)]
    if not usable:
        raise AudioDeviceError(f"No {kind} device found; {CONSOLE_HINT}")
    if wanted is None:
        defaults = [d for d in usable
                    if (d.is_default_input if kind == "input" else d.is_default_output)]
        return defaults[0] if defaults else usable[0]
    for device in usable:
        if str(wanted) == str(device.index) or str(wanted).lower() in device.name.lower():
            return device
    names = ", ".join(f"{d.index} {d.name}" for d in usable)
    raise AudioDeviceError(f"No {kind} device matches {wanted!r} (have: {names}); "
                           "run 'retrowalk devices' to list them")


def check_devices(
    input_device: int | str | None = None, output_device: int | str | None = None
) -> tuple[DeviceInfo, DeviceInfo]:
    """The input and output devices a live session will use; AudioDeviceError if missing."""
    devices = list_devices(refresh=True)
    return find_device(devices, input_device, "input"), find_device(devices, output_device,
                                                                    "output")


class MicrophoneSource:
    """A live microphone: 16 kHz mono int16 chunks stamped on the session clock.

    Chunk times count samples from the first chunk (anchored on `clock`), so they are
    exact and evenly spaced; the echo guard's delay estimate absorbs the device latency."""

    def __init__(self, device: int | str | None = None, *, clock: Clock,
                 chunk_s: float = CHUNK_S, stall_timeout_s: float = STALL_TIMEOUT_S,
                 max_queued_blocks: int = MAX_QUEUED_BLOCKS) -> None:
        self.device = device
        self.clock = clock
        self.chunk_s = chunk_s
        self.stall_timeout_s = stall_timeout_s
        self.overflows = 0
        #: Blocks dropped because the queue was full (the loop fell behind: lost hearing).
        self.dropped_blocks = 0
        self._blocks: queue.Queue[Any] = queue.Queue(maxsize=max_queued_blocks)
        self._stream: Any = None
        self._resampler: Any = None

    def chunks(self) -> Iterator[AudioChunk]:
        """Chunks until closed; raises AudioDeviceError when the microphone fails."""
        self._open()
        size = int(round(self.chunk_s * SAMPLE_RATE_HZ))
        pending = np.zeros(0, dtype=np.int16)
        start_s: float | None = None
        samples_so_far = 0
        while self._stream is not None:
            item = self._next_block(STARTUP_TIMEOUT_S if start_s is None else None)
            if item is None:
                return
            block, received_s = item
            if self._resampler is not None:
                block = self._resampler.resample_chunk(block)
            if start_s is None:
                start_s = self.clock.now_s() - len(block) / SAMPLE_RATE_HZ
            pending = np.concatenate([pending, block])
            while len(pending) >= size:
                at_s = start_s + samples_so_far / SAMPLE_RATE_HZ
                yield AudioChunk(pending[:size], SAMPLE_RATE_HZ, at_s, received_s)
                pending, samples_so_far = pending[size:], samples_so_far + size

    def close(self) -> None:
        """Stop listening; a running `chunks()` loop ends."""
        stream, self._stream = self._stream, None
        if stream is not None:
            stream.abort()
            stream.close()
            self._post(None)

    def _next_block(self, timeout_s: float | None = None) -> Any:
        """The next (block, arrival time) from the audio thread, or None once closed."""
        timeout_s = max(timeout_s or 0.0, self.stall_timeout_s)
        try:
            item = self._blocks.get(timeout=timeout_s)
        except queue.Empty as err:
            raise AudioDeviceError(
                f"The microphone stopped working: no audio for {timeout_s:g} s "
                f"(device {self.device or 'default'}); check it is plugged in"
            ) from err
        if isinstance(item, BaseException):
            raise AudioDeviceError(f"The microphone stopped working: {item}") from item
        if self.dropped_blocks and item is not None:  # closing may drop one: no matter
            raise AudioDeviceError(
                f"The assistant fell behind the microphone: {self.dropped_blocks} blocks of "
                f"audio did not fit in the queue ({self._blocks.maxsize} blocks) and were lost"
            )
        return item

    def _post(self, item: Any) -> None:
        """Queue `item` without ever waiting: when full, the oldest block makes room."""
        while True:
            try:
                self._blocks.put_nowait(item)
                return
            except queue.Full:
                try:
                    self._blocks.get_nowait()
                    self.dropped_blocks += 1
                except queue.Empty:
                    pass

    def _callback(self, indata: Any, _frames: int, _time: Any, status: Any) -> None:
        # Runs on the audio thread: count problems and copy, nothing else.
        if status.input_overflow:
            self.overflows += 1
            _LOGGER.warning("microphone overflow: some audio was lost (%d so far)",
                            self.overflows)
        # Stamped on arrival: how long audio waits before it is recognized is the lag.
        self._post((np.array(indata[:, 0], dtype=np.int16), self.clock.now_s()))

    def _open(self) -> None:
        sd = load_sounddevice()
        try:
            try:
                self._start_stream(sd, SAMPLE_RATE_HZ)
            except sd.PortAudioError:
                # Some hardware refuses 16 kHz: record at its own rate and resample (libsoxr).
                import soxr

                rate_hz = int(sd.query_devices(self.device, "input")["default_samplerate"])
                self._start_stream(sd, rate_hz)
                self._resampler = soxr.ResampleStream(rate_hz, SAMPLE_RATE_HZ, 1, dtype="int16")
        except (sd.PortAudioError, ValueError) as err:
            self._stream = None
            raise AudioDeviceError(
                f"The microphone could not be opened (device {self.device or 'default'}): "
                f"{err}; run 'retrowalk devices' to list devices; {CONSOLE_HINT}"
            ) from err

    def _start_stream(self, sd: Any, rate_hz: int) -> None:
        self._stream = sd.InputStream(
            samplerate=rate_hz, channels=1, dtype="int16", device=self.device,
            # Not 0.1 s blocks: that made ALSA's pulse plugin wait ~1.8 s before the first
            # block (40 ms ones start as fast as free-sized ones); the iterator cuts chunks.
            blocksize=int(round(BLOCK_S * rate_hz)), latency="low", callback=self._callback,
            finished_callback=self._finished,
        )
        self._stream.start()

    def _finished(self) -> None:
        # PortAudio ended the stream by itself (device gone) unless we closed it.
        if self._stream is not None:
            self._post(OSError("the audio stream ended unexpectedly"))
