"""What a command reads: a kustomization directory (rendered with the real
renderer), a rendered YAML file, or ``-`` for standard input."""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from adk_gitops import bounded, yamlread
from adk_gitops.argocd.applications import application_for
from adk_gitops.errors import AdkGitopsError
from adk_gitops.kube.manifests import Resource, flatten, load_stream, resources_from
from adk_gitops.kustomize import guard, locate
from adk_gitops.kustomize.batch import BatchRun, BatchUnavailable, render_batch
from adk_gitops.kustomize.kustomization import KUSTOMIZATION_FILES
from adk_gitops.kustomize.renderer import BUILD_TIMEOUT_S, Renderer, UnsafeInput, find_renderer
from adk_gitops.targets.discover import (
    STDIN,
    Loaded,
    Target,
    TargetKind,
    label_of,
    repo_label,
    resolve,
    target_of,
)


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


def is_kustomization_dir(path: Path) -> bool:
    return path.is_dir() and any((path / name).is_file() for name in KUSTOMIZATION_FILES)


def read_stdin() -> str:
    """Standard input as UTF-8 text; a one-line error otherwise."""
    try:
        return sys.stdin.buffer.read().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise AdkGitopsError(f"-: standard input is not UTF-8 (byte {exc.start})") from None


def _argocd_files(top: Path, suffixes: tuple[str, ...]) -> list[Path]:
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(top, followlinks=False):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        found.extend(Path(dirpath) / f for f in filenames if f.endswith(suffixes))
    return sorted(found)


def load_target(
    target: Target, renderer: Renderer | None, root: Path, deadline: float, early: BatchRun | None = None
) -> Loaded:
    """One target's objects, as every command reads it: an overlay rendered by the real
    renderer (as a batch of one, so findings know their source files; ``early``: its
    render, already started), a rendered file, standard input, a folder of manifests as
    Argo CD's directory source reads it, or this layout's argocd/ folder. Per-target
    failures are returned, not raised: what the guard refused, or one line."""
    try:
        if target.kind is TargetKind.KUSTOMIZATION:
            assert renderer is not None and target.path is not None
            remaining = deadline - time.monotonic()
            try:  # a batch of one: the same wrapper, so findings know their source files
                if early is not None:
                    (docs,) = early.result()
                else:
                    (docs,) = render_batch(renderer, [target.path], root, timeout=remaining)
            except BatchUnavailable:
                text = renderer.build(target.path, root=root, timeout=remaining)
                return Loaded(target, load_stream(text, source=target.default_file), "", renderer.description)
            bodies = [body for body, _ in docs]
            rendered = resources_from(bodies, target.default_file, [origin for _, origin in docs])
            return Loaded(target, rendered, "", renderer.description)
        if target.kind is TargetKind.STDIN:
            return Loaded(target, load_stream(read_stdin(), source="-"), "", "")
        assert target.path is not None
        if target.kind is TargetKind.FILE:
            files = [target.path]
        elif target.label == "argocd" and target.path == root / "argocd":
            # This layout's Argo CD objects, in every folder.
            files = _argocd_files(target.path, (".yaml", ".yml"))
        else:
            app = application_for(target.path)
            files = directory_files(target.path, target.label, recurse=bool(app and app.recurse))
        resources: list[Resource] = []
        refused: list[guard.Refusal] = []
        real_root = root.resolve()
        for file in files:
            why = bounded.outside_reason(file, real_root)
            if why:
                refused.append(guard.Refusal(file, repo_label(file, root), guard.Why.OUTSIDE, why))
                continue
            resources.extend(load_file(file, repo_label(file, root)))
        return Loaded(target, tuple(resources), "", "", tuple(refused))
    except UnsafeInput as exc:
        return Loaded(target, (), "", "", exc.refusals)
    except AdkGitopsError as exc:  # the renderer was found before: these are per-target failures
        return Loaded(target, (), str(exc), "")
    except OSError as exc:  # e.g. an unreadable folder while listing it
        return Loaded(target, (), f"{target.label}: cannot read: {exc.strerror or exc}", "")


def read_rendered(target: str, root: Path, renderer: Renderer | None = None) -> Rendered:
    """Render or read ``target`` (a path or an environment's name, inside the repository
    ``root``) as ``load_target`` does for check; raise AdkGitopsError with a one-line
    reason, or UnsafeInput with what the guard refused."""
    if target == STDIN:
        return Rendered(STDIN, load_stream(read_stdin(), source="<stdin>"), None)
    path = resolve(target, root)
    found = target_of(path, label_of(target, path, root))
    used = (renderer or find_renderer()) if found.kind is TargetKind.KUSTOMIZATION else None
    loaded = load_target(found, used, root, time.monotonic() + BUILD_TIMEOUT_S)
    if loaded.refusals and found.kind is TargetKind.KUSTOMIZATION:
        raise UnsafeInput(loaded.refusals)
    if loaded.refusals:  # a folder's file through a link out of the repository
        raise AdkGitopsError(f"{loaded.refusals[0].entry}: {loaded.refusals[0].detail}")
    if loaded.error:
        raise AdkGitopsError(loaded.error)
    return Rendered(found.label, loaded.resources, used)
