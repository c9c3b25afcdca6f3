"""Reading kustomization files as data (never rendering: that is kustomize's job)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from adk_gitops.inputs import KUSTOMIZATION_FILES
from adk_gitops.manifests import SafeLoader


def kustomization_file(directory: Path) -> Path | None:
    for name in KUSTOMIZATION_FILES:
        if (directory / name).is_file():
            return directory / name
    return None


def load(directory: Path) -> Mapping[str, Any]:
    """The kustomization in ``directory`` as a mapping ({} if absent or unreadable)."""
    path = kustomization_file(directory)
    if path is None:
        return {}
    try:
        stat = path.stat()
    except OSError:
        return {}
    return _parse(path.resolve(), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4096)
def _parse(path: Path, mtime_ns: int, size: int) -> Mapping[str, Any]:
    # Keyed by modification time and size: a fleet's overlays share their base and
    # components, which are read once per run instead of once per overlay.
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    return doc if isinstance(doc, Mapping) else {}


def is_component(directory: Path) -> bool:
    return load(directory).get("kind") == "Component"


def walk(directory: Path) -> Iterator[tuple[Path, Mapping[str, Any]]]:
    """This kustomization and every local one it includes (resources, components),
    each once. Remote URLs are skipped."""
    seen: set[Path] = set()
    stack = [directory.resolve()]
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        doc = load(current)
        file = kustomization_file(current)
        if file is None:
            continue
        yield file, doc
        for key in ("resources", "components", "bases"):
            for entry in doc.get(key) or []:
                entry = str(entry)
                if "://" in entry or entry.startswith(("git@", "github.com/")):
                    continue
                candidate = (current / entry).resolve()
                if candidate.is_dir():
                    stack.append(candidate)
