"""The bundled exercise scripts (data of the package `assistant.script.loading.bundled`)."""
