"""The trained command spotter: frozen feature models under a small numpy head."""
