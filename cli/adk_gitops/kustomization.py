"""Reading kustomization files as data (never rendering: that is kustomize's job)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

from adk_gitops.inputs import KUSTOMIZATION_FILES


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
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
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
