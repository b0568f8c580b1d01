"""SVOX Pico rendering: text to 16 kHz mono audio through `pico2wave` (libttspico-utils).

pico2wave has no rate option, but Pico reads its own markup in the text:
`<speed level="N">...</speed>`, N percent of its natural speed (20..500). So "speak slower"
changes the speed level, not the audio afterwards; volume is a gain, as for every voice.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from assistant.audio.chunks import Samples, read_wav
from assistant.core.errors import RetroWalkError, VoiceError
from assistant.core.events import SAMPLE_RATE_HZ
from assistant.speaking.catalogue import PICO_LANGUAGES, PICO_PREFIX
from assistant.speaking.espeak import trim_silence

#: The rate that is Pico's natural speed (level 100). Measured: "Walk backward slowly. Keep
#: one hand on the wall." (9 words) takes 3.2 s (en-GB) and 3.4 s (en-US) trimmed, near
#: eSpeak NG's 3.7 s at 140 words per minute: the default rate keeps Pico's own pace.
PICO_NATURAL_WPM = 140
_LOWEST_LEVEL, _HIGHEST_LEVEL = 20, 500
RENDER_TIMEOUT_S = 20.0


def pico_language(voice: str | None) -> str:
    """The pico2wave language of a `pico:LANG` voice name (any case); en-US for None."""
    wanted = (voice or f"{PICO_PREFIX}en-US").strip().lower().removeprefix(PICO_PREFIX)
    for language in PICO_LANGUAGES:
        if language.lower() == wanted:
            return language
    raise VoiceError(f'"{voice}" is not a SVOX Pico voice; they are '
                     f"{', '.join(PICO_PREFIX + lang for lang in PICO_LANGUAGES)}")


def speed_level(rate_wpm: int) -> int:
    """Pico's speed level (percent of its natural speed) for a rate in words per minute."""
    level = round(100 * rate_wpm / PICO_NATURAL_WPM)
    return min(max(level, _LOWEST_LEVEL), _HIGHEST_LEVEL)


class PicoBackend:
    """SVOX Pico through the pico2wave command, rendering to a temporary WAV file."""

    name = "SVOX Pico (pico2wave)"

    def synthesize(self, text: str, voice: str | None, rate_wpm: int) -> Samples:
        """Render `text`; raises VoiceError if pico2wave is missing, fails or hangs."""
        program = shutil.which("pico2wave")
        if program is None:
            raise VoiceError("pico2wave is not installed; install libttspico-utils (README)")
        # Pico reads "<...>" as its markup (a cue's "<now>" was not said as "now"): the
        # brackets are left out, the words spoken.
        plain = text.replace("<", " ").replace(">", " ")
        marked = f'<speed level="{speed_level(rate_wpm)}">{plain}</speed>'
        with tempfile.TemporaryDirectory(prefix="retrowalk-pico-") as folder:
            path = Path(folder) / "cue.wav"
            command = [program, "-l", pico_language(voice), "-w", str(path), "--", marked]
            try:
                subprocess.run(command, capture_output=True, check=True,
                               timeout=RENDER_TIMEOUT_S)
                samples = trim_silence(read_wav(path, SAMPLE_RATE_HZ))
            except subprocess.TimeoutExpired as err:
                raise VoiceError(f"pico2wave hung rendering {text!r}") from err
            except (subprocess.CalledProcessError, OSError, RetroWalkError) as err:
                detail = getattr(err, "stderr", b"") or b""
                last = detail.decode(errors="replace").strip().splitlines()[:1] or [str(err)]
                raise VoiceError(f"pico2wave could not render {text!r}: {last[0]}") from err
        if len(samples) == 0:
            raise VoiceError(f"pico2wave rendered only silence for {text!r}")
        return samples
