"""The Typer layer: options in, library call, output and exit code out."""
