"""The offline voices installed here: eSpeak NG, MBROLA (through espeak-ng) and SVOX Pico.

A script's `voice:` field names one of them (docs/scripts.md):

- an eSpeak NG voice as espeak-ng knows it: a language such as `en-us`, `en-gb` or `en`,
  optionally with a variant after `+` (`en-us+f3`);
- an MBROLA voice by its espeak-ng name, `mb-us1`, `mb-us2`, `mb-us3`, `mb-en1`...;
- a SVOX Pico voice as `pico:` and its language, `pico:en-US`, `pico:en-GB`...

Names are matched without regard to case. The engines are asked once per process (about
50 ms): a cue renderer is made per cue in training, and voices are not installed mid-run.
"""

from __future__ import annotations

import difflib
import functools
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

ESPEAK, MBROLA, PICO = "eSpeak NG", "MBROLA", "SVOX Pico"
PICO_PREFIX = "pico:"

#: Each engine's licence, as `retrowalk voices` shows it, and whether it allows any use.
LICENCES = {
    ESPEAK: ("GPL-3.0-or-later", True),
    PICO: ("Apache-2.0", True),
    MBROLA: ("non-commercial (MBROLA)", False),
}

#: What `voice: null` speaks with where Pico is installed: the clearest voice whose licence
#: allows any use (docs/audio.md, "Voices"); en-US was understood far better than en-GB.
PICO_DEFAULT_VOICE = "pico:en-US"
#: What `voice: null` speaks with otherwise, and the fallback of every other voice:
#: pyttsx3's own default, "en" (espeak-ng's English (Great Britain), file gmw/en).
ESPEAK_DEFAULT_VOICE = "en"
#: The default voices, best first: the first one installed is the default.
DEFAULT_VOICES = (PICO_DEFAULT_VOICE, ESPEAK_DEFAULT_VOICE)

#: Where espeak-ng looks for an MBROLA voice database (its own error message lists these).
_MBROLA_FOLDERS = (Path("/usr/share/mbrola"),)

#: The languages pico2wave knows; a language is installed when its two data files are.
PICO_LANGUAGES = ("en-US", "en-GB", "de-DE", "es-ES", "fr-FR", "it-IT")
_PICO_TITLES = ("English (America)", "English (Great Britain)", "German", "Spanish", "French",
                "Italian")
_PICO_DATA = Path("/usr/share/pico/lang")


@dataclass(frozen=True)
class VoiceInfo:
    """One installed voice: the name a script gives, its engine, language and description."""

    name: str
    engine: str
    language: str
    description: str
    aliases: tuple[str, ...] = ()
    """Other names of this voice for espeak-ng (its file, its title), lower case."""
    other_languages: tuple[tuple[str, int], ...] = ()
    """Languages espeak-ng also speaks with this voice, each with its priority (1 best)."""

    @property
    def licence(self) -> str:
        """The licence of the voice's engine and data."""
        return LICENCES[self.engine][0]

    @property
    def free_for_any_use(self) -> bool:
        """May this voice be built into any product, also one that is sold?"""
        return LICENCES[self.engine][1]


def installed_voices() -> list[VoiceInfo]:
    """Every offline voice installed on this machine: eSpeak NG, then MBROLA, then Pico."""
    return list(_installed())


@functools.cache
def _installed() -> tuple[VoiceInfo, ...]:
    espeak = _espeak_entries()
    return (*(v for v in espeak if v.engine == ESPEAK), *(v for v in espeak if v.engine == MBROLA),
            *_pico_voices())


def find_voice(name: str, voices: list[VoiceInfo] | None = None) -> VoiceInfo | None:
    """The installed voice `name` selects (a variant after `+` allowed for eSpeak NG).

    As espeak-ng does: a voice's name or file first, else the voice that lists the name
    among its other languages with the best priority (`en` is English (Great Britain))."""
    voices = installed_voices() if voices is None else voices
    base, _, variant = name.strip().lower().partition("+")
    found = next((v for v in voices if base == v.name.lower() or base in v.aliases), None)
    if found is None:
        ranked = [(rank, index) for index, v in enumerate(voices)
                  for other, rank in v.other_languages if other == base]
        found = voices[min(ranked)[1]] if ranked else None
    if found is not None and variant and (
            found.engine != ESPEAK or variant not in espeak_variants()):
        return None
    return found


def canonical_name(name: str, voices: list[VoiceInfo] | None = None) -> str | None:
    """The listed name of the voice `name` selects, with its variant (`EN-US+F3` ->
    `en-us+f3`), or None: pyttsx3 silently speaks its default for names it does not know."""
    found = find_voice(name, voices)
    if found is None:
        return None
    _, plus, variant = name.strip().lower().partition("+")
    return found.name + plus + variant


