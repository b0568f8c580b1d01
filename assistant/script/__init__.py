"""The exercise script: its typed model, the YAML reader and schema, its planned timeline."""
