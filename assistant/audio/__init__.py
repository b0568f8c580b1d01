"""Sound in and out: chunks and WAV files, the microphone, the speakers, the echo guard."""
