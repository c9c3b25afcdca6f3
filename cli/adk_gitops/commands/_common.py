"""Shared CLI plumbing: stderr messages and the one exit path for domain errors."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import typer

from adk_gitops.errors import AdkGitopsError

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def say(message: str) -> None:
    """A message for people: stderr, never mixed with data on stdout."""
    print(message, file=sys.stderr)


def fail(message: str) -> NoReturn:
    say(f"adk-gitops: error: {message}")
    raise typer.Exit(EXIT_ERROR)


@contextmanager
def domain_errors() -> Iterator[None]:
    """Turn library errors into one stderr line and exit code 2."""
    try:
        yield
    except AdkGitopsError as exc:
        fail(str(exc))


def write_output(text: str, output: Path | None) -> None:
    """Data goes to stdout, or to --output FILE."""
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"{output}: cannot write: {exc.strerror}")
