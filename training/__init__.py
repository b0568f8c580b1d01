"""Training of the command spotter: the data set, the features and the heads (`python -m training`)."""
