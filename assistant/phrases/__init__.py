"""The phrase tables, one YAML file per language (package data of `assistant.core.intents`)."""
