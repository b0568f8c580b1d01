"""The echo guard: the assistant must not obey its own voice (safety rule 6), yet the walker's
"stop" over a cue must still stop it (rule 1). So the microphone is never muted; instead:

1. `clean(chunk)` subtracts the estimated echo of what the speaker played. The echo is
   modelled as the played signal through a short FIR filter at a delay: the delay is found by
   cross-correlation (within `-max_lead_s .. max_delay_s`, since microphone and speaker
   timestamps each carry their own device latency) and the filter taps by least squares over
   the last second. Estimates are re-made on every chunk but kept only when they explain most
   of what the microphone heard, so the walker talking over a cue (double talk) does not
   spoil them. In simulation the echo is exactly `gain * signal`: cancellation is near-perfect.
2. `is_probably_echo(text, at_s)`: a transcript heard while a cue played (or within
   `tail_s` after) whose words all occur in that cue's text is taken for echo, unless the
   cleaned audio shows someone else speaking at the time. The script validator warns about
   command phrases inside cues, because this second guard cannot tell "stop" in a cue from
   a quiet "stop" of the walker during it.

Given a `canceller` (WebRTC's AEC3, `webrtc_echo.py`), `clean` is its work instead of steps
1's subtraction and suppression, and the double talk of step 2 is read from its output;
except while the guard's own filter explains the echo exactly (a pure delay, as in the
PulseAudio room), when its output, delayed as the canceller's, keeps the walker intact. If
the canceller fails, the guard cleans on its own from then on, with one warning.
"""

from __future__ import annotations

import logging
import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from assistant.audio.echo_tuning import (
    AEC3_SPEECH_RMS,
    CONVERGED_FIT,
    DIVERGED,
    DOUBLE_TALK_RATIO,
    GOOD_FIT,
    LEFTOVER_RATIO,
    MAX_UNCONVERGED_S,
    MIN_EXPLAINED,
    MIN_EXPLAINED_FIRST,
    NOISE_CHUNKS,
    NOISE_MARGIN,
    NOISE_PERCENTILE,
    QUIET_RMS,
    RAMP,
    RECENT_S,
    RECHECK_CHUNKS,
    SPEECH_RMS,
    SUPPRESS_GAIN,
    UTTERANCE_S,
)
from assistant.core.events import SAMPLE_RATE_HZ, AudioChunk

_LOGGER = logging.getLogger(__name__)

Floats = npt.NDArray[np.float64]


class EchoCanceller(Protocol):
    """A canceller that takes the echo out of the microphone given what was played."""

    def add_playback(self, samples: npt.NDArray[np.int16], start_s: float) -> None: ...
    def mark_stopped(self, at_s: float) -> None: ...
    def clean(self, chunk: AudioChunk) -> AudioChunk: ...
    @property
    def latency(self) -> int:
        """Samples its output lags the microphone by."""
        ...


@dataclass
class _Playback:
    start: int
    samples: Floats
    text: str
    end: int


@dataclass(frozen=True)
class ChunkReport:
    """How much echo one chunk had, and what was left after cleaning (RMS, int16 units)."""

    start_s: float
    end_s: float
    echo_rms: float
    residual_rms: float
    double_talk: bool = False
    """Someone other than the assistant was heard (the chunk passed unsuppressed)."""


