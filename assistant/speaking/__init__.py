"""The assistant's voice: cues rendered to audio (pyttsx3, eSpeak NG) and played, or printed."""
