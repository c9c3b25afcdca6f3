"""Generating and editing environments: ``new-env``, ``set-image``, ``promote``."""