class EchoGuard:
    """Removes the assistant's own voice from microphone chunks; flags echoed transcripts."""

    def __init__(self, rate_hz: int = SAMPLE_RATE_HZ, max_delay_s: float = 0.5,
                 max_lead_s: float = 0.15, half_taps: int = 4, tail_s: float = 0.5,
                 canceller: EchoCanceller | None = None) -> None:
        self.rate_hz = rate_hz
        self.canceller = canceller
        self._lag_line = np.zeros(0, dtype=np.int16)
        self.max_delay = int(max_delay_s * rate_hz)
        self.max_lead = int(max_lead_s * rate_hz)
        self.half_taps = half_taps
        self.tail_s = tail_s
        self.reports: deque[ChunkReport] = deque(maxlen=600)
        self._playbacks: list[_Playback] = []
        self._history: deque[tuple[int, Floats]] = deque()
        self._delay: int | None = None
        self._taps: Floats | None = None
        self._explained = 0.0
        self._chunks_since_estimate = 0
        # Convergence is kept across cues: the device latency is stable within a session.
        self._converged = False
        self._unconverged = 0
        self._last_gain = 1.0

    @property
    def delay_s(self) -> float | None:
        """The estimated echo delay (speaker timestamp to microphone timestamp), if known."""
        return None if self._delay is None else self._delay / self.rate_hz

    def add_playback(self, samples: npt.NDArray[np.int16], start_s: float, text: str = "") -> None:
        """The speaker started playing `samples` (16 kHz) at `start_s`, saying `text`."""
        if self.canceller is not None:
            self.canceller.add_playback(samples, start_s)
        start = int(round(start_s * self.rate_hz))
        self._playbacks.append(
            _Playback(start, samples.astype(np.float64), text, start + len(samples))
        )
        # Each cue starts at the output's next block: re-fit the delay at once.
        self._chunks_since_estimate = RECHECK_CHUNKS
        horizon = start - 60 * self.rate_hz
        self._playbacks = [p for p in self._playbacks if p.end >= horizon]

    def mark_stopped(self, at_s: float) -> None:
        """The current playback was cut at `at_s`: nothing after it reaches the room."""
        if self.canceller is not None:
            self.canceller.mark_stopped(at_s)
        if self._playbacks:
            last = self._playbacks[-1]
            last.end = min(last.end, max(int(round(at_s * self.rate_hz)), last.start))

    def clean(self, chunk: AudioChunk) -> AudioChunk:
        """The chunk with the estimated echo of the assistant's voice subtracted; what is
        left of the echo alone is suppressed, so the recognizer hears near silence."""
        delegated = self._clean_by_canceller(chunk) if self.canceller is not None else None
        if delegated is None:
            return self._clean_own(chunk)
        cleaned, report = delegated
        # The guard keeps fitting too, delayed as the canceller delays: where its filter
        # explains the echo exactly (a pure delay) it keeps the walker intact, and is used.
        own = self._lagged(self._clean_own(chunk))
        if self._converged and self._explained >= GOOD_FIT:
            return own
        self.reports[-1] = report  # the canceller's double talk, not the guard's
        return cleaned

    def _lagged(self, chunk: AudioChunk) -> AudioChunk:
        """`chunk` as late as the canceller's output (its `latency` in samples)."""
        lag = self.canceller.latency if self.canceller is not None else 0
        if len(self._lag_line) < lag:
            self._lag_line = np.concatenate([np.zeros(lag - len(self._lag_line), np.int16),
                                             self._lag_line])
        line = np.concatenate([self._lag_line, chunk.samples])
        self._lag_line = line[len(chunk.samples):]
        return AudioChunk(line[: len(chunk.samples)], chunk.rate_hz, chunk.start_s,
                          chunk.received_s)

    def _clean_own(self, chunk: AudioChunk) -> AudioChunk:
        """The guard's own cleaning: subtraction, then suppression of what is left."""
        start, mic = int(round(chunk.start_s * self.rate_hz)), chunk.samples.astype(np.float64)
        self._remember(start, mic)
        if not self._reference_active(start, len(mic)):
            level = _rms(mic)
            self.reports.append(
                ChunkReport(chunk.start_s, chunk.end_s, 0.0, level, level > SPEECH_RMS)
            )
            if self._last_gain == 1.0:
                return chunk
            residual = mic  # back to full level, without a click
            gain = 1.0
        else:
            residual, gain = self._clean_echo(chunk, start, mic)
        cleaned = np.clip(np.round(self._ramp(gain, len(mic)) * residual), -32768, 32767)
        return AudioChunk(cleaned.astype(np.int16), chunk.rate_hz, chunk.start_s)

    def _clean_by_canceller(self, chunk: AudioChunk) -> tuple[AudioChunk, ChunkReport] | None:
        """The canceller's output and its double-talk report; None once it has failed."""
        assert self.canceller is not None
        try:
            cleaned = self.canceller.clean(chunk)
        except Exception as err:  # a broken native library must not end the session
            _LOGGER.warning("the echo canceller failed (%s); the echo guard cleans on its own",
                            err)
            self.canceller = None
            return None
        start, mic = int(round(chunk.start_s * self.rate_hz)), chunk.samples.astype(np.float64)
        heard, left = _rms(mic), _rms(cleaned.samples.astype(np.float64))
        echo_rms = heard if self._reference_active(start, len(mic)) else 0.0
        # What AEC3 leaves of the echo alone is near the room's noise; speech it keeps is not.
        double_talk = left > max(AEC3_SPEECH_RMS, NOISE_MARGIN * self._noise_rms())
        return cleaned, ChunkReport(chunk.start_s, chunk.end_s, echo_rms, left, double_talk)

    def _clean_echo(self, chunk: AudioChunk, start: int, mic: Floats) -> tuple[Floats, float]:
        """The residual after cancellation and the gain it should reach the recognizer at."""
        residual = mic - self._cancel(start, mic)
        echo_rms, residual_rms = _rms(mic - residual), _rms(residual)
        noise_rms = self._noise_rms()
        double_talk = residual_rms > max(SPEECH_RMS, DOUBLE_TALK_RATIO * echo_rms,
                                         NOISE_MARGIN * noise_rms)
        gain = self._gain(double_talk, len(mic))
        if gain == SUPPRESS_GAIN:
            # Take away only the echo's expected leftover: noise above it stays as it was.
            leftover = LEFTOVER_RATIO * echo_rms
            gain = max(gain, float(np.sqrt(max(0.0, 1.0 - (leftover / residual_rms) ** 2)))
                       if residual_rms > 0 else 0.0)
        self.reports.append(ChunkReport(chunk.start_s, chunk.end_s, echo_rms, residual_rms,
                                        double_talk and gain > 0.0))
        return residual, gain

    def _noise_rms(self) -> float:
        """The room's background level: what is left after cleaning in its quietest chunks."""
        recent = [report.residual_rms for report in list(self.reports)[-NOISE_CHUNKS:]]
        return float(np.percentile(recent, NOISE_PERCENTILE)) if recent else 0.0

    def _ramp(self, gain: float, length: int) -> Floats:
        """Per-sample gains going from the last chunk's gain to `gain`."""
        gains = np.full(length, gain)
        ramp = min(RAMP, length)
        gains[:ramp] = np.linspace(self._last_gain, gain, ramp, endpoint=False)
        self._last_gain = gain
        return gains

    def _cancel(self, start: int, mic: Floats) -> Floats:
        """The echo to subtract from `mic`, re-fitting the echo path when it looks wrong."""
        self._chunks_since_estimate += 1
        # A good fit needs only an occasional check (the delay drifts slowly); a poor one is
        # retried on every chunk.
        if self._explained < GOOD_FIT or self._chunks_since_estimate >= RECHECK_CHUNKS:
            self._estimate()
        echo = self._predict(start, len(mic))
        if _energy(mic - echo) > DIVERGED * _energy(mic):
            # The echo moved (an output underrun shifts the rest of a cue) or the walker is
            # talking: re-fit on the most recent audio only. The new fit is kept only if it
            # explains this chunk better: over double talk the old one is still right, and
            # keeping it takes the echo out from under the walker's words.
            kept = self._delay, self._taps, self._explained
            self._estimate(RECENT_S)
            refitted = self._predict(start, len(mic))
            if _energy(mic - refitted) < _energy(mic - echo):
                echo = refitted
            else:
                self._delay, self._taps, self._explained = kept
            if _energy(mic - echo) > _energy(mic):
                echo = np.zeros(len(mic))  # never make things louder
        return echo

    def _gain(self, double_talk: bool, length: int) -> float:
        """1 for double talk (or a canceller that cannot converge), else a suppressing gain."""
        if not self._converged:
            if self._unconverged < MAX_UNCONVERGED_S * self.rate_hz:
                self._unconverged += length
                return 0.0
            return 1.0  # never converged: the walker must stay audible (rule 1)
        return 1.0 if double_talk else SUPPRESS_GAIN

    def is_probably_echo(self, transcript_text: str, at_s: float) -> bool:
        """True when heard during a cue (or just after it) while the cleaned microphone audio
        showed no one else speaking: then it can only be made of the assistant's own voice."""
        if not _words(transcript_text):
            return False
        delay_s = max(self.delay_s or 0.0, 0.0)
        for playback in reversed(self._playbacks):
            start_s, end_s = playback.start / self.rate_hz, playback.end / self.rate_hz
            if start_s <= at_s <= end_s + delay_s + self.tail_s:
                return not self._someone_else_spoke(at_s - UTTERANCE_S, at_s)
        return False

    def _someone_else_spoke(self, since_s: float, until_s: float) -> bool:
        """Double talk: a chunk in this span was left loud after cleaning."""
        return any(
            report.double_talk
            for report in self.reports
            if report.end_s >= since_s and report.start_s <= until_s
        )

    def _remember(self, start: int, mic: Floats) -> None:
        self._history.append((start, mic))
        while sum(len(samples) for _, samples in self._history) > self.rate_hz:
            self._history.popleft()

    def _reference_active(self, start: int, length: int) -> bool:
        low, high = start - self.max_delay - self.half_taps, start + length + self.max_lead
        return any(p.start < high and p.end > low for p in self._playbacks)

    def _reference(self, start: int, length: int) -> Floats:
        """What the speaker played over `length` samples from sample index `start`."""
        span = np.zeros(length, dtype=np.float64)
        for p in self._playbacks:
            low, high = max(start, p.start), min(start + length, p.end)
            if low < high:
                span[low - start : high - start] += p.samples[low - p.start : high - p.start]
        return span

    def _predict(self, start: int, length: int) -> Floats:
        if self._delay is None or self._taps is None:
            return np.zeros(length)
        return _shifted(self._reference, start, length, self._delay, self.half_taps) @ self._taps

    def _estimate(self, window_s: float = 1.0) -> None:
        """Find delay and filter from the latest microphone audio; keep them if good."""
        window_start = self._history[0][0]
        mic = np.concatenate([samples for _, samples in self._history])
        keep = min(len(mic), int(window_s * self.rate_hz))
        window_start, mic = window_start + len(mic) - keep, mic[len(mic) - keep :]
        delay = self._best_delay(mic, window_start)
        if delay is None or _rms(mic) < QUIET_RMS:
            return  # nothing played, or nothing heard yet: no evidence either way
        shifted = _shifted(self._reference, window_start, len(mic), delay, self.half_taps)
        taps, *_ = np.linalg.lstsq(shifted, mic, rcond=None)
        mic_energy = float(mic @ mic)
        explained = 1.0 - float(np.sum((mic - shifted @ taps) ** 2)) / max(mic_energy, 1e-9)
        needed = MIN_EXPLAINED if self._taps is not None else MIN_EXPLAINED_FIRST
        self._chunks_since_estimate = 0
        if explained >= needed:
            self._delay, self._taps, self._explained = delay, taps, explained
            self._converged = self._converged or explained >= CONVERGED_FIT

    def _best_delay(self, mic: Floats, window_start: int) -> int | None:
        """The lag (in samples) that best explains `mic` by the played signal."""
        reference = self._reference(window_start - self.max_delay,
                                    len(mic) + self.max_delay + self.max_lead)
        if not np.any(reference):
            return None
        size = 1 << int(np.ceil(np.log2(len(mic) + len(reference))))
        spectrum = np.fft.rfft(reference, size) * np.conj(np.fft.rfft(mic, size))
        # correlation[k] = sum_n mic[n] * reference[n + k]; reference[k] is lag max_delay - k.
        correlation = np.fft.irfft(spectrum, size)[: self.max_delay + self.max_lead + 1]
        energy = np.concatenate([[0.0], np.cumsum(reference**2)])
        windows = energy[len(mic) : len(mic) + len(correlation)] - energy[: len(correlation)]
        # Least squares for one tap explains correlation^2 / energy of the shifted signal.
        score = correlation**2 / np.maximum(windows, 1e-9)
        return self.max_delay - int(np.argmax(score))


def _shifted(reference: Callable[[int, int], Floats], start: int, length: int, delay: int,
             half_taps: int) -> Floats:
    """Columns of the played signal delayed by `delay - half_taps .. delay + half_taps`."""
    span = reference(start - delay - half_taps, length + 2 * half_taps)
    width = 2 * half_taps + 1
    # Column j is the signal delayed by delay + half_taps - j samples.
    return np.lib.stride_tricks.sliding_window_view(span, width)[:length].copy()


def _energy(samples: Floats) -> float:
    return float(samples @ samples)


def _rms(samples: Floats) -> float:
    return float(np.sqrt(np.mean(samples**2))) if len(samples) else 0.0


def _words(text: str) -> set[str]:
    return set(re.findall(r"[\w']+", text.lower()))