def default_voice(voices: list[VoiceInfo] | None = None) -> VoiceInfo | None:
    """The voice `voice: null` speaks with: SVOX Pico en-US where installed, else eSpeak NG
    `en`; None when neither is. Never an MBROLA voice (their licence forbids it)."""
    voices = installed_voices() if voices is None else voices
    found = (find_voice(name, voices) for name in DEFAULT_VOICES)
    return next((voice for voice in found if voice is not None), None)


def voice_problem(name: str) -> str | None:
    """Why `name` cannot be a script's voice here, or None when it names an installed one."""
    voices = installed_voices()
    if find_voice(name, voices) is not None:
        return None
    base, plus, variant = name.strip().partition("+")
    if plus and find_voice(base, voices) is not None:
        return (f'"{variant}" is not an eSpeak NG variant (only eSpeak NG voices take one; '
                "`espeak-ng --voices=variant` lists them)")
    names = [v.name for v in voices]
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
    hint = f"closest: {', '.join(close)}; " if close else ""
    return (f'"{name}" names no voice installed here; {hint}`retrowalk voices` lists them '
            "(a voice of another engine may need installing, see the README)")


@functools.cache
def espeak_variants() -> frozenset[str]:
    """eSpeak NG's variants (`f3`, `klatt`, ...), lower case; empty without espeak-ng."""
    lines = _espeak_listing("--voices=variant")
    return frozenset(line.split()[4].removeprefix("!v/").lower() for line in lines)


def _espeak_entries() -> list[VoiceInfo]:
    """eSpeak NG's own voices and the MBROLA voices whose database is installed."""
    mbrola_ready = shutil.which("mbrola") is not None
    data = _espeak_data_folder()
    voices = []
    for line in _espeak_listing("--voices") + _espeak_listing("--voices=mb"):
        parts = line.split()
        language, file = parts[1], parts[4]
        gender = {"F": ", female", "M": ", male"}.get(parts[2][-1:], "")
        title = parts[3].replace("_", " ") + gender
        if file.startswith("!v/"):
            continue  # a variant, not a voice
        others = tuple((code, int(rank)) for code, rank
                       in re.findall(r"\(([\w-]+) (\d+)\)", line))
        if file.startswith("mb/"):
            if mbrola_ready and data and _mbrola_database_installed(data / "voices" / file):
                voices.append(VoiceInfo(Path(file).name, MBROLA, language, title))
            continue
        aliases = (file.lower(), Path(file).name.lower(), parts[3].lower(),
                   parts[3].replace("_", " ").lower())
        voices.append(VoiceInfo(language, ESPEAK, language, title, aliases,
                                ((language, int(parts[0])), *others)))
    return _unique_names(voices)


def _unique_names(voices: list[VoiceInfo]) -> list[VoiceInfo]:
    # Two eSpeak NG voices of one language: the first (espeak-ng lists the preferred first)
    # keeps the language as its name, the next is named by its file.
    seen: set[str] = set()
    named = []
    for voice in voices:
        if voice.name in seen and voice.engine == ESPEAK:
            voice = VoiceInfo(voice.aliases[0], ESPEAK, voice.language, voice.description,
                              voice.aliases, voice.other_languages)
        seen.add(voice.name)
        named.append(voice)
    return named


def _espeak_listing(option: str) -> list[str]:
    """The voice lines of `espeak-ng OPTION` (no header), or none without espeak-ng."""
    path = shutil.which("espeak-ng")
    if path is None:
        return []
    try:
        result = subprocess.run([path, option], capture_output=True, text=True, timeout=20,
                                check=True)
    except (subprocess.SubprocessError, OSError):
        return []
    return [line for line in result.stdout.splitlines()[1:] if len(line.split()) >= 5]


def _espeak_data_folder() -> Path | None:
    """espeak-ng's data folder, as `espeak-ng --version` states it ("Data at: ...")."""
    path = shutil.which("espeak-ng")
    if path is None:
        return None
    try:
        result = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=20)
    except (subprocess.SubprocessError, OSError):
        return None
    _, found, folder = result.stdout.partition("Data at:")
    return Path(folder.strip()) if found else None


def _mbrola_database_installed(voice_file: Path) -> bool:
    """Does the MBROLA database this espeak-ng voice file names exist (`mbrola us1 ...`)?"""
    try:
        lines = voice_file.read_text(errors="replace").splitlines()
    except OSError:
        return False
    databases = [line.split()[1] for line in lines
                 if line.startswith("mbrola ") and len(line.split()) > 1]
    return any((folder / db).is_file() or (folder / db / db).is_file()
               or (folder / "voices" / db).is_file()
               for db in databases for folder in _MBROLA_FOLDERS)


def _pico_voices() -> list[VoiceInfo]:
    if shutil.which("pico2wave") is None:
        return []
    # Each of Pico's languages has one voice, a woman's.
    return [VoiceInfo(f"{PICO_PREFIX}{language}", PICO, language, f"{title}, female")
            for language, title in zip(PICO_LANGUAGES, _PICO_TITLES, strict=True)
            if (_PICO_DATA / f"{language}_ta.bin").is_file()]
