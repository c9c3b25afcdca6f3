"""All or nothing: compute changes in memory, prove them in a temporary copy
(real kustomize, then ``check``), and only then move files into place."""

from __future__ import annotations

import difflib
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from adk_gitops import bounded, txn
from adk_gitops.check import checkconfig, pipeline
from adk_gitops.check.model import Report
from adk_gitops.errors import AdkGitopsError
from adk_gitops.kube.schemas import DEFAULT_VERSION
from adk_gitops.kustomize.renderer import Renderer
from adk_gitops.targets.discover import Target, TargetKind

# What a temporary copy needs to render an overlay.
COPIED = ("bases", "components")
VALIDATE_PREFIX = "adk-gitops-check-"  # + pid: txn removes copies of processes that died


class ChangeStatus(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class FileChange:
    path: str  # relative to the repository root, POSIX separators
    old: str | None  # None: the file does not exist yet
    new: str

    @property
    def status(self) -> ChangeStatus:
        if self.old is None:
            return ChangeStatus.CREATE
        return ChangeStatus.UNCHANGED if self.old == self.new else ChangeStatus.UPDATE


def changes_for(root: Path, files: Mapping[str, str]) -> list[FileChange]:
    out = []
    for rel, text in sorted(files.items()):
        path = root / rel
        try:
            old = bounded.read_text(path) if path.is_file() else None
        except (OSError, UnicodeDecodeError) as exc:
            raise AdkGitopsError(f"{rel}: cannot read: {exc}") from None
        out.append(FileChange(rel, old, text))
    return out


def unified_diff(changes: Sequence[FileChange]) -> str:
    chunks: list[str] = []
    for change in changes:
        if change.status is ChangeStatus.UNCHANGED:
            continue
        before = "/dev/null" if change.old is None else f"a/{change.path}"
        chunks.extend(
            difflib.unified_diff(
                (change.old or "").splitlines(keepends=True),
                change.new.splitlines(keepends=True),
                before,
                f"b/{change.path}",
            )
        )
    return "".join(chunks)


def validate(
    root: Path,
    changes: Sequence[FileChange],
    overlay: str,
    renderer: Renderer,
    versions: tuple[str, ...] = (DEFAULT_VERSION,),
) -> Report:
    """Render and check ``overlay``, and the Argo CD files the change writes, as
    they would be after it. Only what the change touches is judged: a problem
    elsewhere in the repository must not block this change."""
    copy = txn.pid_tagged_dir(VALIDATE_PREFIX)
    try:
        for name in COPIED:
            if (root / name).is_dir():
                shutil.copytree(root / name, copy / name, symlinks=True)
        if (root / overlay).is_dir():
            shutil.copytree(root / overlay, copy / overlay, symlinks=True)
        for change in changes:
            target = copy / change.path
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.is_symlink():  # copied as a link: writing through it would leave the copy
                target.unlink()
            target.write_text(change.new, encoding="utf-8")
        targets = [Target(overlay, copy / overlay, TargetKind.KUSTOMIZATION)]
        targets += [
            Target(c.path, copy / c.path, TargetKind.FILE)
            for c in changes
            if c.path.startswith("argocd/") and c.status is not ChangeStatus.UNCHANGED
        ]
        # Findings name files relative to the copy's root: the repository's own paths.
        config = checkconfig.load(root)  # the repository's own rule settings
        return pipeline.check(
            targets, kubernetes_versions=versions, repo_root=copy, renderer=renderer, config=config
        )
    finally:
        shutil.rmtree(copy, ignore_errors=True)


def _landing_order(path: str) -> tuple[int, str]:
    """Overlays before the Argo CD files that point at them, the AppProject last."""
    if path.startswith("overlays/"):
        return 0, path
    if path == "argocd/project.yaml":
        return 3, path
    return (1 if path.startswith("argocd/") else 2), path


def write(root: Path, changes: Sequence[FileChange]) -> None:
    """Write every changed file as one transaction (``txn``): after a kill the tree
    is untouched, or complete once the next edit has run. Hold ``txn.locked``."""
    root.mkdir(parents=True, exist_ok=True)
    pending = sorted(
        (c for c in changes if c.status is not ChangeStatus.UNCHANGED), key=lambda c: _landing_order(c.path)
    )
    txn.commit(root, [(c.path, c.new) for c in pending])
