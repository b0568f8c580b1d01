"""The bundled exercise scripts (package data, read by `assistant.script.loading`)."""
