"""What a command checks: the targets of a repository (its overlays, its argocd/
folder, the paths a user names) and what loading one gives (``Loaded``). Below the
check pipeline (check/pipeline.py, which loads them) and its judge (check/judge.py,
which judges them), so neither imports the other for these types."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from adk_gitops import bounded
from adk_gitops.errors import AdkGitopsError
from adk_gitops.kube.manifests import Resource
from adk_gitops.kustomize import guard, kustomization


class TargetKind(StrEnum):
    KUSTOMIZATION = "kustomization"
    FILE = "file"  # rendered YAML
    STDIN = "stdin"
    FOLDER = "folder"  # a directory of manifests, e.g. argocd/


@dataclass(frozen=True)
class Target:
    label: str
    path: Path | None  # None: standard input
    kind: TargetKind

    @property
    def default_file(self) -> str:
        if self.kind is TargetKind.KUSTOMIZATION and self.path is not None:
            found = kustomization.kustomization_file(self.path)
            return f"{self.label.rstrip('/')}/{found.name if found else 'kustomization.yaml'}"
        return self.label


def discover(root: Path) -> list[Target]:
    """Every overlay under overlays/ (kind Kustomization, not Component), then argocd/.
    Symlinked folders are not descended into; one that is an overlay is a target,
    and the guard judges where it leads."""
    targets: list[Target] = []
    overlays = root / "overlays"
    if overlays.is_dir():
        # Dot-folders are skipped, as Argo CD's git generator does (and batch folders start with one).
        for directory in _folders(overlays):
            if kustomization.kustomization_file(directory) and not kustomization.is_component(directory):
                targets.append(Target(repo_label(directory, root), directory, TargetKind.KUSTOMIZATION))
    argocd = root / "argocd"
    if argocd.is_dir():
        targets.append(target_of(argocd, repo_label(argocd, root)))
    return targets


def _folders(top: Path) -> list[Path]:
    found: list[Path] = []
    for dirpath, dirnames, _ in os.walk(top, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        here = Path(dirpath)
        found.extend(here / d for d in dirnames)
    return sorted(found)


STDIN = "-"


def _a_name(raw: str) -> bool:
    """Whether ``raw`` could name an environment: one word, not ``.`` or ``..``."""
    return "/" not in raw and raw not in (".", "..")


def named(raw: str, root: Path) -> Path:
    """What a command's target argument names, without judging it: the path as given
    when it exists, else the environment ``overlays/NAME`` of the repository for a bare
    NAME that is one, else the path as given."""
    path = Path(raw)
    if path.exists() or not _a_name(raw):
        return path
    environment = root / "overlays" / raw
    return environment if environment.is_dir() else path


def resolve(raw: str, root: Path, *, directory: bool = False) -> Path:
    """A command's target, the same way in every command: a path, or an environment's
    name (``overlays/NAME``); it must exist (a directory, with ``directory``) and lie
    inside the repository ``root``. AdkGitopsError, one line, otherwise."""
    path = named(raw, root)
    if not (path.is_dir() if directory else path.exists()):
        what = "directory" if directory else "file or directory"
        if not _a_name(raw):
            raise AdkGitopsError(f"{raw}: no such {what}")
        raise AdkGitopsError(f"{raw}: no environment overlays/{raw} and no such {what}")
    why = bounded.outside_reason(path, root.resolve())
    if why:
        raise AdkGitopsError(f"{raw}: {why} ({root}); pass --repo to use another repository")
    return path


def label_of(raw: str, path: Path, root: Path) -> str:
    """How findings and reports name a target: as the user wrote its path, or, for an
    environment named by its name, its folder in the repository (overlays/NAME), so
    per-path configuration applies to it alike."""
    return raw if path == Path(raw) else repo_label(path, root)


def targets_from_args(paths: Sequence[str], root: Path) -> list[Target]:
    """The targets the user named (``-``: standard input); each must be inside the
    repository ``root``."""
    out = []
    for raw in paths:
        if raw == STDIN:
            out.append(Target(STDIN, None, TargetKind.STDIN))
        else:
            path = resolve(raw, root)
            out.append(target_of(path, label_of(raw, path, root)))
    return out


def target_of(path: Path, label: str) -> Target:
    if path.is_dir():
        if kustomization.kustomization_file(path):
            if kustomization.is_component(path):
                raise AdkGitopsError(
                    f"{label}: a Kustomize Component cannot be built alone; check an overlay"
                )
            return Target(label, path, TargetKind.KUSTOMIZATION)
        return Target(label, path, TargetKind.FOLDER)
    return Target(label, path, TargetKind.FILE)


def repo_label(path: Path, root: Path) -> str:
    """``path`` relative to the repository, as targets and findings name files."""
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


@dataclass(frozen=True)
class Loaded:
    """A target as loaded for judging: its objects, or why they could not be read."""

    target: Target
    resources: tuple[Resource, ...]
    error: str  # "" when loaded
    rendered_by: str
    refusals: tuple[guard.Refusal, ...] = ()  # what the guard would not let anything read
