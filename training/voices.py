"""The synthesized voices of the data set, each in one split only, and prosody drawn per phrase.

Validation holds out whole voices: an espeak-ng voice is a base accent plus a variant, and a
validation voice has both a held-out base and a held-out variant, so that no accent and no
variant heard in training is heard again in validation (combinations mixing the two are not
used). MBROLA and Pico have few voices; one of each is held out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from training.synth import SpeechRequest

ESPEAK_BASES = ("en-us", "en-gb", "en-gb-scotland", "en-gb-x-gbclan", "en-gb-x-rp",
                "en-us-nyc", "en-029", "en-gb-x-gbcwmd")
VALIDATION_BASES = ("en-029", "en-gb-x-gbcwmd")
#: Variants that sound like a person (espeak-ng's robots, whispers and croaks left out).
ESPEAK_VARIANTS = ("", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "f1", "f2", "f3", "f4",
                   "f5", "klatt", "klatt2", "klatt3", "klatt4", "grandma", "grandpa", "adam",
                   "alicia", "andrea", "annie", "aunty", "belinda", "benjamin", "caleb",
                   "david", "ed", "edward", "iven", "john", "linda", "max", "michael", "mike",
                   "paul", "pedro", "quincy", "rob", "robert", "steph", "travis", "victor",
                   "zac")
VALIDATION_VARIANTS = ("m3", "f2", "klatt3", "grandma", "belinda", "david", "linda", "quincy",
                       "victor", "m7", "annie")
#: The product's own cue voices, never a command: its default, SVOX Pico's American English,
#: and where Pico is missing, pyttsx3's default eSpeak NG voice (gmw/en).
PRODUCT_VOICES = ("en-gb",)
PRODUCT_PICO_VOICE = "en-US"
#: The voices cues are rendered in ("default": the eSpeak NG fallback, as cached before).
CUE_VOICES = ("default", f"pico:{PRODUCT_PICO_VOICE}")
MBROLA_VOICES = {"mb-us1": "train", "mb-us2": "train", "mb-en1": "train", "mb-us3": "validation"}
#: Pico's other English voice speaks commands; its American one is the product's (cues only).
PICO_VOICES = {"en-GB": "train"}
#: Words per minute: a slow, careful older talker to a brisk one.
SPEED_RANGE_WPM = (105, 185)
PITCH_RANGE = (20, 80)
#: Pico prosody in percent of its normal voice.
PICO_SPEED_RANGE = (70, 120)
PICO_PITCH_RANGE = (75, 130)


@dataclass(frozen=True)
class Voice:
    """A synthesized speaker: engine, voice name and the split it belongs to."""

    engine: str
    name: str
    split: str

    @property
    def speaker(self) -> str:
        """The speaker id of its clips ("espeak:en-us+f3", "mbrola:mb-us1", "pico:en-GB")."""
        prefix = {"espeak-ng": "espeak"}.get(self.engine, self.engine)
        return f"{prefix}:{self.name}"


def _espeak_name(base: str, variant: str) -> str:
    return f"{base}+{variant}" if variant else base


def espeak_voices(split: str) -> list[Voice]:
    """espeak-ng voices of one split (held-out base and variant together for validation)."""
    held_out = split == "validation"
    return [Voice("espeak-ng", _espeak_name(base, variant), split)
            for base in ESPEAK_BASES for variant in ESPEAK_VARIANTS
            if (base in VALIDATION_BASES) == held_out
            and (variant in VALIDATION_VARIANTS) == held_out]


def mbrola_voices(split: str) -> list[Voice]:
    """The MBROLA voices (through espeak-ng) of one split."""
    return [Voice("mbrola", name, s) for name, s in MBROLA_VOICES.items() if s == split]


def pico_voices(split: str) -> list[Voice]:
    """The Pico voices of one split."""
    return [Voice("pico", name, s) for name, s in PICO_VOICES.items() if s == split]


def request_for(voice: Voice, text: str, rng: np.random.Generator) -> SpeechRequest:
    """`text` in `voice` at a speed and pitch drawn from `rng`."""
    if voice.engine == "pico":
        speed = int(rng.integers(PICO_SPEED_RANGE[0], PICO_SPEED_RANGE[1] + 1))
        pitch = int(rng.integers(PICO_PITCH_RANGE[0], PICO_PITCH_RANGE[1] + 1))
    else:
        # Steps of 5: neighbouring speeds sound alike, and coarser steps let seeds share the cache.
        speed = 5 * int(rng.integers(SPEED_RANGE_WPM[0] // 5, SPEED_RANGE_WPM[1] // 5 + 1))
        pitch = 5 * int(rng.integers(PITCH_RANGE[0] // 5, PITCH_RANGE[1] // 5 + 1))
    return SpeechRequest(voice.engine, voice.name, text, speed, pitch)


def pick_voices(voices: list[Voice], count: int, rng: np.random.Generator) -> list[Voice]:
    """`count` voices drawn from `voices` (without repeats while there are enough)."""
    if not voices or count <= 0:
        return []
    order = list(rng.permutation(len(voices)))
    while len(order) < count:
        order += list(rng.permutation(len(voices)))
    return [voices[int(i)] for i in order[:count]]
