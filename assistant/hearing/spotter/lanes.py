"""Staggered feature lanes: the spotter hears through streams that start afresh at different times.

The head learned commands from clips that each start from a reset (primed with silence) and a
short lead of room, so in quiet every lane starts afresh once a second, as training starts each
clip. Its scores depend on where a word falls after that fresh start: measured, one clear
synthesized "stop" peaked at 0.5 or at 0.98 as its onset moved by 0.1 s. The lanes' fresh starts
are staggered by a fraction of a second and of a feature hop, so a word that falls badly for one
lane falls differently for another. A label fired by several lanes counts once. Pure: audio in,
detections (in audio time) out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from assistant.hearing.spotter.features import SAMPLE_RATE_HZ, FrontEnd, StreamingFeatures
from assistant.hearing.spotter.head import Detection, Detector, Head

#: Audio quieter than this (int16 RMS, about -47 dBFS) holds no command.
QUIET_RMS = 150.0
#: Seconds of quiet after which a lane starts afresh (and again after each further second).
REPRIME_AFTER_QUIET_S = 1.0
#: How much later each further lane starts afresh (a third of a second and a quarter of a
#: feature hop: measured on 5 voices x 2 words x 20 onsets, 1 lane heard 114 of 200,
#: 2 lanes 158, 3 lanes 172, 4 lanes 178).
STAGGER_S = 0.34
#: How many lanes listen.
LANES = 3


class ResetSchedule:
    """When each lane starts afresh: once a stretch of quiet has lasted a second (and after
    each further second), each lane `STAGGER_S` later than the one before."""

    def __init__(self, lanes: int) -> None:
        """A schedule for `lanes` lanes, starting in sound."""
        self._offsets_s = [index * STAGGER_S for index in range(lanes)]
        self.reset()

    def reset(self) -> None:
        """Start again (a new recording)."""
        self._quiet_s = 0.0
        self._next_s = [REPRIME_AFTER_QUIET_S + offset for offset in self._offsets_s]

    def after_chunk(self, seconds: float, quiet: bool) -> list[int]:
        """Note one chunk of `seconds`; return the lanes due to start afresh after it."""
        self._quiet_s = self._quiet_s + seconds if quiet else 0.0
        due = []
        for lane, offset_s in enumerate(self._offsets_s):
            if not quiet:
                self._next_s[lane] = REPRIME_AFTER_QUIET_S + offset_s
            elif self._quiet_s >= self._next_s[lane]:
                self._next_s[lane] += REPRIME_AFTER_QUIET_S
                due.append(lane)
        return due


@dataclass
class _Lane:
    """One feature stream and its detector, with when it last started afresh."""

    features: StreamingFeatures
    detector: Detector
    origin_s: float = 0.0

    def reset(self, origin_s: float) -> None:
        self.features.reset()
        self.detector.reset()
        self.origin_s = origin_s

    def push(self, samples: npt.NDArray[np.int16]) -> list[Detection]:
        found = self.detector.push(self.features.push(samples))
        return [Detection(d.label, d.score, self.origin_s + d.at_s) for d in found]


class StaggeredLanes:
    """Several staggered lanes over one front end; see the module docstring."""

    def __init__(self, front_end: FrontEnd, head: Head, lanes: int = LANES) -> None:
        """`lanes` streams, each starting afresh `STAGGER_S` after the one before."""
        self._lanes = []
        for _ in range(lanes):
            features = StreamingFeatures(front_end)
            self._lanes.append(_Lane(features, Detector(head, features.priming_embeddings)))
        self._schedule = ResetSchedule(lanes)
        self._refractory_s = head.refractory_s
        self._last_fired_s: dict[str, float] = {}

    def reset(self, origin_s: float) -> None:
        """Start every lane afresh at `origin_s` (a new recording)."""
        for lane in self._lanes:
            lane.reset(origin_s)
        self._schedule.reset()
        self._last_fired_s.clear()

    def push(self, samples: npt.NDArray[np.int16], end_s: float,
             quiet: bool) -> list[Detection]:
        """Feed one chunk (ending at `end_s`, quiet or not); return new detections in order."""
        found = sorted((d for lane in self._lanes for d in lane.push(samples)),
                       key=lambda d: d.at_s)
        for index in self._schedule.after_chunk(len(samples) / SAMPLE_RATE_HZ, quiet):
            self._lanes[index].reset(end_s)
        return [d for d in found if self._first_of_its_kind(d)]

    def _first_of_its_kind(self, detection: Detection) -> bool:
        """Whether no lane fired this label within the refractory time before it."""
        last = self._last_fired_s.get(detection.label)
        if last is not None and detection.at_s - last < self._refractory_s:
            return False
        self._last_fired_s[detection.label] = detection.at_s
        return True


def is_quiet(samples: npt.NDArray[np.int16]) -> bool:
    """Whether a chunk is too quiet to hold a command."""
    return float(np.sqrt(np.mean(samples.astype(np.float64) ** 2))) < QUIET_RMS
