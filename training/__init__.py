"""Training of the command spotter: data set, features and heads (`python -m training`)."""
