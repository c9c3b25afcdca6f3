"""What a command reads: a kustomization directory (rendered with the real
renderer), a rendered YAML file, or ``-`` for standard input."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from adk_gitops.errors import AdkGitopsError
from adk_gitops.guard import outside_reason
from adk_gitops.kustomization import KUSTOMIZATION_FILES
from adk_gitops.manifests import Resource, load_stream
from adk_gitops.renderer import Renderer, find_renderer


@dataclass(frozen=True)
class Rendered:
    label: str  # the path as the user gave it
    resources: tuple[Resource, ...]
    renderer: Renderer | None  # None when the input was already rendered YAML


def load_file(path: Path, label: str) -> tuple[Resource, ...]:
    """The objects of a rendered YAML file; one-line AdkGitopsError if unreadable."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AdkGitopsError(f"{label}: cannot read: {exc}") from None
    return load_stream(text, source=label)


def is_kustomization_dir(path: Path) -> bool:
    return path.is_dir() and any((path / name).is_file() for name in KUSTOMIZATION_FILES)


def read_stdin() -> str:
    """Standard input as UTF-8 text; a one-line error otherwise."""
    try:
        return sys.stdin.buffer.read().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise AdkGitopsError(f"-: standard input is not UTF-8 (byte {exc.start})") from None


def read_rendered(target: str, root: Path, renderer: Renderer | None = None) -> Rendered:
    """Render or read ``target``, which must lie inside the repository ``root``;
    raise AdkGitopsError with a one-line reason."""
    if target == "-":
        return Rendered("-", load_stream(read_stdin(), source="<stdin>"), None)
    path = Path(target)
    if not path.exists():
        raise AdkGitopsError(f"{target}: no such file or directory")
    why = outside_reason(path, root.resolve())
    if why:
        raise AdkGitopsError(f"{target}: {why} ({root}); pass --repo to use another repository")
    if path.is_dir():
        if not is_kustomization_dir(path):
            raise AdkGitopsError(f"{target}: not a kustomization directory (no kustomization.yaml)")
        used = renderer or find_renderer()
        return Rendered(target, load_stream(used.build(path, root=root), source=target), used)
    return Rendered(target, load_file(path, target), None)
