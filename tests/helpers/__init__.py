"""The shared test helpers: a virtual audio room, an HTTP receiver, caregiver builders."""
