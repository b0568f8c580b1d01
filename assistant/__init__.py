"""RetroWalk: a hands-free, voice-guided coach for backward walking at home."""

__version__ = "0.1.0"
