"""What a command reads: a kustomization directory (rendered with the real
renderer), a rendered YAML file, or ``-`` for standard input."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from adk_gitops import bounded, yamlread
from adk_gitops.errors import AdkGitopsError
from adk_gitops.kube.manifests import Resource, flatten, load_stream, resources_from
from adk_gitops.kustomize import locate
from adk_gitops.kustomize.guard import outside_reason
from adk_gitops.kustomize.kustomization import KUSTOMIZATION_FILES
from adk_gitops.kustomize.renderer import Renderer, find_renderer
from adk_gitops.targets.discover import STDIN, label_of, resolve


@dataclass(frozen=True)
class Rendered:
    label: str  # the path as the user gave it
    resources: tuple[Resource, ...]
    renderer: Renderer | None  # None when the input was already rendered YAML


def load_file(path: Path, label: str) -> tuple[Resource, ...]:
    """The objects of a rendered YAML file; one-line AdkGitopsError if unreadable."""
    try:
        text = bounded.read_text(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise AdkGitopsError(f"{label}: cannot read: {exc}") from None
    docs, nodes = yamlread.load_all_nodes(text, label, kubectl=True)
    # Findings in this file are located in these same nodes: the file is parsed once.
    locate.remember(path, nodes)
    return resources_from(list(flatten(docs, label)), label)


# Argo CD's directory source reads these (reposerver: manifest generation, directory type).
MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")


def directory_files(path: Path, label: str, *, recurse: bool = False) -> list[Path]:
    """The files Argo CD's directory source reads: .yaml, .yml and .json, in
    subfolders only with ``recurse`` (the Application's ``directory.recurse``);
    hidden ones skipped, symlinked folders not followed. A Helm chart is refused."""
    if (path / "Chart.yaml").is_file():
        raise AdkGitopsError(
            f"{label}: a Helm chart: render it with `helm template NAME {label} > rendered.yaml` "
            "and pass that file"
        )
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(path, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".")) if recurse else []
        found += [
            Path(dirpath) / f for f in filenames if f.endswith(MANIFEST_SUFFIXES) and not f.startswith(".")
        ]
    return sorted(found)


def read_directory(path: Path, root: Path, label: str, *, recurse: bool = False) -> tuple[Resource, ...]:
    """A directory of manifests, as Argo CD reads it; a file outside the repository is refused."""
    real_root = root.resolve()
    files = directory_files(path, label, recurse=recurse)
    for file in files:
        why = outside_reason(file, real_root)
        if why:
            raise AdkGitopsError(f"{label}/{file.relative_to(path)}: {why}")
    resources: list[Resource] = []
    for file in files:
        resources.extend(load_file(file, f"{label.rstrip('/')}/{file.relative_to(path).as_posix()}"))
    return tuple(resources)


def is_kustomization_dir(path: Path) -> bool:
    return path.is_dir() and any((path / name).is_file() for name in KUSTOMIZATION_FILES)


def _recurse(path: Path) -> bool:
    """Whether the Application that deploys this directory reads it recursively."""
    from adk_gitops.argocd.applications import application_for

    found = application_for(path)
    return found.recurse if found else False


def read_stdin() -> str:
    """Standard input as UTF-8 text; a one-line error otherwise."""
    try:
        return sys.stdin.buffer.read().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise AdkGitopsError(f"-: standard input is not UTF-8 (byte {exc.start})") from None


def read_rendered(target: str, root: Path, renderer: Renderer | None = None) -> Rendered:
    """Render or read ``target``, which must lie inside the repository ``root``;
    raise AdkGitopsError with a one-line reason."""
    if target == STDIN:
        return Rendered(STDIN, load_stream(read_stdin(), source="<stdin>"), None)
    path = resolve(target, root)
    target = label_of(target, path, root)
    if path.is_dir():
        if not is_kustomization_dir(path):
            return Rendered(target, read_directory(path, root, target, recurse=_recurse(path)), None)
        used = renderer or find_renderer()
        return Rendered(target, load_stream(used.build(path, root=root), source=target), used)
    return Rendered(target, load_file(path, target), None)
