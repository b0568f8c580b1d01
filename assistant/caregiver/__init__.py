"""The caregiver's side: alerts and their channels, the session history, the report, progression."""
