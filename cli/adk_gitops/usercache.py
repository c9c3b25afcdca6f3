"""What adk-gitops keeps between runs, in the user's cache folder
(``$XDG_CACHE_HOME/adk-gitops``, else ``~/.cache/adk-gitops``): results that are slow
to compute and a pure function of what names them (inlined schemas; parsed YAML, by a
digest of its text). Every entry is named by a digest of everything that decides it, so
nothing is ever stale; an entry is written whole or not at all, and a folder that cannot
be written (a read-only home) only means nothing is kept."""

from __future__ import annotations

import os
from pathlib import Path

# The folder mode: the cache holds the parsed text of the repositories checked.
_PRIVATE = 0o700


def home() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "adk-gitops"


def read(path: Path) -> bytes | None:
    """An entry's bytes, or None when there is none (or it cannot be read)."""
    try:
        return path.read_bytes()
    except OSError:
        return None


def store(path: Path, data: bytes) -> None:
    """Write an entry whole (a temporary file renamed into place) or not at all."""
    try:
        path.parent.mkdir(mode=_PRIVATE, parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.part")
        partial.write_bytes(data)
        partial.replace(path)
    except OSError:
        pass
