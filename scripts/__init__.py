"""The bundled exercise scripts (installed as the package `assistant.bundled_scripts`)."""
