"""All or nothing: compute changes in memory, prove them in a temporary copy
(real kustomize, then ``check``), and only then move files into place."""

from __future__ import annotations

import difflib
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from adk_gitops import checker
from adk_gitops.errors import AdkGitopsError
from adk_gitops.model import Report
from adk_gitops.renderer import Renderer
from adk_gitops.schemas import DEFAULT_VERSION

# What a temporary copy needs to render an overlay.
COPIED = ("bases", "components")


@dataclass(frozen=True)
class FileChange:
    path: str  # relative to the repository root, POSIX separators
    old: str | None  # None: the file does not exist yet
    new: str

    @property
    def status(self) -> str:
        return "create" if self.old is None else ("unchanged" if self.old == self.new else "update")


def changes_for(root: Path, files: Mapping[str, str]) -> list[FileChange]:
    out = []
    for rel, text in sorted(files.items()):
        path = root / rel
        try:
            old = path.read_text(encoding="utf-8") if path.is_file() else None
        except (OSError, UnicodeDecodeError) as exc:
            raise AdkGitopsError(f"{rel}: cannot read: {exc}") from None
        out.append(FileChange(rel, old, text))
    return out


def unified_diff(changes: Sequence[FileChange]) -> str:
    chunks: list[str] = []
    for change in changes:
        if change.status == "unchanged":
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
    with tempfile.TemporaryDirectory(prefix="adk-gitops-") as tmp:
        copy = Path(tmp)
        for name in COPIED:
            if (root / name).is_dir():
                shutil.copytree(root / name, copy / name, symlinks=True)
        if (root / overlay).is_dir():
            shutil.copytree(root / overlay, copy / overlay, symlinks=True)
        for change in changes:
            target = copy / change.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(change.new, encoding="utf-8")
        targets = [checker.Target(overlay, copy / overlay, "kustomization")]
        targets += [
            checker.Target(c.path, copy / c.path, "file")
            for c in changes
            if c.path.startswith("argocd/") and c.status != "unchanged"
        ]
        cwd = Path.cwd()
        os.chdir(copy)  # findings name files relative to the repository, as in a real run
        try:
            return checker.check(targets, kubernetes_versions=versions, repo_root=copy, renderer=renderer)
        finally:
            os.chdir(cwd)


def write(root: Path, changes: Sequence[FileChange]) -> None:
    """Write every changed file, each atomically; if any step fails, undo the
    ones already moved so the tree is as it was."""
    pending = [c for c in changes if c.status != "unchanged"]
    staged: list[tuple[Path, Path]] = []
    created_dirs: list[Path] = []
    try:
        for change in pending:
            target = root / change.path
            for parent in reversed(target.relative_to(root).parents):
                directory = root / parent
                if not directory.exists():
                    directory.mkdir()
                    created_dirs.append(directory)
            tmp = target.with_name(f".{target.name}.adk-gitops-tmp")
            tmp.write_text(change.new, encoding="utf-8")
            staged.append((tmp, target))
        done: list[tuple[Path, FileChange]] = []
        try:
            for (tmp, target), change in zip(staged, pending, strict=True):
                tmp.replace(target)
                done.append((target, change))
        except OSError:
            for target, change in reversed(done):
                if change.old is None:
                    target.unlink(missing_ok=True)
                else:
                    target.write_text(change.old, encoding="utf-8")
            raise
    except OSError as exc:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        for directory in reversed(created_dirs):
            if directory.is_dir() and not any(directory.iterdir()):
                directory.rmdir()
        raise AdkGitopsError(f"nothing written: {exc}") from None
