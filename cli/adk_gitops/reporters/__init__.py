"""Reporters: pure functions from a result to the string the CLI prints."""
