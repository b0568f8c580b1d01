"""Hearing: the recognizers that turn the walker's audio into intents."""
